/**
 * Reading in a worker: the host gets the same report as an in-process run, survives a worker that
 * runs out of memory, and gets control back within a second of cancelling.
 */
import { REASON_LABEL } from '../../../shared/reasonWords';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Worksheet } from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorkbooks } from '../../../scripts/generator/generateWorkbooks';
import { CancelledError, InputFileError } from '../errors';
import { rejectedSources } from '../output/exportRejected';
import { appointmentsCopy, rejectedCopy, withRunId } from '../../db/copyText';
import type { RollupCopy } from '../../db/rollupRows';
import { rollupsOf } from '../../db/rollups';
import { prepareRun } from '../prepareRun';
import { encodePreviewLists } from '../previewLists';
import { summariseReport } from '../report';
import { REJECT_REASONS } from '../types';
import { prepareForLoadInWorker, prepareInWorker, rejectedCopyInWorker } from './runInWorker';

let dir: string;
let big: { doctorsPath: string; appointmentsPath: string };
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'worker-'));
  big = await generateWorkbooks({ seed: 5, appointments: 60_000, outDir: dir });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const samples = { doctors: { path: 'samples/doctors.xlsx' }, appointments: { path: 'samples/appointments.xlsx' }, runDate: '2026-11-25' };

describe('reading in a worker', () => {
  it('gives the same report as reading in-process, with the tables encoded for COPY', async () => {
    const inWorker = await prepareInWorker(samples);
    const inProcess = await prepareRun(samples);
    // The summary, and the long lists packed: every row decodes to the in-process one, in order.
    expect(inWorker.report).toEqual(summariseReport(inProcess.report));
    const { lists } = inWorker;
    expect(Array.from({ length: lists.rejectedCount }, (_, i) => lists.rejected(i))).toEqual(inProcess.report.rejected);
    expect(Array.from({ length: lists.suspiciousCount }, (_, i) => lists.suspicious(i))).toEqual(inProcess.report.suspicious);
    // For its load, the rejected rows' COPY text is encoded from the packed rows in a worker: the text the CLI's load copies.
    const { files } = inProcess.report;
    const sources = { doctors: { name: files.doctors.name, sheet: files.doctors.sheet }, appointments: { name: files.appointments.name, sheet: files.appointments.sheet } };
    const rejected = await rejectedCopyInWorker(inWorker.lists, inWorker.report);
    expect(rejected.rows).toBe(inProcess.report.rejected.length);
    expect(Array.from(withRunId(7, rejected.chunks), (chunk) => Buffer.from(chunk).toString('utf8')).join('')).toBe([...rejectedCopy(7, inProcess.report.rejected, sources)].join(''));
    expect(inWorker.appointments.rows).toBe(inProcess.appointments.length);
    const text = Array.from(inWorker.appointments.chunks, (chunk) => Buffer.from(chunk).toString('utf8')).join('');
    expect(text.split('\n').filter(Boolean)).toHaveLength(inProcess.appointments.length);
    // The columnar table's byte encoder writes exactly what the row-by-row text encoder writes.
    expect(text).toBe([...appointmentsCopy([...inProcess.appointments])].join(''));
    expect(inWorker.fixes.size).toBe(inProcess.fixes.size);
    expect([...inWorker.fixes]).toEqual([...inProcess.fixes]);
    // The dashboard's rollups, computed in the worker, are the ones the load computes from the rows.
    const rollupText = (copy: RollupCopy) => Object.entries(copy).map(([table, { rows, chunks }]) => [table, rows, Buffer.concat(chunks).toString('utf8')]);
    expect(rollupText(inWorker.rollups as RollupCopy)).toEqual(rollupText(rollupsOf(inProcess)));
  });

  it('for a load: the report summarised, the rejected rows as COPY text after it, the outputs written meanwhile', async () => {
    const outputDir = path.join(dir, 'for-load');
    const forLoad = await prepareForLoadInWorker(samples, { outputDir });
    const inProcess = await prepareRun(samples);
    expect(forLoad.report).toEqual(summariseReport(inProcess.report));
    expect(forLoad.report.rejectedByReason).toEqual(Object.fromEntries(REJECT_REASONS.flatMap((reason) => {
      const count = inProcess.report.rejected.filter((row) => row.reason === reason).length;
      return count > 0 ? [[reason, count]] : [];
    })));
    const text = Array.from(forLoad.appointments.chunks, (chunk) => Buffer.from(chunk).toString('utf8')).join('');
    expect(text).toBe([...appointmentsCopy([...inProcess.appointments])].join(''));

    const rejected = await forLoad.rejected;
    const { files } = inProcess.report;
    const sources = { doctors: { name: files.doctors.name, sheet: files.doctors.sheet }, appointments: { name: files.appointments.name, sheet: files.appointments.sheet } };
    expect(rejected.rows).toBe(inProcess.report.rejected.length);
    expect(Array.from(withRunId(7, rejected.chunks), (chunk) => Buffer.from(chunk).toString('utf8')).join('')).toBe([...rejectedCopy(7, inProcess.report.rejected, sources)].join(''));

    // The dashboard's rollups follow, computed after the tables were handed over: the same as the load computes from the rows.
    const rollupText = (copy: RollupCopy) => Object.entries(copy).map(([table, { rows, chunks }]) => [table, rows, Buffer.concat(chunks).toString('utf8')]);
    expect(rollupText(await (forLoad.rollups as Promise<RollupCopy>))).toEqual(rollupText(rollupsOf(inProcess)));

    const outputs = await forLoad.outputs;
    expect(outputs).toEqual({ final_doctors: path.join(outputDir, 'final_doctors.csv'), final_appointments: path.join(outputDir, 'final_appointments.csv'), rejected_rows: path.join(outputDir, 'rejected_rows.csv') });
    const csv = await readFile(outputs?.final_appointments as string, 'utf8');
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(inProcess.appointments.length + 1);
  });

  it('a worker that runs out of memory ends in a clear error and the host carries on', async () => {
    // The parsed rows live in typed arrays outside the JS heap, so 60,000 rows need only a few MB
    // of it beyond the worker's own few MB: a 10 MB heap is what this file cannot be read in.
    const error = await prepareInWorker({ doctors: { path: big.doctorsPath }, appointments: { path: big.appointmentsPath } }, { limits: { maxHeapMb: 10 } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as InputFileError).code).toBe('too_large');
    expect((error as Error).message).toMatch(/more than 10 MB of memory/);
    // The host is fine and can read again.
    expect((await prepareInWorker(samples)).report.counts.appointments).toBeGreaterThan(0);
  });

  it('cancelling during a large read returns control within a second', async () => {
    const controller = new AbortController();
    let cancelledAt = 0;
    const run = prepareInWorker(
      { doctors: { path: big.doctorsPath }, appointments: { path: big.appointmentsPath } },
      {
        signal: controller.signal,
        onProgress: (progress) => {
          if (progress.file === 'appointments' && progress.rows > 5000 && !controller.signal.aborted) {
            cancelledAt = Date.now();
            controller.abort();
          }
        },
      },
    );
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(cancelledAt).toBeGreaterThan(0);
    expect(Date.now() - cancelledAt).toBeLessThan(1500);
  });

  it('for a load: cancelling while the rollups are computed (after the tables went) stops the worker within a second', async () => {
    const controller = new AbortController();
    let cancelledAt = 0;
    const logger = {
      log: (_level: string, message: string) => {
        if (message === 'computing rollups' && !controller.signal.aborted) {
          cancelledAt = Date.now();
          controller.abort();
        }
      },
    };
    const forLoad = await prepareForLoadInWorker({ doctors: { path: big.doctorsPath }, appointments: { path: big.appointmentsPath } }, { signal: controller.signal, logger });
    // What the load awaits settles with the cancel: the load it was for rolls back (test/db/allOrNothing.test.ts).
    await expect(forLoad.rollups).rejects.toBeInstanceOf(CancelledError);
    await expect(forLoad.outputs).rejects.toBeInstanceOf(CancelledError);
    expect(cancelledAt).toBeGreaterThan(0);
    expect(Date.now() - cancelledAt).toBeLessThan(1500);
  });

  it('a read that exceeds its time bound is stopped with a message', async () => {
    const error = await prepareInWorker({ doctors: { path: big.doctorsPath }, appointments: { path: big.appointmentsPath } }, { limits: { timeoutMs: 200 } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as InputFileError).code).toBe('read_timeout');
    expect((error as Error).message).toMatch(/took longer than/);
  });
});

