/**
 * The window the two-session index step opens (load.ts, staging.ts): the new tables are committed
 * once filled, so their indexes can be built from a second session, and exist outside any
 * transaction until the swap. These tests hold a load in that window (its rollups not yet
 * computed) and prove: the committed tables carry this run's mark and readers still see the old
 * run; a cancel or a failure there returns at once, leaves the live tables untouched, drops the
 * new tables and leaves no statement running on either session; a second load waits for the
 * first as before and never touches its tables.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LoadProgress } from '../../electron/db/load';
import { rollupsOf } from '../../electron/db/rollups';
import { CancelledError, InternalError } from '../../electron/etl/errors';
import type { PreparedRun } from '../../electron/etl/prepareRun';
import { generateWorkbooks } from '../../scripts/generator/generateWorkbooks';
import { testServers } from '../support/database';
import { SCHEMA, checksums, eventually, expectNoLeftovers, freshDatabase, heldRollups, load, prepareFiles, prepareSamples, runs, sessionStates, tablesBesideLive, type Harness } from './harness';

let dir: string;
let big: PreparedRun;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'healthtech-db-staging-committed-'));
  const files = await generateWorkbooks({ seed: 13, appointments: 24_000, outDir: dir });
  big = await prepareFiles(files.doctorsPath, files.appointmentsPath);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The staging tables other sessions can see now, with their marks. */
async function committedStaging(h: Harness): Promise<{ name: string; mark: string | null }[]> {
  const { rows } = await h.admin.query<{ name: string; mark: string | null }>(
    `SELECT c.relname AS name, obj_description(c.oid, 'pg_class') AS mark FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relname LIKE '%\\_\\_next' ORDER BY 1`,
    [SCHEMA],
  );
  return rows;
}

describe.each(testServers())('the committed staging tables on $name PostgreSQL', ({ url }) => {
  let h: Harness;
  beforeEach(async () => {
    h = await freshDatabase(url);
    await load(h, await prepareSamples());
  });
  afterEach(async () => {
    await h.close();
  });

  /** Starts a load of `big` and resolves once it waits for its rollups: its loaded tables committed, their indexes built. */
  async function loadHeldInIndexStep(options: { signal?: AbortSignal } = {}) {
    const rollups = heldRollups();
    const progress: LoadProgress[] = [];
    const loading = load(h, { ...big, rollups: rollups.promise }, { ...options, onProgress: (p) => progress.push(p) }).catch((e: unknown) => e);
    await rollups.awaited;
    return { rollups, progress, loading };
  }

  it('are marked with their run while readers still see the previous run; a cancel there returns at once and drops them', async () => {
    const before = await checksums(h.admin);
    const controller = new AbortController();
    const { loading } = await loadHeldInIndexStep({ signal: controller.signal });
    const [running] = await runs(h.admin);
    expect(running).toMatchObject({ outcome: 'running' });

    // Committed (visible to this other session), each with this run's mark; the live tables unchanged.
    const staged = await committedStaging(h);
    expect(staged.map((t) => t.name)).toEqual(['appointments__next', 'doctors__next', 'rejected_rows__next']);
    expect(new Set(staged.map((t) => t.mark))).toEqual(new Set([`healthtech-etl: run ${running?.run_id}`]));
    expect(await checksums(h.admin)).toEqual(before);
    // The load works on two sessions besides its canceller.
    await eventually(async () => expect((await sessionStates(h)).filter((s) => s.application_name === 'healthtech-etl load')).toHaveLength(1));

    const cancelledAt = Date.now();
    controller.abort();
    const error = await loading;
    expect(Date.now() - cancelledAt).toBeLessThan(1000);

    expect(error).toBeInstanceOf(CancelledError);
    expect(error).toMatchObject({ code: 'cancelled', message: expect.stringMatching(/nothing was changed/i) });
    expect(await checksums(h.admin)).toEqual(before);
    expect((await runs(h.admin))[0]).toMatchObject({ run_id: running?.run_id, outcome: 'failed', error_code: 'cancelled' });
    expect(await tablesBesideLive(h.admin)).toEqual([]);
    // Neither session is left running a statement, and the second one is closed.
    await expectNoLeftovers(h);
  });

  it('a failure there leaves the live tables untouched, is recorded, and drops them', async () => {
    const before = await checksums(h.admin);
    const failed = new InternalError('rollups_failed', "Computing the dashboard's sums of the appointments failed (test); nothing was loaded.");
    const { rollups, progress, loading } = await loadHeldInIndexStep();
    expect(await committedStaging(h)).toHaveLength(3);

    rollups.reject(failed);
    const error = await loading;

    expect(error).toBe(failed);
    expect(progress.some((p) => p.step === 'index')).toBe(true);
    expect(progress.some((p) => p.step === 'verify' || p.step === 'swap')).toBe(false);
    expect(await checksums(h.admin)).toEqual(before);
    expect((await runs(h.admin))[0]).toMatchObject({ outcome: 'failed', error_code: 'rollups_failed', error: failed.message });
    await expectNoLeftovers(h);
    // The next load builds its own tables of the same names and succeeds.
    const next = await load(h, big);
    expect((await runs(h.admin))[0]).toMatchObject({ run_id: next.runId, outcome: 'succeeded' });
    await expectNoLeftovers(h);
  });

  it('a second load waits for the first while its tables are committed, never touches them, and replaces the first afterwards', async () => {
    const first = await loadHeldInIndexStep();
    const [running] = await runs(h.admin);
    const waited: LoadProgress[] = [];
    const second = load(h, await prepareSamples(), { onProgress: (p) => waited.push(p) });
    await eventually(() => expect(waited.some((p) => p.step === 'waiting')).toBe(true));
    // The second load has not started: it recorded no run, and the first's tables are still there.
    expect((await runs(h.admin))[0]).toMatchObject({ run_id: running?.run_id, outcome: 'running' });
    expect(waited.every((p) => p.step === 'waiting')).toBe(true);
    expect(await committedStaging(h)).toHaveLength(3);

    first.rollups.resolve(rollupsOf(big));
    const firstResult = await first.loading;
    expect(firstResult).toMatchObject({ runId: running?.run_id, appointments: big.appointments.length });
    const secondResult = await second;
    const [latest, previous] = await runs(h.admin);
    expect(latest).toMatchObject({ run_id: secondResult.runId, outcome: 'succeeded' });
    expect(previous).toMatchObject({ run_id: running?.run_id, outcome: 'succeeded' });
    await expectNoLeftovers(h);
  });
});
