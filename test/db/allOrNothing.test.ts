/**
 * All or nothing (SPEC §10): whatever step a load fails at — before the transaction, in any COPY
 * (also half-way through the appointments, after chunks were already sent), in the index builds,
 * in the check before the swap, at the swap — or when the person cancels mid-COPY, the tables keep
 * the previous load byte for byte, the failure is on record, nothing is left beside the live
 * tables, the server holds no open transaction and the pool has no client out. The count check
 * is tested by what it exists for: tables that do not hold what the preview promised.
 */
import { SWAPPED_TABLES } from '../../electron/db/schema';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appointmentsCopy } from '../../electron/db/copyText';
import { rollupsOf } from '../../electron/db/rollups';
import type { LoadInput, LoadProgress, LoadStep } from '../../electron/db/load';
import { InternalError } from '../../electron/etl/errors';
import { CancelledError } from '../../electron/etl/errors';
import type { PreparedRun } from '../../electron/etl/prepareRun';
import { generateWorkbooks } from '../../scripts/generator/generateWorkbooks';
import { testServers } from '../support/database';
import { appointmentRows, checksums, expectedAppointments, expectNoLeftovers, freshDatabase, heldRollups, load, loadFailingAt, prepareFiles, prepareSamples, runs, tablesBesideLive, type Harness } from './harness';

/** Rows per COPY chunk in copyText.ts: a failure after the first chunk is a failure mid-COPY. */
const CHUNK_ROWS = 10_000;

let dir: string;
let big: PreparedRun;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'healthtech-db-all-or-nothing-'));
  const files = await generateWorkbooks({ seed: 11, appointments: 24_000, outDir: dir });
  big = await prepareFiles(files.doctorsPath, files.appointmentsPath);
  // Three chunks or more, so "mid-way" really has data on the server already.
  expect(big.appointments.length).toBeGreaterThan(2 * CHUNK_ROWS);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const midCopy = (p: LoadProgress) => p.step === 'copy_appointments' && p.rows >= CHUNK_ROWS && p.rows < p.total;

const injectionPoints: { at: string; when: (p: LoadProgress) => boolean; step: LoadStep }[] = [
  { at: 'prepare (before the transaction)', step: 'prepare', when: (p) => p.step === 'prepare' },
  { at: 'the start of copy_doctors', step: 'copy_doctors', when: (p) => p.step === 'copy_doctors' },
  { at: 'copy_appointments, mid-way', step: 'copy_appointments', when: midCopy },
  { at: 'the start of copy_rejected', step: 'copy_rejected', when: (p) => p.step === 'copy_rejected' },
  { at: 'the end of copy_rejected', step: 'copy_rejected', when: (p) => p.step === 'copy_rejected' && p.rows === p.total && p.total > 0 },
  { at: 'the start of the index builds', step: 'index', when: (p) => p.step === 'index' && p.rows === 0 },
  { at: 'the index builds, mid-way', step: 'index', when: (p) => p.step === 'index' && p.rows === 3 },
  { at: 'verify', step: 'verify', when: (p) => p.step === 'verify' },
  { at: 'the swap (the last moment before the commit)', step: 'swap', when: (p) => p.step === 'swap' },
];

