/**
 * A load whose connection dies mid-COPY (SPEC §10): the socket torn down under it, its backend
 * terminated by an administrator, or the whole client process killed. The previous data stays,
 * the process that ran the load keeps running, the pool heals, and a run that could not record
 * its own end is marked interrupted by the next load.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { Socket } from 'node:net';
import { build } from 'esbuild';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LoadProgress } from '../../electron/db/load';
import { DatabaseError } from '../../electron/etl/errors';
import type { PreparedRun } from '../../electron/etl/prepareRun';
import { generateWorkbooks } from '../../scripts/generator/generateWorkbooks';
import { testServers } from '../support/database';
import {
  RUN_DATE,
  checksums,
  eventually,
  expectNoLeftovers,
  freshDatabase,
  load,
  nextClientPid,
  prepareFiles,
  prepareSamples,
  runs,
  sessionStates,
  terminateBackendNow,
  type Harness,
} from './harness';

const CHUNK_ROWS = 10_000;
const midCopy = (p: LoadProgress) => p.step === 'copy_appointments' && p.rows >= CHUNK_ROWS && p.rows < p.total;

let dir: string;
let files: { doctorsPath: string; appointmentsPath: string };
let big: PreparedRun;
let loaderScript: string;
/** Loader processes started here, killed at the end whatever happened in between. */
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'healthtech-db-killed-client-'));
  files = await generateWorkbooks({ seed: 12, appointments: 24_000, outDir: dir });
  big = await prepareFiles(files.doctorsPath, files.appointmentsPath);
  expect(big.appointments.length).toBeGreaterThan(2 * CHUNK_ROWS);

  // A separate client process that loads the files, says when it is mid-COPY, then stops moving
  // (as a frozen or dying app would) until it is killed.
  loaderScript = path.join(dir, 'loader.cjs');
  await build({
    stdin: {
      contents: `
        import { writeSync } from 'node:fs';
        import { createPool, serverLabel } from './electron/db/connection';
        import { loadRun } from './electron/db/load';
        import { prepareRun } from './electron/etl/prepareRun';
        const url = process.env.LOADER_DB_URL as string; // not in argv, where ps would show the password
        const [doctors, appointments, runDate] = process.argv.slice(2) as [string, string, string];
        (async () => {
          const run = await prepareRun({ doctors: { path: doctors }, appointments: { path: appointments }, runDate });
          const pool = createPool(url);
          await loadRun({ pool, label: serverLabel(url) }, run, {
            schema: 'healthtech',
            source: 'cli',
            onProgress: (p) => {
              if (p.step === 'copy_appointments' && p.rows >= ${CHUNK_ROWS} && p.rows < p.total) {
                writeSync(1, 'mid-copy\\n'); // synchronous: the line is out before the thread stops
                Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // frozen until killed
              }
            },
          });
          process.stdout.write('finished\\n');
        })().catch((error) => { process.stdout.write('failed ' + String(error) + '\\n'); process.exit(1); });
      `,
      resolveDir: path.resolve(__dirname, '..', '..'),
      loader: 'ts',
      sourcefile: 'loader.ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['pg-native'],
    outfile: loaderScript,
    logLevel: 'silent',
  });
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
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

  it('its backend terminated mid-COPY: a DatabaseError, old data intact, the process and the pool carry on', async () => {
    const before = await checksums(h.admin);
    const pid = nextClientPid(h.pool);
    let cutAt: LoadProgress | undefined;

    const error = await load(h, big, {
      onProgress: (p) => {
        if (!cutAt && midCopy(p)) {
          cutAt = p;
          terminateBackendNow(h.db.url, pid());
        }
      },
    }).catch((e: unknown) => e);

    expect(cutAt?.step).toBe('copy_appointments');
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toMatchObject({ code: 'db_connection_lost', sqlstate: '57P01' });
    expect(await checksums(h.admin)).toEqual(before);
    expect((await runs(h.admin))[0]).toMatchObject({ outcome: 'failed', error_code: 'db_connection_lost' });
    await expectNoLeftovers(h);
    await expectLaterLoadWorks();
  });

  it('its process killed mid-COPY: old data intact, and the next load marks the run interrupted', async () => {
    const before = await checksums(h.admin);
    const child = spawn(process.execPath, [loaderScript, files.doctorsPath, files.appointmentsPath, RUN_DATE], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, LOADER_DB_URL: h.db.url },
    });
    children.push(child);
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    const line = await new Promise<string>((resolve) => readline.createInterface({ input: child.stdout }).once('line', resolve));
    expect(line).toBe('mid-copy');

    // The run history stays readable while a load holds the tables (it used to wait for the load,
    // here forever: etl_runs was locked by the load's no-op ALTER TABLE … IF NOT EXISTS).
    const [running] = await runs(h.admin);
    expect(running).toMatchObject({ outcome: 'running' });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    // The server notices the dead client and rolls its transaction back.
    await eventually(async () => expect((await sessionStates(h)).map((s) => s.pid)).not.toContain(running?.backend_pid));

    expect(await checksums(h.admin)).toEqual(before);
    // Nobody was left to write the run's end: it still says running until the next load.
    expect((await runs(h.admin))[0]).toMatchObject({ run_id: running?.run_id, outcome: 'running' });

    const next = await load(h, big);
    const [latest, interrupted] = await runs(h.admin);
    expect(latest).toMatchObject({ run_id: next.runId, outcome: 'succeeded' });
    expect(interrupted).toMatchObject({ run_id: running?.run_id, outcome: 'failed', error_code: 'interrupted', finished_at: expect.any(Date) });
    expect(await checksums(h.admin)).toMatchObject({ appointmentRows: big.appointments.length });
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
