/**
 * The server killed mid-load (SPEC §10), on an embedded server of the test's own (the shared one
 * must survive): the postmaster gets SIGKILL while the appointments stream in. The load fails
 * with a DatabaseError, the process carries on, the server starts again on the same folder (its
 * stale lock recovered), the tables are exactly as before, and the next load works and marks the
 * killed run interrupted.
 */
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, serverLabel } from '../../electron/db/connection';
import { clusterProcesses, isProcessAlive } from '../../electron/db/embedded/processes';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../electron/db/embeddedPostgres';
import { loadRun, type LoadOptions, type LoadProgress } from '../../electron/db/load';
import { DatabaseError } from '../../electron/etl/errors';
import { MemoryLogger } from '../../electron/etl/logger';
import type { PreparedRun } from '../../electron/etl/prepareRun';
import { generateWorkbooks } from '../../scripts/generator/generateWorkbooks';
import { SCHEMA, checksums, eventually, nextClientPid, prepareFiles, prepareSamples, runs } from './harness';

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

describe.runIf(isLinux)('the embedded server killed mid-load', () => {
  let dir: string;
  let dataDir: string;
  let pgdata: string;
  let big: PreparedRun;
  let server: EmbeddedServer | undefined;
  const pools: pg.Pool[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'healthtech-db-killed-server-'));
    dataDir = path.join(dir, 'embedded');
    const files = await generateWorkbooks({ seed: 13, appointments: 24_000, outDir: dir });
    big = await prepareFiles(files.doctorsPath, files.appointmentsPath);
    expect(big.appointments.length).toBeGreaterThan(2 * CHUNK_ROWS);
  });

  afterAll(async () => {
    for (const pool of pools) await pool.end().catch(() => undefined);
    await server?.stop();
    // Whatever happened above, no process of this folder's cluster outlives the test.
    if (pgdata) for (const pid of clusterProcesses(pgdata)) process.kill(pid, 'SIGKILL');
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

  it('rolls back, survives, restarts on the same folder with the old data, and loads again', async () => {
    server = await startEmbeddedPostgres({ dataDir, startTimeoutMs: 60_000 });
    pgdata = path.join(fs.realpathSync(dataDir), 'pgdata');
    const first = open(server);
    const baseline = await first.load(await prepareSamples());
    const before = await checksums(first.pool);

    const killed = server;
    const loadPid = nextClientPid(first.pool);
    let killedAt: LoadProgress | undefined;
    const error = await first
      .load(big, {
        onProgress: (p) => {
          if (!killedAt && p.step === 'copy_appointments' && p.rows >= CHUNK_ROWS && p.rows < p.total) {
            killedAt = p;
            process.kill(killed.pid, 'SIGKILL');
            // Hold the load still until its backend has noticed and died, so no later chunk (nor
            // a COMMIT) can reach a server process that is still finishing its work.
            expect(blockUntil(() => !isProcessAlive(loadPid()), 15_000)).toBe(true);
          }
        },
      })
      .catch((e: unknown) => e);

    expect(killedAt?.step).toBe('copy_appointments');
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
    expect(first0).toMatchObject({ run_id: baseline.runId, outcome: 'succeeded' });
    expect(stuck).toMatchObject({ outcome: 'running' });

    const next = await second.load(big);
    expect(await checksums(second.pool)).toMatchObject({ appointmentRows: big.appointments.length, doctorRows: big.doctors.length });
    const [latest, interrupted] = await runs(second.pool);
    expect(latest).toMatchObject({ run_id: next.runId, outcome: 'succeeded' });
    expect(interrupted).toMatchObject({ run_id: stuck?.run_id, outcome: 'failed', error_code: 'interrupted' });

    await second.pool.end();
    await server.stop();
    server = undefined;
    expect(clusterProcesses(pgdata)).toEqual([]);
  });
});
