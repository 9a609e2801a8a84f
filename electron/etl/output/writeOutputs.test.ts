/**
 * The cleaned CSVs are complete or absent: a folder that cannot be written fails at open (before
 * the host starts loading), and a write that is cancelled or fails midway removes what it opened.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, InternalError } from '../errors';
import { prepareRun, type PreparedRun } from '../prepareRun';
import { CSV_BOM, csvLine } from '../../../shared/spreadsheetText';
import { HOSTILE } from '../../../test/support/hostileText';
import type { RejectedRow } from '../types';
import { CleanedOutputs, writeCleanedOutputs } from './writeOutputs';

let dir: string;
let run: PreparedRun;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'outputs-'));
  run = await prepareRun({ doctors: { path: 'samples/doctors.xlsx' }, appointments: { path: 'samples/appointments.xlsx' }, runDate: '2026-11-25' });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const NAMES = ['final_doctors.csv', 'final_appointments.csv', 'rejected_rows.csv'];
const lines = async (file: string) => (await readFile(file, 'utf8')).split('\r\n').filter(Boolean).length;

describe('the cleaned CSV outputs', () => {
  it('hold a header and one line per row of each table', async () => {
    const files = await writeCleanedOutputs(path.join(dir, 'ok'), run);
    expect(await lines(files.final_doctors)).toBe(run.doctors.length + 1);
    expect(await lines(files.final_appointments)).toBe(run.appointments.length + 1);
    // A rejected row's `problems` cell can hold line breaks (LF inside quotes), never CRLF.
    expect(await lines(files.rejected_rows)).toBe(run.report.rejected.length + 1);
  });

  // rejected_rows.csv is written field by field into bytes; one csvLine per row, as it was written
  // before, is the oracle, with the run's own rows and hostile ones.
  it('rejected_rows.csv holds, byte for byte, one csvLine per rejected row', async () => {
    const RAW = ['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'status', 'name', 'specialty'];
    const header = ['file', 'source_file', 'sheet', 'excel_row', 'reason', 'column', 'message', 'problems', 'problem_codes', 'kept_row', ...RAW];
    const hostile = HOSTILE.map((value, i): RejectedRow => ({
      file: i % 2 === 0 ? 'doctors' : 'appointments',
      row: i + 2,
      reason: 'invalid_date',
      ...(i % 3 === 0 ? {} : { column: value }),
      message: value,
      problems: i % 4 === 0 ? [{ reason: 'invalid_date', message: value }] : [{ reason: 'invalid_date', column: value, message: value }, { reason: 'missing_value', message: `=${value}` }],
      ...(i % 5 === 0 ? { keptRow: i } : {}),
      raw: i % 2 === 0 ? { doctor_id: value, name: `-${value}` } : { booking_id: value, status: value, booking_date: '' },
    }));
    const rows = [...run.report.rejected, ...hostile];
    const report = { ...run.report, rejected: rows, files: { ...run.report.files, appointments: { ...run.report.files.appointments, name: 'Termine, "ä".xlsx', sheet: '=Sheet1' } } };
    const files = await writeCleanedOutputs(path.join(dir, 'hostile'), { ...run, report });
    const oracle =
      CSV_BOM +
      csvLine(header) +
      rows
        .map((r) =>
          csvLine([
            r.file,
            report.files[r.file].name,
            report.files[r.file].sheet,
            r.row,
            r.reason,
            r.column ?? '',
            r.message,
            r.problems.map((p) => p.message).join('\n'),
            r.problems.map((p) => p.reason).join(' '),
            r.keptRow ?? '',
            ...RAW.map((column) => r.raw[column] ?? ''),
          ]),
        )
        .join('');
    expect((await readFile(files.rejected_rows)).toString('latin1')).toBe(Buffer.from(oracle, 'utf8').toString('latin1'));
  });

  it('a folder that cannot be created fails at open, naming it, with nothing left behind', async () => {
    const taken = path.join(dir, 'taken');
    await writeFile(taken, 'a file, not a folder');
    const error = await CleanedOutputs.open(path.join(taken, 'out')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalError);
    expect(error).toMatchObject({ code: 'output_failed', detail: { errno: 'ENOTDIR' } });
    expect((error as Error).message).toBe(`Could not write ${path.join(taken, 'out')}: part of the path is a file, not a folder. Nothing was loaded; choose another --output_dir.`);
  });

  it('a cancelled write removes the files it opened', async () => {
    const out = path.join(dir, 'cancelled');
    const outputs = await CleanedOutputs.open(out);
    for (const name of NAMES) expect(existsSync(path.join(out, name))).toBe(true);
    const controller = new AbortController();
    controller.abort();
    await expect(outputs.write(run, controller.signal)).rejects.toBeInstanceOf(CancelledError);
    for (const name of NAMES) expect(existsSync(path.join(out, name))).toBe(false);
  });
});
