/**
 * A load whose connection or process dies at any step (SPEC §10): the socket torn down under it,
 * its backend terminated by an administrator, or the whole client process killed — mid-COPY,
 * mid-way through the index builds, or inside the swap with the tables already renamed but not
 * committed. The previous data stays, nothing is left beside it, the process that ran the load
 * keeps running, the pool heals, and a run that could not record its own end is marked
 * interrupted by the next load. Killed right after the commit, the new data is live, and the
 * replaced tables it had no time to drop are removed by the next load.
 */
import { SWAPPED_TABLES } from '../../electron/db/schema';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Socket } from 'node:net';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LoadProgress } from '../../electron/db/load';
import { DatabaseError } from '../../electron/etl/errors';
import type { PreparedRun } from '../../electron/etl/prepareRun';
import { generateWorkbooks } from '../../scripts/generator/generateWorkbooks';
import { testServers } from '../support/database';
import {
  RUN_DATE,
  appointmentRows,
  checksums,
  eventually,
  expectLeftBehindBy,
  expectNoLeftovers,
  expectedAppointments,
  freshDatabase,
  load,
  nextClientPid,
  prepareFiles,
  prepareSamples,
  runs,
  sessionStates,
  tablesBesideLive,
  terminateBackendNow,
  type Harness,
} from './harness';
import { CHUNK_ROWS, buildLoader, startLoader, type FreezePoint, type LoaderProcess } from './loaderProcess';

const midCopy = (p: LoadProgress) => p.step === 'copy_appointments' && p.rows >= CHUNK_ROWS && p.rows < p.total;

/** Points inside the load's transaction where the client itself is at work, as the in-process tests see them. */
const stepsInside: { at: FreezePoint; when: (p: LoadProgress) => boolean; step: LoadProgress['step'] }[] = [
  { at: 'mid-copy', when: midCopy, step: 'copy_appointments' },
  { at: 'mid-index', when: (p) => p.step === 'index' && p.rows === 2, step: 'index' },
];

/**
 * The swap is one message to the server (swap.ts), so it is killed while the server works on it:
 * a session holding the live tables keeps the swap waiting for them, and the kill comes while
 * the load's backend is in that wait.
 */
async function swapWaiting(h: Harness, pid: () => number | undefined): Promise<number> {
  return eventually(async () => {
    const current = pid();
    expect(current).toBeDefined();
    const { rows } = await h.admin.query<{ waiting: boolean }>(
      `SELECT wait_event_type = 'Lock' AND query LIKE 'SAVEPOINT swap%' AS waiting FROM pg_stat_activity WHERE pid = $1`,
      [current],
    );
    expect(rows[0]?.waiting).toBe(true);
    return current as number;
  }, 20_000);
}

async function holdLiveTables(h: Harness): Promise<pg.Client> {
  const holder = new pg.Client({ connectionString: h.db.url, application_name: 'healthtech-etl test lock holder' });
  holder.on('error', () => undefined);
  await holder.connect();
  await holder.query('BEGIN');
  await holder.query('LOCK TABLE healthtech.appointments IN ACCESS SHARE MODE');
  return holder;
}

let dir: string;
let files: { doctorsPath: string; appointmentsPath: string };
let big: PreparedRun;
let loaderScript: string;
/** Loader processes started here, killed at the end whatever happened in between. */
const loaders: LoaderProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'healthtech-db-killed-client-'));
  files = await generateWorkbooks({ seed: 12, appointments: 24_000, outDir: dir });
  big = await prepareFiles(files.doctorsPath, files.appointmentsPath);
  expect(big.appointments.length).toBeGreaterThan(2 * CHUNK_ROWS);
  loaderScript = await buildLoader(dir);
});

afterAll(async () => {
  for (const loader of loaders) await loader.kill();
  await rm(dir, { recursive: true, force: true });
});