describe.each(testServers())('all or nothing on $name PostgreSQL', ({ url }) => {
  let h: Harness;
  let baselineRunId: number;
  beforeEach(async () => {
    h = await freshDatabase(url);
    baselineRunId = (await load(h, await prepareSamples())).runId;
  });
  afterEach(async () => {
    await h.close();
  });

  it.each(injectionPoints)('a failure at $at leaves the previous load intact and is recorded', async ({ when, step }) => {
    const before = await checksums(h.admin);

    const attempt = loadFailingAt(h, big, when);
    const error = await attempt.promise.then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string },
    );

    expect(attempt.firedAt()?.step).toBe(step);
    expect(error).toBeInstanceOf(Error);
    expect(error?.message).toContain(attempt.injected.message);
    expect(await checksums(h.admin)).toEqual(before);
    const [failed, baseline] = await runs(h.admin);
    expect(baseline).toMatchObject({ run_id: baselineRunId, outcome: 'succeeded' });
    // History shows the same error the person was shown.
    expect(failed).toMatchObject({ outcome: 'failed', error_code: error?.code, error: error?.message, doctors_loaded: null, appointments_loaded: null });
    expect(failed?.error_code).toMatch(/^[a-z_]+$/);
    expect(failed?.finished_at).toBeInstanceOf(Date);
    await expectNoLeftovers(h);

    // The same pool loads the same data fine right after.
    const retry = await load(h, big);
    expect(await checksums(h.admin)).toMatchObject({ appointmentRows: big.appointments.length, doctorRows: big.doctors.length });
    expect((await runs(h.admin))[0]).toMatchObject({ run_id: retry.runId, outcome: 'succeeded' });
    await expectNoLeftovers(h);
  });

  it('a failure after the commit (while tidying up) does not fail the load; the next load drops what it left', async () => {
    const attempt = loadFailingAt(h, big, (p) => p.step === 'finish');
    const result = await attempt.promise;

    expect(attempt.firedAt()?.step).toBe('finish');
    expect(await appointmentRows(h.admin)).toEqual(expectedAppointments(big));
    expect((await runs(h.admin))[0]).toMatchObject({ run_id: result.runId, outcome: 'succeeded' });
    expect(h.logger.lines.some((l) => l.level === 'warn' && l.message.startsWith('tidying up after the load failed'))).toBe(true);
    // The loaded tables and the dashboard's rollups, replaced together.
    expect((await tablesBesideLive(h.admin)).sort()).toEqual(SWAPPED_TABLES.map((table) => `${table}__replaced`).sort());

    await load(h, await prepareSamples());
    await expectNoLeftovers(h);
  });

  it('what must be complete before the commit (the CLI writes its CSVs meanwhile) failing rolls the load back', async () => {
    const before = await checksums(h.admin);
    const outputsFailed = new InternalError('output_failed', 'Could not write /out/final_appointments.csv: the disk is full. Nothing was loaded; choose another --output_dir.');
    let waitedAfter: LoadStep | undefined;
    let last: LoadStep | undefined;

    const error = await load(h, big, {
      onProgress: (p) => {
        last = p.step;
      },
      beforeCommit: async () => {
        waitedAfter = last;
        throw outputsFailed;
      },
    }).catch((e: unknown) => e);

    expect(error).toBe(outputsFailed);
    // Awaited at the last moment: after the counts are verified, before the swap.
    expect(waitedAfter).toBe('verify');
    expect(await checksums(h.admin)).toEqual(before);
    expect((await runs(h.admin))[0]).toMatchObject({ outcome: 'failed', error_code: 'output_failed', error: outputsFailed.message });
    await expectNoLeftovers(h);
  });

  it('the rollups failing while they are computed (the CLI computes them during the load) rolls the load back', async () => {
    const before = await checksums(h.admin);
    const failed = new InternalError('rollups_failed', "Computing the dashboard's sums of the appointments failed (test); nothing was loaded.");
    const rollups = heldRollups();
    let awaitedAt: LoadProgress | undefined;
    let last: LoadProgress | undefined;
    void rollups.awaited.then(() => {
      awaitedAt = last;
      rollups.reject(failed);
    });

    const error = await load(h, { ...big, rollups: rollups.promise }, {
      onProgress: (p) => {
        last = p;
      },
    }).catch((e: unknown) => e);

    expect(error).toBe(failed);
    // Awaited in the index step, after the keys and indexes of the loaded tables.
    expect(awaitedAt?.step).toBe('index');
    expect(awaitedAt?.rows).toBeGreaterThan(0);
    expect(await checksums(h.admin)).toEqual(before);
    expect((await runs(h.admin))[0]).toMatchObject({ outcome: 'failed', error_code: 'rollups_failed', error: failed.message });
    await expectNoLeftovers(h);
  });

  it('cancelling while the load waits for the rollups stops the wait at once and rolls back', async () => {
    const before = await checksums(h.admin);
    const controller = new AbortController();
    const rollups = heldRollups();
    let cancelledAt = 0;
    void rollups.awaited.then(() => {
      cancelledAt = Date.now();
      controller.abort();
    });

    const error = await load(h, { ...big, rollups: rollups.promise }, { signal: controller.signal }).catch((e: unknown) => e);

    expect(cancelledAt).toBeGreaterThan(0);
    expect(Date.now() - cancelledAt).toBeLessThan(1000);
    expect(error).toBeInstanceOf(CancelledError);
    expect(error).toMatchObject({ message: expect.stringMatching(/nothing was changed/i) });
    expect(await checksums(h.admin)).toEqual(before);
    expect((await runs(h.admin))[0]).toMatchObject({ outcome: 'failed', error_code: 'cancelled' });
    await expectNoLeftovers(h);
  });

  // The preview promised N rows; the tables would hold something else. Without the check before
  // the swap, these loads would succeed with the wrong data.
  const mismatches: { what: string; table: string; input: () => LoadInput }[] = [
    {
      what: 'the appointments handed to COPY lack their last row',
      table: 'appointments',
      input: () => {
        const encoder = new TextEncoder();
        const chunks = Array.from(appointmentsCopy(big.appointments), (chunk) => encoder.encode(chunk));
        const last = chunks.at(-1) as Uint8Array;
        const cut = last.subarray(0, last.lastIndexOf(10, last.length - 2) + 1);
        return { report: big.report, doctors: big.doctors, appointments: { rows: big.appointments.length, chunks: [...chunks.slice(0, -1), cut] }, rollups: rollupsOf(big) };
      },
    },
    {
      what: 'the preview counts one rejected row more than it hands over',
      table: 'rejected',
      input: () => ({ ...big, report: { ...big.report, counts: { ...big.report.counts, rejected: big.report.counts.rejected + 1 } } }),
    },
  ];
  it.each(mismatches)('a count mismatch ($what) is caught before the swap: rolled back, recorded as failed', async ({ input, table }) => {
    const before = await checksums(h.admin);

    const error = await load(h, input()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InternalError);
    expect(error).toMatchObject({ code: 'count_mismatch', message: expect.stringMatching(new RegExp(`^The load was rolled back: ${table} has \\d+ rows`)), detail: { table } });
    expect(await checksums(h.admin)).toEqual(before);
    expect((await runs(h.admin))[0]).toMatchObject({ outcome: 'failed', error_code: 'count_mismatch', error: (error as Error).message });
    await expectNoLeftovers(h);
  });

  it('cancelling mid-COPY rolls back, records the cancel and frees the connection', async () => {
    const before = await checksums(h.admin);
    const controller = new AbortController();
    let cancelledAt: LoadProgress | undefined;
    const error = await load(h, big, {
      signal: controller.signal,
      onProgress: (p) => {
        if (!cancelledAt && midCopy(p)) {
          cancelledAt = p;
          controller.abort();
        }
      },
    }).catch((e: unknown) => e);

    expect(cancelledAt?.step).toBe('copy_appointments');
    expect(error).toBeInstanceOf(CancelledError);
    expect(error).toMatchObject({ code: 'cancelled', message: expect.stringMatching(/nothing was changed/i) });
    expect(await checksums(h.admin)).toEqual(before);
    expect((await runs(h.admin))[0]).toMatchObject({ outcome: 'failed', error_code: 'cancelled' });
    await expectNoLeftovers(h);
  });
});
