/**
 * The server killed mid-load (SPEC §10), on an embedded server of the test's own (the shared one
 * must survive): the postmaster gets SIGKILL while the appointments stream in, mid-way through the
 * index builds, or while the swap waits for the live tables. The load fails with a DatabaseError,
 * the process carries on, the server starts again on the same folder (its stale lock recovered),
 * the tables are exactly as before with nothing beside them, and the next load works and marks
 * the killed run interrupted.
 */
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, serverLabel } from '../../electron/db/connection';
import { clusterProcesses, isProcessAlive } from '../../electron/db/embedded/processes';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../electron/db/embeddedPostgres';
import { loadRun, type LoadOptions, type LoadProgress } from '../../electron/db/load';
import { DatabaseError } from '../../electron/etl/errors';
import { MemoryLogger } from '../../electron/etl/logger';
import type { PreparedRun } from '../../electron/etl/prepareRun';
import { generateWorkbooks } from '../../scripts/generator/generateWorkbooks';
import { SCHEMA, checksums, eventually, expectLeftBehindBy, nextClientPid, prepareFiles, prepareSamples, runs, tablesBesideLive } from './harness';

const CHUNK_ROWS = 10_000;
const isLinux = process.platform === 'linux';

/** Blocks this thread until `done()` or the deadline: nothing else of this process runs meanwhile. */
function blockUntil(done: () => boolean, timeoutMs: number): boolean {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (!done()) {
    if (Date.now() > deadline) return false;
    Atomics.wait(pause, 0, 0, 10);
  }
  return true;
}

type KillPoint = { at: string; when: (p: LoadProgress) => boolean } | { at: string; whileSwapWaits: true };
const killPoints: KillPoint[] = [
  { at: 'mid-COPY', when: (p) => p.step === 'copy_appointments' && p.rows >= CHUNK_ROWS && p.rows < p.total },
  { at: 'mid-way through the index builds', when: (p) => p.step === 'index' && p.rows === 2 },
  { at: 'while the swap waits for the tables', whileSwapWaits: true },
];

