/**
 * The CLI's data-lake export (--parquet_dir, --s3_url): a run loads and exports in one command,
 * DuckDB reads the folder back equal to the tables, and the same layout lands in a real
 * S3-compatible server (s3rver on 127.0.0.1). Each export failure has its own exit code and one
 * line on stderr; the target is checked before the load, so those never touch the database.
 */
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { openDuckDb, sqlPath, type DuckDb } from '../support/duckdb';
import { awsEnv, S3RVER_CREDENTIALS, startFaultyProxy, startS3Server, type S3Server } from '../support/s3Server';
import { closedPort, ensureCliBuilt, killRunningClis, parseSingleJson, removeTempDirs, runCli, RUN_DATE, tempDir, tablesFingerprint, withPg } from './cliHarness';

let db: TestDatabase;
let s3: S3Server;
let duck: DuckDb;
const s3Env = awsEnv(S3RVER_CREDENTIALS);

beforeAll(async () => {
  await ensureCliBuilt();
  db = await createTestDatabase(inject('embeddedPgUrl'));
  s3 = await startS3Server(['lake']);
  duck = await openDuckDb();
});

afterAll(async () => {
  await killRunningClis();
  duck?.close();
  await s3?.close();
  await db?.drop();
  await removeTempDirs();
});

const base = () => ['--db_url', db.url, '--run_date', RUN_DATE, '--json', '--no_progress'];
const runCount = () => withPg(db.url, async (client) => Number((await client.query('SELECT count(*) AS n FROM healthtech.etl_runs')).rows[0]?.n));

describe('healthtech-etl --parquet_dir / --s3_url', () => {
  it('loads, writes the Parquet run folder and uploads it; DuckDB reads back what PostgreSQL holds', async () => {
    const cwd = await tempDir('lake');
    const result = await runCli([...base(), '--parquet-dir', 'lake', '--s3-url', 's3://lake/cli', '--s3-endpoint', s3.endpoint], { cwd, env: s3Env });
    expect(result.code, result.stderr).toBe(0);
    const report = parseSingleJson(result.stdout) as { run_id: number; counts: { appointments: number; doctors: number }; lake: Record<string, unknown>; timings_ms: Record<string, number> };
    const runDir = path.join(cwd, 'lake', `run_id=${report.run_id}`);
    expect(report.lake).toMatchObject({ run_id: report.run_id, local_dir: runDir, s3_prefix: `s3://lake/cli/run_id=${report.run_id}/`, s3_pointer: 's3://lake/cli/current.json', already_there: 0 });
    expect(report.timings_ms.export).toBeGreaterThan(0);
    const [counts] = await duck.query<{ n: number; ids: string }>(
      `SELECT count(*)::INT AS n, sum(booking_id)::VARCHAR AS ids FROM read_parquet(${sqlPath(path.join(runDir, 'appointments', '**', '*.parquet'))}, hive_partitioning = true)`,
    );
    const pg = await withPg(db.url, async (client) => (await client.query('SELECT count(*)::int AS n, sum(booking_id)::text AS ids FROM healthtech.appointments')).rows[0]);
    expect(counts).toEqual(pg);
    expect(counts?.n).toBe(report.counts.appointments);
    expect(await s3.keys('lake', `cli/run_id=${report.run_id}/_SUCCESS`)).toHaveLength(1);
    expect(JSON.parse(await s3.text('lake', 'cli/current.json'))).toMatchObject({ run_id: report.run_id });
  });

  it('refuses --dry_run with an export and a malformed s3:// URL as usage errors (2)', async () => {
    const cwd = await tempDir('lake-usage');
    const dry = await runCli(['--dry_run', '--parquet_dir', 'lake', '--json'], { cwd });
    expect(dry.code).toBe(2);
    expect(parseSingleJson(dry.stdout)).toMatchObject({ error: { code: 'export_needs_load' } });
    const url = await runCli([...base(), '--s3_url', 'https://lake/x'], { cwd });
    expect(url.code).toBe(2);
    expect(url.stderr.trimEnd().split('\n').at(-1)).toBe('healthtech-etl: --s3-url must look like s3://bucket/prefix, not "https://lake/x".');
  });

  it('gives each export failure its own exit code and one line, before the database is touched', async () => {
    const cwd = await tempDir('lake-fail');
    await writeFile(path.join(cwd, 'a-file'), 'in the way');
    const before = { tables: await tablesFingerprint(db.url), runs: await runCount() };
    const cases: { args: string[]; env?: Record<string, string | undefined>; code: number; error: string; message: RegExp }[] = [
      { args: ['--parquet_dir', 'a-file/lake'], code: 5, error: 'export_folder_unwritable', message: /^Cannot write the Parquet folder .*a-file\/lake: a part of the path is a file, not a folder\./ },
      { args: ['--s3_url', 's3://no-such-bucket/x', '--s3_endpoint', s3.endpoint], env: s3Env, code: 6, error: 's3_bucket_missing', message: /^The S3 bucket "no-such-bucket" does not exist at http:\/\/127\.0\.0\.1:\d+/ },
      { args: ['--s3_url', 's3://lake/x', '--s3_endpoint', s3.endpoint], env: awsEnv(null), code: 7, error: 's3_credentials', message: /^No AWS credentials were found/ },
      { args: ['--s3_url', 's3://lake/x', '--s3_endpoint', `http://127.0.0.1:${await closedPort()}`], env: s3Env, code: 8, error: 's3_endpoint', message: /^Cannot reach S3 at http:\/\/127\.0\.0\.1:\d+ for bucket "lake": .*ECONNREFUSED/ },
    ];
    for (const c of cases) {
      const result = await runCli([...base(), ...c.args], { cwd, ...(c.env ? { env: c.env } : {}) });
      expect(result.code, `${c.error}: ${result.stderr}`).toBe(c.code);
      const report = parseSingleJson(result.stdout) as { exit_code: number; error: { kind: string; code: string; message: string } };
      expect(report).toMatchObject({ exit_code: c.code, error: { kind: 'export', code: c.error } });
      expect(report.error.message).toMatch(c.message);
      expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(`healthtech-etl: ${report.error.message}`);
    }
    expect({ tables: await tablesFingerprint(db.url), runs: await runCount() }).toEqual(before);
    expect(existsSync(path.join(cwd, 'output'))).toBe(false);
  });

  it('exits 9 when the upload breaks off midway: the load stands, no _SUCCESS, and the message says what was uploaded', async () => {
    const cwd = await tempDir('lake-cut');
    const proxy = await startFaultyProxy(s3.endpoint, 2);
    try {
      const result = await runCli([...base(), '--s3_url', 's3://lake/cut', '--s3_endpoint', proxy.endpoint], { cwd, env: s3Env });
      expect(result.code, result.stderr).toBe(9);
      const report = parseSingleJson(result.stdout) as { error: { code: string; message: string; detail: { run_id: number; uploaded: string[] } } };
      const runId = report.error.detail.run_id;
      expect(report.error.code).toBe('s3_upload_failed');
      expect(report.error.message).toMatch(new RegExp(`^Run ${runId} is loaded, but the data-lake export failed: Upload to s3://lake/cut/run_id=${runId}/ stopped at \\S+ after 2 of \\d+ files`));
      expect(report.error.detail.uploaded).toHaveLength(2);
      expect(await s3.keys('lake', 'cut/')).toHaveLength(2);
      expect((await s3.keys('lake', 'cut/')).some((key) => key.endsWith('_SUCCESS') || key.endsWith('current.json'))).toBe(false);
      // The private temporary folder of an S3-only export is gone.
      expect((await readdir(cwd)).filter((name) => name.includes('lake'))).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});
