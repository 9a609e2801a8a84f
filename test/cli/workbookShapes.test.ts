/**
 * The CLI on workbooks of other writers and shapes (issue 9): the dry run reads the corpus pair as
 * Excel shows it (a hidden cover sheet first, data found by its header), a named sheet still wins,
 * and bad input is one line naming file, sheet, part, row and cell, exit 3, nothing written.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readZipEntries, repackXlsx } from '../support/zipTools';
import { ensureCliBuilt, killRunningClis, parseSingleJson, readCsv, removeTempDirs, runCli, tempDir } from './cliHarness';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const pair = (writer: string) => ['--doctors_xlsx', path.join(FIXTURES, 'writers', `${writer}-doctors.xlsx`), '--appointments_xlsx', path.join(FIXTURES, 'writers', `${writer}-appointments.xlsx`)];

beforeAll(async () => {
  await ensureCliBuilt();
});
afterAll(async () => {
  await killRunningClis();
  await removeTempDirs();
});

/** A failed run: exit 3, one line on stderr naming the problem, no output files. */
async function inputFailure(args: string[]): Promise<{ message: string; code: string; detail: Record<string, unknown> }> {
  const cwd = await tempDir('shape-error');
  const result = await runCli(['--dry_run', '--json', '--run_date', '2025-11-01', ...args], { cwd });
  expect(result.code, result.stderr).toBe(3);
  const report = parseSingleJson(result.stdout) as { error: { message: string; code: string; detail: Record<string, unknown> } };
  const causes = result.stderr.split('\n').filter((line) => line.startsWith('healthtech-etl:'));
  expect(causes).toEqual([`healthtech-etl: ${report.error.message}`]);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(existsSync(path.join(cwd, 'output'))).toBe(false);
  return report.error;
}

describe('healthtech-etl --dry_run on the writer corpus', () => {
  it('openpyxl pair with a hidden cover sheet first: the data sheets are found and every value is what Excel shows', async () => {
    const cwd = await tempDir('shapes');
    const result = await runCli(['--dry_run', '--json', '--run_date', '2025-11-01', ...pair('openpyxl')], { cwd });
    expect(result.code, result.stderr).toBe(0);
    const report = parseSingleJson(result.stdout) as { files: Record<string, { sheet: string }>; counts: Record<string, number> };
    expect(report.files.appointments?.sheet).toBe('Bookings');
    expect(report.files.doctors?.sheet).toBe('Doctors');
    const doctors = await readCsv(path.join(cwd, 'output', 'final_doctors.csv'));
    expect(doctors.rows.map((r) => `${r.doctor_id}|${r.name}|${r.specialty}`)).toEqual([
      '101|Dr. Ana Costa|Cardiology',
      '102|Dr. Renée Tanaka|Dermatology',
      "103|Dr. Björn O'Brien|",
      '104|Dr. Zoë <Chen> & Co|Pediatrics',
      '105|Dr. Multi\nLine|Neurology',
      '106|Dr. Émile Zola|Oncology',
      '199|Unknown|Unknown',
    ]);
    const appointments = await readCsv(path.join(cwd, 'output', 'final_appointments.csv'));
    expect(appointments.rows.map((r) => `${r.booking_id}|${r.booking_date}|${r.status}`).sort()).toEqual([
      '5001|2025-10-20|confirmed',
      '5002|2025-10-22|confirmed',
      '5003|2025-10-23|cancelled',
      '5004|2025-10-24|cancelled',
      '5008|2025-10-27|confirmed',
      '5009|2025-10-28|cancelled',
      '5010|2025-10-29|confirmed',
      '5011|2025-10-30|confirmed',
      '5013|2025-10-31|cancelled',
    ]);
  });

  it('a named sheet still wins, hidden or not', async () => {
    const error = await inputFailure([...pair('xlsxwriter'), '--appointments_sheet', 'Cover']);
    expect(error.code).toBe('missing_columns');
    expect(error.message).toMatch(/^xlsxwriter-appointments\.xlsx, sheet "Cover", header row 1: missing required columns booking_id, patient_id, doctor_id, booking_date, status\. Columns found: "appointments export"\.$/);
  });
});

describe('bad input: one line, exit 3, nothing written', () => {
  it('no sheet has the columns: every sheet is listed with the columns found there', async () => {
    const cwd = await tempDir('no-fit');
    const wb = new ExcelJS.Workbook();
    const cover = wb.addWorksheet('Cover');
    cover.getCell('A1').value = 'Bookings export\nsecond line';
    cover.state = 'hidden';
    wb.addWorksheet('Data').addRow(['Booking ID', 'Patient', 'Notes']);
    wb.addWorksheet('Empty');
    const file = path.join(cwd, 'nofit.xlsx');
    await wb.xlsx.writeFile(file);
    const error = await inputFailure(['--doctors_xlsx', path.join(FIXTURES, 'writers', 'exceljs-doctors.xlsx'), '--appointments_xlsx', file]);
    expect(error.code).toBe('missing_columns');
    expect(error.message).toBe(
      'nofit.xlsx: no sheet has the required columns booking_id, patient_id, doctor_id, booking_date, status. ' +
        'Sheets: "Data": row 1 has "Booking ID", "Patient", "Notes"; "Empty": empty; "Cover" (hidden): row 1 has "Bookings export\\nsecond line".',
    );
  });

  it('a number cell that holds no number names the file, sheet, cell and part', async () => {
    const cwd = await tempDir('bad-cell');
    const source = path.join(FIXTURES, 'writers', 'xlsxwriter-appointments.xlsx');
    const sheet = ((await readZipEntries(source)).get('xl/worksheets/sheet2.xml') as Buffer).toString('utf8');
    const file = path.join(cwd, 'badcell.xlsx');
    await repackXlsx(source, file, { 'xl/worksheets/sheet2.xml': sheet.replace('<c r="B4"><v>36</v></c>', '<c r="B4"><v>3\n6 patients</v></c>') });
    const error = await inputFailure(['--doctors_xlsx', path.join(FIXTURES, 'writers', 'xlsxwriter-doctors.xlsx'), '--appointments_xlsx', file]);
    expect(error.code).toBe('corrupt_workbook');
    expect(error.message).toBe(
      'badcell.xlsx: sheet "Bookings", cell B4 (xl/worksheets/sheet2.xml): a number cell holding "3\\n6 patients", which is not a number. Open the file in Excel and save it again as .xlsx.',
    );
    expect(error.detail).toMatchObject({ sheet: 'Bookings', row: 4, column: 'B', part: 'xl/worksheets/sheet2.xml' });
  });
});
