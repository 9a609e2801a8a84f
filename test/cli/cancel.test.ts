/**
 * Ctrl-C (SIGINT) on a long run: exit code 130, a word on stderr that it is cancelling, and
 * nothing half-done: the database keeps its earlier load exactly, no session is left open, and a
 * run cancelled while reading writes no output files. Moments are chosen by what the CLI says on
 * stderr or by what the server shows, never by sleeping.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateWorkbooks, type GeneratedWorkbooks } from '../../scripts/generator/generateWorkbooks';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { ensureCliBuilt, killRunningClis, removeTempDirs, runCli, RUN_DATE, startCli, tablesFingerprint, tempDir, withPg } from './cliHarness';

let db: TestDatabase;
let cwd: string;
let big: GeneratedWorkbooks;
let loadedBefore: string;

interface RunRow {
  run_id: string;
  outcome: string;
  error_code: string | null;
}

const runs = () => withPg(db.url, async (client) => (await client.query<RunRow>('SELECT run_id, outcome, error_code FROM healthtech.etl_runs ORDER BY run_id')).rows);
const etlSessions = () =>
  withPg(db.url, async (client) => Number((await client.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'healthtech-etl'`)).rows[0].n));

beforeAll(async () => {
  await ensureCliBuilt();
  db = await createTestDatabase(inject('embeddedPgUrl'));
  cwd = await tempDir('cancel');
  big = await generateWorkbooks({ seed: 20261125, appointments: 200_000, outDir: path.join(cwd, 'big') });
  // An earlier load, which a cancelled run must leave exactly as it is.
  const earlier = await runCli(['--db_url', db.url, '--run-date', RUN_DATE], { cwd });
  expect(earlier.code, earlier.stderr).toBe(0);
  loadedBefore = await tablesFingerprint(db.url);
});

afterAll(async () => {
  await killRunningClis();
  await db?.drop();
  await removeTempDirs();
});

const bigRun = (outputDir: string) => ['--doctors_xlsx', big.doctorsPath, '--appointments_xlsx', big.appointmentsPath, '--db_url', db.url, '--run-date', RUN_DATE, '--output-dir', outputDir];

describe('Ctrl-C', () => {
  it('while reading a 50,000-row workbook: exit 130, says it is cancelling, loads and writes nothing', async () => {
    const runsBefore = await runs();
    const cli = startCli(bigRun('out-read'), { cwd });
    // The doctors are read; the appointments are being read now. (A Ctrl-C this early used to end
    // in exit 1, "The ETL worker failed: Cancelled.", when the reader was aborted before it started.)
    await cli.waitForStderr(/INFO {2}read doctors /);
    cli.child.kill('SIGINT');
    const result = await cli.done;

    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toMatch(/SIGINT received, cancelling/);
    expect(result.stderr).not.toMatch(/INFO {2}read appointments /);
    expect(result.stderr.trimEnd().split('\n').at(-1)).toMatch(/^healthtech-etl: .*[Cc]ancel/);
    expect(await tablesFingerprint(db.url)).toBe(loadedBefore);
    expect(await runs()).toEqual(runsBefore);
    expect(existsSync(path.join(cwd, 'out-read', 'final_appointments.csv'))).toBe(false);
  });

  it('while the load waits for the tables: exit 130, the earlier load untouched, the run recorded as cancelled', async () => {
    const runsBefore = await runs();
    // Someone is reading the tables (an analyst's open transaction): the load has to wait for them.
    const reader = new pg.Client({ connectionString: db.url, application_name: 'analyst' });
    reader.on('error', () => undefined);
    await reader.connect();
    try {
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM healthtech.doctors');
      const cli = startCli(bigRun('out-load'), { cwd });
      const finished = cli.done.then(() => true);
      // Wait until the CLI's session is blocked on the reader's lock (polling the server's view).
      await withPg(db.url, async (monitor) => {
        for (;;) {
          const { rows } = await monitor.query(
            `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'healthtech-etl' AND wait_event_type = 'Lock'`,
          );
          if (Number(rows[0].n) > 0) return;
          const ended = await Promise.race([finished, new Promise<false>((resolve) => setTimeout(() => resolve(false), 25))]);
          if (ended) throw new Error(`the CLI ended before it waited for the lock:\n${(await cli.done).stderr}`);
        }
      });
      cli.child.kill('SIGINT');
      await cli.waitForStderr(/SIGINT received, cancelling/);
      // The reader keeps the tables until the CLI is gone: the cancel has to stop the wait itself
      // (were it ignored, the load would wait out its lock budget and end with db_locked, exit 4).
      const result = await cli.done;
      await reader.query('COMMIT');

      expect(result.code, result.stderr).toBe(130);
      expect(await tablesFingerprint(db.url)).toBe(loadedBefore);
      const after = await runs();
      expect(after.slice(0, runsBefore.length)).toEqual(runsBefore);
      // The attempt is in the run history as a failed run that was cancelled, nothing else.
      expect(after.slice(runsBefore.length)).toEqual([expect.objectContaining({ outcome: 'failed', error_code: 'cancelled' })]);
      expect(await etlSessions()).toBe(0);
    } finally {
      await reader.end();
    }
  });
});
