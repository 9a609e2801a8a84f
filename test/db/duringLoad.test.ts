/**
 * While a load is under way (SPEC §5), everyone else keeps working on the previous run. With a
 * load held mid-COPY in a process of its own, the dashboard, the business questions and the run
 * history answer from the previous run (were they blocked, these tests would hang: the load never
 * moves on by itself); the load activity says a newer load is running; a second load says which
 * run it waits for, and can be cancelled while it waits.
 *
 * And at the swap: a reader counting the tables every 20 ms, on a session of its own, sees exactly
 * the previous run or the new one — the three tables and the run log from one run, never a mix,
 * never a half-filled table, never the old run again once it saw the new one. How long its reads
 * waited is printed, not asserted (the CPU here is shared; `npm run bench -- --reload-over`
 * measures it at a million rows).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DashboardFilter } from '../../shared/contract';
import { answerBusinessQuestions } from '../../electron/db/businessQuestions';
import { kpis, leaderboard } from '../../electron/db/dashboard/aggregates';
import { dashboardContext } from '../../electron/db/dashboard/context';
import type { LoadProgress } from '../../electron/db/load';
import { readLoadActivity } from '../../electron/db/loadActivity';
import { recentRuns } from '../../electron/db/runSummaries';
import { CancelledError } from '../../electron/etl/errors';
import type { PreparedRun } from '../../electron/etl/prepareRun';
import { generateWorkbooks } from '../../scripts/generator/generateWorkbooks';
import { ReaderProbe, judgeReads, type TableCounts } from '../../scripts/bench/readerProbe';
import { testServers } from '../support/database';
import { RUN_DATE, SCHEMA, checksums, eventually, expectNoLeftovers, freshDatabase, load, prepareFiles, prepareSamples, runs, sessionStates, type Harness } from './harness';
import { buildLoader, startLoader, type LoaderProcess } from './loaderProcess';

let dir: string;
let files: { doctorsPath: string; appointmentsPath: string };
let big: PreparedRun;
let loaderScript: string;
const loaders: LoaderProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'healthtech-db-during-load-'));
  files = await generateWorkbooks({ seed: 16, appointments: 24_000, outDir: dir });
  big = await prepareFiles(files.doctorsPath, files.appointmentsPath);
  loaderScript = await buildLoader(dir);
});

afterAll(async () => {
  for (const loader of loaders) await loader.kill();
  await rm(dir, { recursive: true, force: true });
});

/** The figures without their timings, for comparing answers. */
const withoutMs = (value: object): unknown => JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'ms' ? undefined : v)));

