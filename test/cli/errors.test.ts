/**
 * What a script sees when a run cannot go ahead: a distinct exit code per kind of problem (2 usage,
 * 3 input file, 4 database), one line on stderr saying what to fix and naming the flag, setting,
 * file, sheet, row or column concerned, and with --json exactly one JSON object
 * `{ ok: false, exit_code, error: { kind, code, message } }` on stdout. Passwords never show.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { closedPort, ensureCliBuilt, killRunningClis, parseSingleJson, readCsv, removeTempDirs, runCli, RUN_DATE, SAMPLES, tempDir, writeWorkbook, type CliResult } from './cliHarness';

interface Failure {
  ok: false;
  exit_code: number;
  error: { kind: string; code: string; message: string; detail: Record<string, unknown> };
}

let db: TestDatabase;

beforeAll(async () => {
  await ensureCliBuilt();
  db = await createTestDatabase(inject('embeddedPgUrl'));
});

afterAll(async () => {
  await killRunningClis();
  await db?.drop();
  await removeTempDirs();
});

/** Runs with --json in a fresh folder; checks the envelope, the exit code and the one-line cause. */
async function fails(args: string[], exitCode: number, kind: string, cwdPrefix = 'error'): Promise<{ result: CliResult; error: Failure['error']; cwd: string }> {
  const cwd = await tempDir(cwdPrefix);
  const result = await runCli(['--json', ...args], { cwd });
  expect(result.code, result.stderr).toBe(exitCode);
  const report = parseSingleJson(result.stdout) as unknown as Failure;
  expect(report).toMatchObject({ ok: false, exit_code: exitCode, error: { kind, code: expect.any(String), message: expect.any(String) } });
  // The cause is the last line on stderr, one line, the same words as the JSON message.
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines.at(-1)).toBe(`healthtech-etl: ${report.error.message}`);
  expect(lines.filter((line) => line.startsWith('healthtech-etl:'))).toHaveLength(1);
  return { result, error: report.error, cwd };
}

describe('usage errors exit with 2', () => {
  it('an unknown flag is named, and nothing is printed on stdout without --json', async () => {
    const cwd = await tempDir('usage');
    const plain = await runCli(['--frobnicate'], { cwd });
    expect(plain.code).toBe(2);
    expect(plain.stdout).toBe('');
    expect(plain.stderr).toMatch(/^healthtech-etl: .*'--frobnicate'.*--help.*\n$/);
    const { error } = await fails(['--frobnicate'], 2, 'usage');
    expect(error.code).toBe('bad_flag');
  });

  it('only one of the two workbook flags', async () => {
    const { error } = await fails(['--doctors_xlsx', SAMPLES.doctors], 2, 'usage');
    expect(error.message).toMatch(/--appointments_xlsx/);
    expect(error.detail).toMatchObject({ setting: 'appointments_xlsx' });
  });

  it('a date order other than auto, mdy or dmy', async () => {
    const { error } = await fails(['--date-order', 'ymd'], 2, 'usage');
    expect(error.message).toMatch(/--date-order.*auto, mdy or dmy.*"ymd"/);
  });

  it('a run date that is not a real YYYY-MM-DD date', async () => {
    const { error } = await fails(['--run-date', '2026-02-30'], 2, 'usage');
    expect(error.message).toMatch(/--run-date.*"2026-02-30"/);
    await fails(['--run-date', '25/11/2026'], 2, 'usage');
  });

  it('a schema name that is not a plain identifier names the setting', async () => {
    const { error } = await fails(['--schema', 'bad-name', '--dry-run'], 2, 'usage');
    expect(error.message).toMatch(/schema "bad-name"/);
    expect(error.detail).toMatchObject({ setting: 'schema' });
  });
});