describe('identifying dropped files', () => {
  it('tells doctors from appointments by their headers, in either order', async () => {
    const { identifyInWorker } = await import('./runInWorker');
    const appointments = await identifyInWorker('samples/appointments.xlsx');
    const doctors = await identifyInWorker('samples/doctors.xlsx');
    expect(appointments).toMatchObject({ kind: 'appointments', sheet: 'Appointments', headerRow: 1 });
    expect(doctors).toMatchObject({ kind: 'doctors', sheet: 'Doctors', headerRow: 2 });
    expect(doctors.columns).toContain(' Name ');
  });

  it('finds the data sheet when another sheet comes first, and says when nothing fits', async () => {
    const { identifyInWorker } = await import('./runInWorker');
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Read me').addRow(['This workbook lists appointments']);
    const data = wb.addWorksheet('Data');
    data.addRow(['Booking ID', 'Patient ID', 'Doctor-ID', 'Booking Date', 'STATUS']);
    const file = path.join(dir, 'second-sheet.xlsx');
    await wb.xlsx.writeFile(file);
    expect(await identifyInWorker(file)).toMatchObject({ kind: 'appointments', sheet: 'Data', sheets: ['Read me', 'Data'] });

    const other = new ExcelJS.Workbook();
    other.addWorksheet('Prices').addRow(['sku', 'price']);
    const otherFile = path.join(dir, 'prices.xlsx');
    await other.xlsx.writeFile(otherFile);
    expect(await identifyInWorker(otherFile)).toMatchObject({ kind: null, sheet: 'Prices', headerRow: 1, columns: ['sku', 'price'] });
  });
});

