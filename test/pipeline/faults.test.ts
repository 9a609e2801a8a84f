/**
 * Workbook faults end to end through prepareRun (SPEC §10): an empty sheet, a sheet of blank rows,
 * hostile header names. Each is a typed error naming file and sheet, or a clean result that
 * changes nothing it should not.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputFileError } from '../../electron/etl/errors';
import { prepareRun } from '../../electron/etl/prepareRun';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'faults-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function workbook(name: string, sheet: string, rows: unknown[][]): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheet);
  for (const row of rows) ws.addRow(row);
  const file = path.join(dir, name);
  await wb.xlsx.writeFile(file);
  return file;
}

const doctorsOk = () => workbook(`doctors-${Math.random().toString(36).slice(2)}.xlsx`, 'Doctors', [['doctor_id', 'name', 'specialty'], [101, 'Dr. A', 'Cardiology']]);

async function failure(promise: Promise<unknown>): Promise<InputFileError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputFileError);
  return error as InputFileError;
}

describe('workbook faults', () => {
  it('an empty sheet says which file and sheet, and what columns were expected', async () => {
    const appointments = await workbook('empty.xlsx', 'Bookings', []);
    const error = await failure(prepareRun({ doctors: { path: await doctorsOk() }, appointments: { path: appointments }, runDate: '2025-11-01' }));
    expect(error.code).toBe('empty_sheet');
    expect(error.message).toMatch(/empty\.xlsx, sheet "Bookings" is empty: no header row was found \(expected columns booking_id, patient_id, doctor_id, booking_date, status\)/);
    expect(error.location).toMatchObject({ sheet: 'Bookings' });
  });

  it('a sheet of blank rows is empty too', async () => {
    const appointments = await workbook('blank.xlsx', 'Sheet1', [[''], ['  '], [null, '']]);
    expect((await failure(prepareRun({ doctors: { path: await doctorsOk() }, appointments: { path: appointments }, runDate: '2025-11-01' }))).code).toBe('empty_sheet');
  });

  it('missing columns name the file, sheet, header row, the missing and the found columns', async () => {
    const appointments = await workbook('missing.xlsx', 'Data', [[], ['Booking ID', 'Patient ID', 'Notes'], [1, 2, 'x']]);
    const error = await failure(prepareRun({ doctors: { path: await doctorsOk() }, appointments: { path: appointments }, runDate: '2025-11-01' }));
    expect(error.code).toBe('missing_columns');
    expect(error.message).toBe(
      'missing.xlsx, sheet "Data", header row 2: missing required columns doctor_id, booking_date, status. Columns found: "Booking ID", "Patient ID", "Notes".',
    );
  });

  it('headers such as __proto__ and constructor are ignored extra columns and change nothing', async () => {
    const appointments = await workbook('proto.xlsx', 'Sheet1', [
      ['__proto__', 'booking_id', 'patient_id', 'constructor', 'doctor_id', 'booking_date', 'status', 'toString', 'hasOwnProperty'],
      ['{"polluted":true}', 1, 34, 'x', 101, '2025-10-21', 'confirmed', 'y', 'z'],
      ['__proto__', 2, 35, 'constructor', 101, '2025-10-22', 'cancelled', 'toString', 'valueOf'],
    ]);
    const run = await prepareRun({ doctors: { path: await doctorsOk() }, appointments: { path: appointments }, runDate: '2025-11-01' });
    expect(run.report.counts).toMatchObject({ appointments: 2, rejected: 0 });
    expect(run.report.files.appointments.columns.extra).toEqual(['__proto__', 'constructor', 'toString', 'hasOwnProperty']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.toString.call({})).toBe('[object Object]');
    expect(Object.getPrototypeOf(run.report.rejected)).toBe(Array.prototype);
  });

  it('a doctors file dropped in the appointments slot says what is missing rather than loading nonsense', async () => {
    const error = await failure(prepareRun({ doctors: { path: await doctorsOk() }, appointments: { path: await doctorsOk() }, runDate: '2025-11-01' }));
    expect(error.code).toBe('missing_columns');
    expect(error.message).toMatch(/missing required columns booking_id, patient_id, booking_date, status\. Columns found: "doctor_id", "name", "specialty"\./);
  });

  it('both files bad: the doctors file is named, as when they were read one after the other', async () => {
    // The two files are read at once, and either may fail first.
    const doctors = await workbook('doctors-bad.xlsx', 'Doctors', [['name', 'specialty'], ...Array.from({ length: 3000 }, (_, i) => [`Dr. ${i}`, 'Cardiology'])]);
    const appointments = await workbook('appointments-empty.xlsx', 'Bookings', []);
    const error = await failure(prepareRun({ doctors: { path: doctors }, appointments: { path: appointments }, runDate: '2025-11-01' }));
    expect(error.code).toBe('missing_columns');
    expect(error.message).toMatch(/^doctors-bad\.xlsx, sheet "Doctors", header row 1: missing required column doctor_id\./);
  });

  it('a bad doctors file stops the appointments read and is what the run reports', async () => {
    const doctors = await workbook('doctors-empty.xlsx', 'Doctors', []);
    const appointments = await workbook('appointments-ok.xlsx', 'Bookings', [
      ['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'status'],
      ...Array.from({ length: 20_000 }, (_, i) => [i + 1, 7, 101, '2025-10-01', 'confirmed']),
    ]);
    const error = await failure(prepareRun({ doctors: { path: doctors }, appointments: { path: appointments }, runDate: '2025-11-01' }));
    expect(error.code).toBe('empty_sheet');
    expect(error.message).toMatch(/^doctors-empty\.xlsx, sheet "Doctors" is empty/);
  });
});