describe('input file errors exit with 3', () => {
  it('a missing workbook is named', async () => {
    const { error, cwd } = await fails(['--doctors_xlsx', 'no-such-doctors.xlsx', '--appointments_xlsx', SAMPLES.appointments, '--dry-run'], 3, 'input');
    expect(error.code).toBe('file_not_found');
    expect(error.message).toContain(path.join(cwd, 'no-such-doctors.xlsx'));
  });

  it('a CSV renamed to .xlsx is recognised as such', async () => {
    const dir = await tempDir('csv-renamed');
    const fake = path.join(dir, 'appointments.xlsx');
    await writeFile(fake, 'booking_id,patient_id,doctor_id,booking_date,status\n1,2,3,2025-10-21,confirmed\n');
    const { error } = await fails(['--doctors_xlsx', SAMPLES.doctors, '--appointments_xlsx', fake, '--dry-run'], 3, 'input');
    expect(error.message).toMatch(/appointments\.xlsx.*CSV.*not an \.xlsx/);
  });

  it('missing required columns: names the file, the sheet, the missing and the found columns (as typed)', async () => {
    const dir = await tempDir('missing-columns');
    const appointments = await writeWorkbook(path.join(dir, 'appts.xlsx'), 'Bookings', [
      ['Booking ID', 'patient_id', 'Doctor-ID', 'booking_date', 'Notes'],
      [1001, 1, 101, '2025-10-21', ''],
    ]);
    const { error } = await fails(['--doctors_xlsx', SAMPLES.doctors, '--appointments_xlsx', appointments, '--dry-run'], 3, 'input');
    expect(error.code).toBe('missing_columns');
    expect(error.message).toMatch(/appts\.xlsx, sheet "Bookings", header row 1: missing required column status\. Columns found: "Booking ID", "patient_id", "Doctor-ID", "booking_date", "Notes"\.$/);
    expect(error.detail).toMatchObject({ sheet: 'Bookings', row: 1, missing: ['status'] });
  });

  it('slash dates that read only day-first and others only month-first: asks for mdy or dmy', async () => {
    const dir = await tempDir('date-order');
    const appointments = await writeWorkbook(path.join(dir, 'appointments.xlsx'), 'Appointments', [
      ['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'status'],
      [1001, 1, 101, '13/01/2025', 'confirmed'],
      [1002, 2, 101, '01/13/2025', 'confirmed'],
      [1003, 3, 101, '01/02/2025', 'cancelled'],
    ]);
    const args = ['--doctors_xlsx', SAMPLES.doctors, '--appointments_xlsx', appointments, '--dry-run', '--run-date', RUN_DATE];
    const { error } = await fails(args, 3, 'input');
    expect(error.code).toBe('date_order_conflict');
    expect(error.message).toMatch(/appointments\.xlsx, sheet "Appointments".*row 2.*row 3.*mdy.*dmy/);
    // Choosing an order, as the message asks, lets the run through.
    const chosen = await runCli([...args, '--date-order', 'dmy', '--json'], { cwd: dir });
    expect(chosen.code, chosen.stderr).toBe(0);
    expect(parseSingleJson(chosen.stdout)).toMatchObject({ date_order: { used: 'dmy', basis: 'requested' } });
  });
});

describe('an output folder that cannot be written', () => {
  it('stops the run before the load with 1, naming the file; the database is not touched', async () => {
    const cwd = await tempDir('output');
    // A file where the folder should be: nothing can be created inside it.
    await writeFile(path.join(cwd, 'taken'), 'not a folder');
    const before = await runCli(['--db_url', db.url, '--run-date', RUN_DATE, '--json'], { cwd });
    expect(before.code, before.stderr).toBe(0);
    const runsBefore = (parseSingleJson(before.stdout) as { run_id: number }).run_id;

    const { error, result } = await fails(['--db_url', db.url, '--run-date', RUN_DATE, '--output_dir', path.join(cwd, 'taken', 'out')], 1, 'internal', 'output');
    expect(error.code).toBe('output_failed');
    expect(error.message).toMatch(/^Could not write .*out.* part of the path is a file, not a folder\. Nothing was loaded; choose another --output_dir\.$/);
    expect(result.stderr).not.toMatch(/load started/);
    const after = await runCli(['--db_url', db.url, '--run-date', RUN_DATE, '--json'], { cwd });
    // The next run's id follows the earlier one: the failed run never reached the run log.
    expect((parseSingleJson(after.stdout) as { run_id: number }).run_id).toBe(runsBefore + 1);
  });
});

describe('database errors exit with 4 and never show the password', () => {
  async function expectNoSecret(secret: string, result: CliResult, cwd: string) {
    const log = await readFile(path.join(cwd, 'logs', 'pipeline.log'), 'utf8');
    expect(log).toMatch(/ERROR /);
    for (const [where, text] of Object.entries({ stdout: result.stdout, stderr: result.stderr, 'logs/pipeline.log': log })) {
      expect(text.includes(secret), `the password appears in ${where}`).toBe(false);
    }
  }

  it('a server that is not there', async () => {
    const port = await closedPort();
    const { result, error, cwd } = await fails(['--db_url', `postgresql://u:secretpw@127.0.0.1:${port}/x`, '--run-date', RUN_DATE], 4, 'database');
    expect(error.code).toBe('db_unreachable');
    expect(error.message).toContain(`127.0.0.1:${port}/x`);
    await expectNoSecret('secretpw', result, cwd);
    // The CSVs were being written while the load tried to start: the failed run waited for them,
    // so they are complete (nothing is lost), as a dry run of the same files writes them.
    const dryCwd = await tempDir('error-dry');
    const dry = parseSingleJson((await runCli(['--dry-run', '--json', '--run-date', RUN_DATE], { cwd: dryCwd })).stdout) as { counts: Record<string, number> };
    expect((await readCsv(path.join(cwd, 'output', 'final_appointments.csv'))).rows).toHaveLength(dry.counts.appointments as number);
    expect((await readCsv(path.join(cwd, 'output', 'rejected_rows.csv'))).rows).toHaveLength(dry.counts.rejected as number);
    for (const name of ['final_doctors.csv', 'final_appointments.csv', 'rejected_rows.csv']) {
      expect(await readFile(path.join(cwd, 'output', name))).toEqual(await readFile(path.join(dryCwd, 'output', name)));
    }
  });

  it('a wrong password on a real server', async () => {
    const url = new URL(db.url);
    url.password = 'Wr0ng-Secret-7731';
    const { result, error, cwd } = await fails(['--db_url', url.toString(), '--run-date', RUN_DATE], 4, 'database');
    expect(error.code).toBe('db_auth_failed');
    expect(error.message).toMatch(/wrong user name or password/);
    await expectNoSecret('Wr0ng-Secret-7731', result, cwd);
    await expectNoSecret(decodeURIComponent(new URL(db.url).password), result, cwd);
  });
});
