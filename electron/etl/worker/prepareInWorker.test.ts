/**
 * Reading in a worker: the host gets the same report as an in-process run, survives a worker that
 * runs out of memory, and gets control back within a second of cancelling.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorkbooks } from '../../../scripts/generator/generateWorkbooks';
import { CancelledError, InputFileError } from '../errors';
import { prepareRun } from '../prepareRun';
import { prepareInWorker } from './prepareInWorker';

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
    expect(inWorker.report).toEqual(inProcess.report);
    expect(inWorker.appointments.rows).toBe(inProcess.appointments.length);
    const text = inWorker.appointments.chunks.map((chunk) => Buffer.from(chunk).toString('utf8')).join('');
    expect(text.split('\n').filter(Boolean)).toHaveLength(inProcess.appointments.length);
    expect(inWorker.fixes.size).toBe(inProcess.fixes.size);
    expect([...inWorker.fixes]).toEqual([...inProcess.fixes]);
  });

  it('a worker that runs out of memory ends in a clear error and the host carries on', async () => {
    const error = await prepareInWorker({ doctors: { path: big.doctorsPath }, appointments: { path: big.appointmentsPath } }, { limits: { maxHeapMb: 24 } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as InputFileError).code).toBe('too_large');
    expect((error as Error).message).toMatch(/more than 24 MB of memory/);
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

  it('a read that exceeds its time bound is stopped with a message', async () => {
    const error = await prepareInWorker({ doctors: { path: big.doctorsPath }, appointments: { path: big.appointmentsPath } }, { limits: { timeoutMs: 200 } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as InputFileError).code).toBe('read_timeout');
    expect((error as Error).message).toMatch(/took longer than/);
  });
});