describe.each(testServers())('a killed client on $name PostgreSQL', ({ url }) => {
  let h: Harness;
  const poolErrors: Error[] = [];
  beforeEach(async () => {
    h = await freshDatabase(url);
    poolErrors.length = 0;
    h.pool.on('error', (error) => poolErrors.push(error));
    await load(h, await prepareSamples());
  });
  afterEach(async () => {
    await h.close();
  });

  async function expectLaterLoadWorks(): Promise<void> {
    const next = await load(h, big);
    expect(await checksums(h.admin)).toMatchObject({ appointmentRows: big.appointments.length });
    expect((await runs(h.admin))[0]).toMatchObject({ run_id: next.runId, outcome: 'succeeded' });
    await expectNoLeftovers(h);
  }

  it('its socket destroyed mid-COPY: a DatabaseError, old data intact, the process and the pool carry on', async () => {
    const before = await checksums(h.admin);
    let loadClient: pg.PoolClient | undefined;
    h.pool.once('acquire', (client: pg.PoolClient) => (loadClient = client));
    let cutAt: LoadProgress | undefined;

    const error = await load(h, big, {
      onProgress: (p) => {
        if (!cutAt && midCopy(p)) {
          cutAt = p;
          (loadClient as unknown as { connection: { stream: Socket } }).connection.stream.destroy();
        }
      },
    }).catch((e: unknown) => e);

    expect(cutAt?.step).toBe('copy_appointments');
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toMatchObject({ code: 'db_connection_lost', message: expect.stringMatching(/nothing was changed/i) });
    expect(await checksums(h.admin)).toEqual(before);
    // The server was fine, so the failure itself is on record.
    expect((await runs(h.admin))[0]).toMatchObject({ outcome: 'failed', error_code: 'db_connection_lost' });
    await expectNoLeftovers(h);
    await expectLaterLoadWorks();
  });

  it.each(stepsInside)('its backend terminated at $at: a DatabaseError, old data intact, nothing left beside it, the pool carries on', async ({ when, step }) => {
    const before = await checksums(h.admin);
    const pid = nextClientPid(h.pool);
    let cutAt: LoadProgress | undefined;

    const error = await load(h, big, {
      onProgress: (p) => {
        if (!cutAt && when(p)) {
          cutAt = p;
          terminateBackendNow(h.db.url, pid());
        }
      },
    }).catch((e: unknown) => e);

    expect(cutAt?.step).toBe(step);
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toMatchObject({ code: 'db_connection_lost', sqlstate: '57P01' });
    expect(await checksums(h.admin)).toEqual(before);
    expect((await runs(h.admin))[0]).toMatchObject({ outcome: 'failed', error_code: 'db_connection_lost' });
    await expectNoLeftovers(h);
    await expectLaterLoadWorks();
  });

  it('its backend terminated while the swap waits for the tables: a DatabaseError, old data intact, nothing left beside it', async () => {
    const before = await checksums(h.admin);
    const holder = await holdLiveTables(h);
    const pid = nextClientPid(h.pool);
    try {
      const loading = load(h, big, { lockTimeoutMs: 60_000 }).catch((e: unknown) => e);
      await h.admin.query('SELECT pg_terminate_backend($1::int)', [await swapWaiting(h, pid)]);
      const error = await loading;

      expect(error).toBeInstanceOf(DatabaseError);
      expect(error).toMatchObject({ code: 'db_connection_lost', sqlstate: '57P01' });
    } finally {
      await holder.end();
    }
    expect(await checksums(h.admin)).toEqual(before);
    expect((await runs(h.admin))[0]).toMatchObject({ outcome: 'failed', error_code: 'db_connection_lost' });
    await expectNoLeftovers(h);
    await expectLaterLoadWorks();
  });

  const killPoints: { at: FreezePoint; label: string }[] = [
    { at: 'mid-copy', label: 'mid-COPY' },
    { at: 'mid-index', label: 'mid-way through the index builds' },
    { at: 'swap', label: 'while the swap waits for the tables' },
  ];
  it.each(killPoints)('its process killed $label: old data intact, and the next load marks the run interrupted and drops what it left', async ({ at }) => {
    const before = await checksums(h.admin);
    const holder = at === 'swap' ? await holdLiveTables(h) : undefined;
    const loader = startLoader(loaderScript, files, { url: h.db.url, runDate: RUN_DATE, freezeAt: at });
    loaders.push(loader);
    expect(await loader.firstLine).toBe(at);

    // The run history and the tables stay readable while a load is under way, and still show the
    // previous run: the load builds beside them.
    const [running] = await runs(h.admin);
    expect(running).toMatchObject({ outcome: 'running' });
    if (at === 'swap') await swapWaiting(h, () => running?.backend_pid as number);
    else expect(await checksums(h.admin)).toEqual(before);
    expect(await loader.kill()).toBe('SIGKILL');
    // The server notices the dead client and rolls its transaction back, new tables and all. (At
    // the swap: once its wait for the tables times out. Were the tables let go first, the swap —
    // already wholly on the server — would commit, dead client or not, as all or nothing allows.)
    await eventually(async () => expect((await sessionStates(h)).map((s) => s.pid)).not.toContain(running?.backend_pid));
    await holder?.end();

    expect(await checksums(h.admin)).toEqual(before);
    // Killed once the new tables were filled (committed, so two sessions can index them), they stay, marked, until the next load.
    await expectLeftBehindBy(h.admin, running?.run_id, at !== 'mid-copy');
    // Nobody was left to write the run's end: it still says running until the next load.
    expect((await runs(h.admin))[0]).toMatchObject({ run_id: running?.run_id, outcome: 'running' });

    const next = await load(h, big);
    const [latest, interrupted] = await runs(h.admin);
    expect(latest).toMatchObject({ run_id: next.runId, outcome: 'succeeded' });
    expect(interrupted).toMatchObject({ run_id: running?.run_id, outcome: 'failed', error_code: 'interrupted', finished_at: expect.any(Date) });
    expect(await checksums(h.admin)).toMatchObject({ appointmentRows: big.appointments.length });
    await expectNoLeftovers(h);
  });

  it('its process killed right after the commit: the new run is live, and the next load drops the replaced tables it left', async () => {
    const loader = startLoader(loaderScript, files, { url: h.db.url, runDate: RUN_DATE, freezeAt: 'after-commit' });
    loaders.push(loader);
    expect(await loader.firstLine).toBe('after-commit');
    expect(await loader.kill()).toBe('SIGKILL');

    expect(await appointmentRows(h.admin)).toEqual(expectedAppointments(big));
    expect((await runs(h.admin))[0]).toMatchObject({ outcome: 'succeeded', appointments_loaded: big.appointments.length });
    // The loaded tables and the dashboard's rollups, replaced together.
    expect((await tablesBesideLive(h.admin)).sort()).toEqual(SWAPPED_TABLES.map((table) => `${table}__replaced`).sort());

    const samples = await prepareSamples();
    await load(h, samples);
    expect(h.logger.lines.some((l) => l.message === 'removed the tables an interrupted load left' && String(l.fields?.tables).includes('appointments__replaced'))).toBe(true);
    expect(await checksums(h.admin)).toMatchObject({ appointmentRows: samples.appointments.length });
    await expectNoLeftovers(h);
  });

  it('idle pooled connections cut by the server are dropped quietly and replaced', async () => {
    expect(h.pool.idleCount).toBeGreaterThan(0);
    await h.admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'healthtech-etl'`);

    await eventually(() => expect(h.pool.totalCount).toBe(0));
    expect(h.logger.lines.some((l) => l.level === 'warn' && l.message === 'idle database connection lost')).toBe(true);
    expect(poolErrors.length).toBeGreaterThan(0);
    await expectLaterLoadWorks();
  });

  afterEach(() => {
    // Connections cut under a load never surface as an unhandled 'error' (which would end the
    // process); whatever reached the pool's handler came from a client that was really broken.
    for (const error of poolErrors) expect(error.message).toMatch(/terminat|connection|ECONNRESET|EPIPE/i);
  });
});