describe('exporting rejected rows', () => {
  it('a cancelled export ends as a cancel, though its task runs in the extras bundle with its own error classes', async () => {
    const { exportRejectedInWorker } = await import('./runInWorker');
    const { report } = await prepareRun(samples);
    const out = path.join(dir, 'cancelled.xlsx');
    await expect(exportRejectedInWorker(out, rejectedSources(report), encodePreviewLists(report).rejected, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      kind: 'cancelled',
      code: 'cancelled',
    });
  });

  it('writes the rejected rows in the source layout with the reason, read back from the sources', async () => {
    const { exportRejectedInWorker } = await import('./runInWorker');
    const ExcelJS = (await import('exceljs')).default;
    const run = await prepareRun(samples);
    const { report } = run;
    const out = path.join(dir, 'rejected.xlsx');
    const result = await exportRejectedInWorker(out, rejectedSources(report), encodePreviewLists(report).rejected);
    expect(result.rows).toBe(report.rejected.length);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    expect(wb.worksheets.map((ws) => ws.name)).toEqual(['Doctors', 'Appointments']);
    const sheet = wb.getWorksheet('Appointments') as Worksheet;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(-6)).toEqual(['Excel row', 'Reason', 'Problems', 'Kept row', 'Reason code', 'Problem codes']);
    expect(header).toContain('Booking ID');
    const appointmentRejects = report.rejected.filter((r) => r.file === 'appointments');
    expect(sheet.rowCount).toBe(appointmentRejects.length + 1);
    const firstReject = appointmentRejects[0] as (typeof appointmentRejects)[number];
    const cell = (n: number) => sheet.getRow(2).getCell(header.length - 6 + n).value;
    // The reason in the preview's words, every problem's sentence, and the code in a column of its own.
    expect([cell(1), cell(2), cell(3), cell(5)]).toEqual([firstReject.row, REASON_LABEL[firstReject.reason], firstReject.problems.map((p) => p.message).join('\n'), firstReject.reason]);
  });
});
