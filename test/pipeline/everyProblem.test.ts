/**
 * A rejected row names every problem it has (SPEC §4 rule 10), not only the first: the reason
 * stays the first problem in column order (so counts by reason do not change), and the full list
 * reaches the preview report, rejected_rows.csv, the rejected-rows workbook (the reason in the
 * words the preview shows, codes in columns of their own) and the `rejected_rows` table.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, serverLabel } from '../../electron/db/connection';
import { loadRun } from '../../electron/db/load';
import { exportRejectedWorkbook, rejectedSources } from '../../electron/etl/output/exportRejected';
import { writeCleanedOutputs } from '../../electron/etl/output/writeOutputs';
import { prepareRun, type PreparedRun } from '../../electron/etl/prepareRun';
import { readCsv, writeWorkbook } from '../cli/cliHarness';
import { createTestDatabase, testServers, type TestDatabase } from '../support/database';

let dir: string;
let run: PreparedRun;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'every-problem-'));
  const doctors = await writeWorkbook(path.join(dir, 'doctors.xlsx'), 'Doctors', [
    ['doctor_id', 'name', 'specialty'],
    [101, 'Dr. Ana Lima', 'Cardiology'],
    ['x1', '', 'Neurology'],
  ]);
  const appointments = await writeWorkbook(path.join(dir, 'appointments.xlsx'), 'Appointments', [
    ['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'status'],
    [1001, 34, 101, '10/20/2025', 'confirmed'],
    [1002, '', '37X', '02/30/2025', 'pending'],
    [1003, 35, '37X', '10/21/2025', 'confirmed'],
  ]);
  run = await prepareRun({ doctors: { path: doctors }, appointments: { path: appointments }, runDate: '2025-10-31' });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const codes = (file: string, row: number) => run.report.rejected.find((r) => r.file === file && r.row === row)?.problems.map((p) => `${p.column}:${p.reason}`);

describe('every problem of a rejected row', () => {
  it('the report lists them in column order; the reason is the first', () => {
    expect(codes('appointments', 3)).toEqual(['patient_id:missing_value', 'doctor_id:invalid_integer', 'booking_date:invalid_date', 'status:invalid_status']);
    expect(codes('appointments', 4)).toEqual(['doctor_id:invalid_integer']);
    expect(codes('doctors', 3)).toEqual(['doctor_id:invalid_integer', 'name:missing_value']);
    const row = run.report.rejected.find((r) => r.file === 'appointments' && r.row === 3);
    expect(row?.reason).toBe('missing_value');
    expect(row?.column).toBe('patient_id');
    expect(row?.message).toBe(row?.problems[0]?.message);
    // Counts by reason follow the first problem only.
    expect(run.report.counts.rejected).toBe(3);
  });

  it('rejected_rows.csv has every sentence and every code', async () => {
    const files = await writeCleanedOutputs(path.join(dir, 'output'), run);
    const csv = await readCsv(files.rejected_rows);
    const row = csv.rows.find((r) => r.file === 'appointments' && r.excel_row === '3');
    expect(row?.reason).toBe('missing_value');
    expect(row?.problem_codes).toBe('missing_value invalid_integer invalid_date invalid_status');
    expect(row?.problems?.split('\n')).toEqual([
      'patient_id is empty',
      'doctor_id "37X" is not a whole number id',
      'booking_date "02/30/2025" is not a real date (read month first)',
      'status "pending" is neither confirmed nor cancelled',
    ]);
  });

  it('the workbook says the reason in the preview’s words, every problem, and the codes in their own columns', async () => {
    const file = path.join(dir, 'rejected.xlsx');
    await exportRejectedWorkbook(file, rejectedSources(run.report), run.report.rejected);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    const sheet = book.getWorksheet('Appointments');
    expect(sheet?.views[0], 'the header row stays in view').toMatchObject({ state: 'frozen', ySplit: 1 });
    const header = (sheet?.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'status', 'Excel row', 'Reason', 'Problems', 'Kept row', 'Reason code', 'Problem codes']);
    const values = (sheet?.getRow(2).values as unknown[]).slice(1);
    expect(values.slice(5)).toEqual([
      3,
      'Missing value',
      'patient_id is empty\ndoctor_id "37X" is not a whole number id\nbooking_date "02/30/2025" is not a real date (read month first)\nstatus "pending" is neither confirmed nor cancelled',
      undefined,
      'missing_value',
      'missing_value invalid_integer invalid_date invalid_status',
    ]);
    expect((book.getWorksheet('Doctors')?.getRow(2).values as unknown[]).slice(4, 8)).toEqual([3, 'Not a whole number', 'doctor_id "x1" is not a whole number id\nname is empty', undefined]);
  });
});

describe.each(testServers())('rejected_rows on $name PostgreSQL', (server) => {
  let database: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    database = await createTestDatabase(server.url);
    pool = createPool(database.url);
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it('holds every problem of each row as JSON', async () => {
    await loadRun({ pool, label: serverLabel(database.url) }, run, { schema: 'healthtech', source: 'cli' });
    const { rows } = await pool.query<{ reason: string; problems: { reason: string; column?: string }[] }>(
      `SELECT reason, problems FROM healthtech.rejected_rows WHERE file = 'appointments' AND excel_row = 3`,
    );
    expect(rows[0]?.reason).toBe('missing_value');
    expect(rows[0]?.problems.map((p) => `${p.column}:${p.reason}`)).toEqual(['patient_id:missing_value', 'doctor_id:invalid_integer', 'booking_date:invalid_date', 'status:invalid_status']);
  });
});
