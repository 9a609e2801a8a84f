/**
 * Patient data stays put (SPEC §10): the console and logs/pipeline.log hold counts, timings and
 * Excel row numbers, never a cell value, whether the run succeeds or stops on a bad file; and the
 * CLI leaves no temporary files behind. The workbook is built with values distinctive enough that
 * finding one of them anywhere in the log is a leak, not a coincidence.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { ensureCliBuilt, killRunningClis, parseSingleJson, removeTempDirs, runCli, RUN_DATE, tempDir, writeWorkbook, type CliResult } from './cliHarness';

const PATIENTS = [918273645, 918273646, 918273647];
const SECRETS = [
  ...PATIENTS.map(String),
  'Zebedee Quartermain',
  'Ottoline Vexworth',
  'Xenocardiology',
  'Persephone Blackwood', // on a rejected doctor row
  '37QZX', // an invalid doctor id
  '48XQJ7', // an invalid patient id
  '02/30/2025', // an impossible date
  'confirmd-zq', // an unknown status
  '7770001',
];

let db: TestDatabase;
let cwd: string;
let privateTmp: string;
let success: CliResult;
let failure: CliResult;

beforeAll(async () => {
  await ensureCliBuilt();
  db = await createTestDatabase(inject('embeddedPgUrl'));
  cwd = await tempDir('privacy');
  privateTmp = await tempDir('privacy-tmp');
  const doctors = await writeWorkbook(path.join(cwd, 'doctors.xlsx'), 'Doctors', [
    ['doctor_id', 'name', 'specialty'],
    [301, 'Zebedee Quartermain', 'Xenocardiology'],
    [302, 'Ottoline Vexworth', 'Xenocardiology'],
    ['37QZX', 'Persephone Blackwood', 'Xenocardiology'],
  ]);
  const appointments = await writeWorkbook(path.join(cwd, 'appointments.xlsx'), 'Appointments', [
    ['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'status'],
    [7770001, PATIENTS[0], 301, '10/21/2025', 'Confirmed'],
    [7770002, PATIENTS[1], 302, '2025-10-22', 'cancelled'],
    [7770003, PATIENTS[2], 301, '02/30/2025', 'confirmed'],
    [7770004, '48XQJ7', 301, '2025-10-23', 'confirmed'],
    [7770005, PATIENTS[2], 302, '2025-10-24', 'confirmd-zq'],
    [7770001, PATIENTS[0], 301, '10/22/2025', 'confirmed'], // duplicate booking
  ]);
  // Slash dates only day-first (13/…) and only month-first (…/14/…): the run must stop.
  const conflicting = await writeWorkbook(path.join(cwd, 'conflicting.xlsx'), 'Appointments', [
    ['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'status'],
    [7770001, PATIENTS[0], 301, '13/07/2025', 'confirmed'],
    [7770002, PATIENTS[1], 302, '07/14/2025', 'cancelled'],
  ]);
  const env = { TMPDIR: privateTmp };
  success = await runCli(['--doctors_xlsx', doctors, '--appointments_xlsx', appointments, '--db_url', db.url, '--json', '--run-date', RUN_DATE], { cwd, env });
  expect(success.code, success.stderr).toBe(0);
  failure = await runCli(['--doctors_xlsx', doctors, '--appointments_xlsx', conflicting, '--db_url', db.url, '--run-date', RUN_DATE], { cwd, env });
  expect(failure.code, failure.stderr).toBe(3);
});

afterAll(async () => {
  await killRunningClis();
  await db?.drop();
  await removeTempDirs();
});

describe('patient data stays put', () => {
  it('logs/pipeline.log and the console hold counts and row numbers, but no cell value', async () => {
    const report = parseSingleJson(success.stdout) as { counts: Record<string, number> };
    expect(report.counts).toMatchObject({ appointments: 2, rejected: 5, duplicates: 1 });
    const log = await readFile(path.join(cwd, 'logs', 'pipeline.log'), 'utf8');
    // What the log is for is there: counts per step, and the rows the failure is about.
    expect(log).toMatch(/counts appointments .*read=6 kept=2 rejected=4/);
    expect(log).toMatch(/ERROR .*row 2.*row 3/);
    for (const secret of SECRETS) {
      expect(log.includes(secret), `pipeline.log contains ${secret}`).toBe(false);
      expect(success.stderr.includes(secret), `stderr contains ${secret}`).toBe(false);
      expect(failure.stderr.includes(secret), `stderr of the failed run contains ${secret}`).toBe(false);
    }
  });

  it('leaves no temporary files behind, after a load and after a failed run', async () => {
    expect(await readdir(privateTmp)).toEqual([]);
  });
});