describe.each(testServers())('during a load on $name PostgreSQL', ({ name: serverName, url }) => {
  let h: Harness;
  let baselineRunId: number;
  beforeEach(async () => {
    h = await freshDatabase(url);
    baselineRunId = (await load(h, await prepareSamples())).runId;
  });
  afterEach(async () => {
    await h.close();
  });

  it('the dashboard, the business questions and History answer from the previous run; a second load says whom it waits for', async () => {
    const context = await dashboardContext(h.target, SCHEMA);
    const filter: DashboardFilter = {};
    const before = {
      context: withoutMs(context),
      kpis: withoutMs(await kpis(h.target, SCHEMA, filter)),
      leaderboard: withoutMs(await leaderboard(h.target, SCHEMA, filter, 20)),
      answers: await answerBusinessQuestions(h.pool, SCHEMA),
      tables: await checksums(h.admin),
    };
    expect(context.run?.runId).toBe(baselineRunId);

    const loader = startLoader(loaderScript, files, { url: h.db.url, runDate: RUN_DATE, freezeAt: 'mid-copy' });
    loaders.push(loader);
    expect(await loader.firstLine).toBe('mid-copy');
    const [running] = await runs(h.admin);
    expect(running).toMatchObject({ outcome: 'running' });

    // Everything reads the previous run, as if no load were under way…
    expect(withoutMs(await dashboardContext(h.target, SCHEMA))).toEqual(before.context);
    expect(withoutMs(await kpis(h.target, SCHEMA, filter))).toEqual(before.kpis);
    expect(withoutMs(await leaderboard(h.target, SCHEMA, filter, 20))).toEqual(before.leaderboard);
    expect(await answerBusinessQuestions(h.pool, SCHEMA)).toEqual(before.answers);
    expect(await checksums(h.admin)).toEqual(before.tables);
    // …while History and the load activity say a newer one is running.
    expect((await recentRuns(h.pool, SCHEMA, 5)).map((r) => [r.runId, r.outcome])).toEqual([
      [running?.run_id, 'running'],
      [baselineRunId, 'succeeded'],
    ]);
    expect(await readLoadActivity(h.pool, SCHEMA)).toEqual({ schema: SCHEMA, liveRunId: baselineRunId, running: { runId: running?.run_id, source: 'cli', startedAt: expect.any(String) } });

    // A second load waits for the held one, says for which, and can be cancelled while it waits.
    const controller = new AbortController();
    const waiting: LoadProgress[] = [];
    const second = load(h, big, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.step === 'waiting') waiting.push(p);
      },
    }).catch((e: unknown) => e);
    await eventually(() => expect(waiting.at(-1)?.waitingFor).toEqual({ runId: running?.run_id, source: 'cli', startedAt: expect.any(String) }), 10_000);
    expect(h.logger.lines.some((l) => l.message === 'waiting for another load to finish' && l.fields?.run_id === running?.run_id)).toBe(true);
    controller.abort();
    const error = await second;
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).message).toMatch(/while it waited for another load; nothing was changed/);
    // It never started: no run of its own on record.
    expect((await runs(h.admin)).map((r) => r.run_id)).toEqual([running?.run_id, baselineRunId]);

    expect(await loader.kill()).toBe('SIGKILL');
    await eventually(async () => expect((await sessionStates(h)).map((s) => s.pid)).not.toContain(running?.backend_pid));
    expect(await checksums(h.admin)).toEqual(before.tables);
    expect((await readLoadActivity(h.pool, SCHEMA)).running).toBeNull();
    await load(h, big);
    await expectNoLeftovers(h);
  });

  it('a reader counting every 20 ms sees exactly the old run or the new one, across two reloads', async () => {
    const probe = await ReaderProbe.start({ connectionString: h.db.url }, SCHEMA);
    const samples = await prepareSamples();
    const expected = (run: PreparedRun, runId: number): TableCounts => ({
      appointments: run.appointments.length,
      doctors: run.doctors.length,
      rejected: run.report.rejected.length,
      rejectedRunId: runId,
      succeededRunId: runId,
    });
    const verdicts = [];
    try {
      for (const run of [big, samples]) {
        const before = await probe.current();
        const result = await load(h, run);
        const after = await probe.current();
        expect(after.counts).toEqual(expected(run, result.runId));
        const reads = probe.reads.filter((r) => r.atMs >= before.atMs && r.atMs <= after.atMs);
        verdicts.push({ ...judgeReads(reads, before.counts as TableCounts, after.counts as TableCounts), reads: reads.length, maxMs: Math.max(...reads.map((r) => r.ms)) });
      }
    } finally {
      const summary = await probe.stop();
      expect(summary.errors).toBe(0);
    }
    for (const verdict of verdicts) {
      expect(verdict.partial).toEqual([]);
      expect(verdict.wentBack).toBe(false);
      expect(verdict.old).toBeGreaterThan(0);
      expect(verdict.new).toBeGreaterThan(0);
    }
    process.stdout.write(
      `${serverName} PostgreSQL: reader every 20 ms during two reloads (24k over samples, samples over 24k): ` +
        `${verdicts.map((v) => `${v.reads} reads, old ${v.old} → new ${v.new}, none partial, longest read ${Math.round(v.maxMs)} ms`).join('; ')}\n`,
    );
    await expectNoLeftovers(h);
  });
});