describe.runIf(isLinux)('the embedded server killed mid-load', () => {
  let dir: string;
  const pgdatas: string[] = [];
  let big: PreparedRun;
  let server: EmbeddedServer | undefined;
  const pools: pg.Pool[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'healthtech-db-killed-server-'));
    const files = await generateWorkbooks({ seed: 13, appointments: 24_000, outDir: dir });
    big = await prepareFiles(files.doctorsPath, files.appointmentsPath);
    expect(big.appointments.length).toBeGreaterThan(2 * CHUNK_ROWS);
  });

  afterAll(async () => {
    for (const pool of pools) await pool.end().catch(() => undefined);
    await server?.stop();
    // Whatever happened above, no process of this folder's cluster outlives the test.
    for (const pgdata of pgdatas) for (const pid of clusterProcesses(pgdata)) process.kill(pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  function open(current: EmbeddedServer) {
    const logger = new MemoryLogger();
    const pool = createPool(current.connectionString, logger);
    pools.push(pool);
    const target = { pool, label: serverLabel(current.connectionString) };
    const load = (run: PreparedRun, options: Partial<LoadOptions> = {}) => loadRun(target, run, { schema: SCHEMA, source: 'app', logger, ...options });
    return { pool, logger, load };
  }

  it.each(killPoints)('killed $at: rolls back, survives, restarts on the same folder with the old data, and loads again', async (point) => {
    const dataDir = path.join(dir, `embedded-${killPoints.indexOf(point)}`);
    server = await startEmbeddedPostgres({ dataDir, startTimeoutMs: 60_000 });
    const pgdata = path.join(fs.realpathSync(dataDir), 'pgdata');
    pgdatas.push(pgdata);
    const first = open(server);
    const baseline = await first.load(await prepareSamples());
    const before = await checksums(first.pool);

    const killed = server;
    const loadPid = nextClientPid(first.pool);
    const killNow = () => {
      process.kill(killed.pid, 'SIGKILL');
      // Hold the load still until its backend has noticed and died, so no later statement (nor
      // a COMMIT) can reach a server process that is still finishing its work.
      expect(blockUntil(() => !isProcessAlive(loadPid()), 15_000)).toBe(true);
    };
    let holder: pg.Client | undefined;
    if ('whileSwapWaits' in point) {
      holder = new pg.Client({ connectionString: killed.connectionString, application_name: 'healthtech-etl test lock holder' });
      holder.on('error', () => undefined);
      await holder.connect();
      await holder.query(`BEGIN; LOCK TABLE ${SCHEMA}.appointments IN ACCESS SHARE MODE`);
    }
    let killedAt: LoadProgress | undefined;
    const loading = first
      .load(big, {
        lockTimeoutMs: 60_000,
        onProgress: (p) => {
          if (!killedAt && 'when' in point && point.when(p)) {
            killedAt = p;
            killNow();
          }
        },
      })
      .catch((e: unknown) => e);
    if (holder) {
      // Watched from another session: inside the holder's transaction pg_stat_activity stays as it first read it.
      await eventually(async () => {
        const { rows } = await first.pool.query<{ waiting: boolean }>(`SELECT wait_event_type = 'Lock' AND query LIKE 'SAVEPOINT swap%' AS waiting FROM pg_stat_activity WHERE pid = $1`, [loadPid()]);
        expect(rows[0]?.waiting).toBe(true);
      }, 30_000);
      killNow();
    }
    const error = await loading;
    await holder?.end().catch(() => undefined);

    if ('when' in point) expect(killedAt).toBeDefined();
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toMatchObject({ code: 'db_connection_lost', message: expect.stringMatching(/nothing was changed/i) });
    // With the server gone the failure could not be written down; the load said so and moved on.
    expect(first.logger.lines.some((l) => l.level === 'warn' && l.message === 'could not record the failed run')).toBe(true);
    // The pool dropped the dead connections instead of handing them out again.
    await eventually(() => expect({ idle: first.pool.idleCount, total: first.pool.totalCount, waiting: first.pool.waitingCount }).toEqual({ idle: 0, total: 0, waiting: 0 }));

    // Start again on the same folder: the dead postmaster's lock is recovered.
    const startLog = new MemoryLogger();
    server = await startEmbeddedPostgres({ dataDir, startTimeoutMs: 60_000, logger: startLog });
    expect(startLog.lines.map((l) => l.message)).toContain('removed a stale lock left by an embedded database that is no longer running');
    expect(server.pid).not.toBe(killed.pid);
    expect(isProcessAlive(killed.pid)).toBe(false);
    const second = open(server);
    expect(await checksums(second.pool)).toEqual(before);
    const [stuck, first0] = await runs(second.pool);
    // Killed once the new tables were filled (committed, so two sessions can index them), they stay, marked, until the next load.
    await expectLeftBehindBy(second.pool, stuck?.run_id as number | undefined, point.at !== 'mid-COPY');
    expect(first0).toMatchObject({ run_id: baseline.runId, outcome: 'succeeded' });
    expect(stuck).toMatchObject({ outcome: 'running' });

    const next = await second.load(big);
    expect(await checksums(second.pool)).toMatchObject({ appointmentRows: big.appointments.length, doctorRows: big.doctors.length });
    const [latest, interrupted] = await runs(second.pool);
    expect(latest).toMatchObject({ run_id: next.runId, outcome: 'succeeded' });
    expect(interrupted).toMatchObject({ run_id: stuck?.run_id, outcome: 'failed', error_code: 'interrupted' });
    expect(await tablesBesideLive(second.pool)).toEqual([]);

    await second.pool.end();
    await server.stop();
    server = undefined;
    expect(clusterProcesses(pgdata)).toEqual([]);
  });
});
