/**
 * Loads and other sessions (SPEC §10, lock_timeout and statement_timeout): a load builds without
 * touching the live tables, so a session reading them only matters at the swap. One that lets go
 * in time delays the swap by a few short attempts; one that never does makes the load give up
 * with a message saying so, instead of hanging, and leaves the data as it was; so does a
 * statement that runs too long. Two loads started at the same moment run one after the other,
 * the second saying that it waits for the first, and both succeed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPool } from '../../electron/db/connection';
import { loadRun, type LoadProgress, type LoadStep } from '../../electron/db/load';
import { CancelledError, DatabaseError } from '../../electron/etl/errors';
import type { PreparedRun } from '../../electron/etl/prepareRun';
import { generateWorkbooks } from '../../scripts/generator/generateWorkbooks';
import { testServers } from '../support/database';
import {
  SCHEMA,
  appointmentRows,
  checksums,
  eventually,
  expectNoLeftovers,
  expectedAppointments,
  expectedDoctors,
  expectedRejected,
  doctorRows,
  freshDatabase,
  load,
  nextClientPid,
  prepareFiles,
  prepareSamples,
  rejectedRows,
  runs,
  type Harness,
} from './harness';

let dir: string;
let small: PreparedRun;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'healthtech-db-locks-'));
  const files = await generateWorkbooks({ seed: 14, appointments: 3_000, outDir: dir });
  small = await prepareFiles(files.doctorsPath, files.appointmentsPath);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const holders = [
  { who: 'an explicit LOCK TABLE … IN ACCESS EXCLUSIVE MODE', sql: `LOCK TABLE ${SCHEMA}.appointments IN ACCESS EXCLUSIVE MODE` },
  { who: 'a report left idle in transaction after reading appointments', sql: `SELECT count(*) FROM ${SCHEMA}.appointments` },
];

describe.each(testServers())('locks on $name PostgreSQL', ({ url }) => {
  let h: Harness;
  let other: pg.Client;
  beforeEach(async () => {
    h = await freshDatabase(url);
    other = new pg.Client({ connectionString: h.db.url, application_name: 'healthtech-etl test lock holder' });
    other.on('error', () => undefined);
    await other.connect();
  });
  afterEach(async () => {
    await other.end().catch(() => undefined);
    await h.close();
  });

  it.each(holders)('a table held by $who: the load fails fast with db_locked and changes nothing', async ({ sql }) => {
    const first = await load(h, await prepareSamples());
    const before = await checksums(h.admin);
    await other.query('BEGIN');
    await other.query(sql);

    const started = Date.now();
    const error = await load(h, small, { lockTimeoutMs: 500 }).catch((e: unknown) => e);
    const tookMs = Date.now() - started;

    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toMatchObject({ code: 'db_locked', sqlstate: '55P03', message: expect.stringMatching(/Another session holds the tables/) });
    expect(tookMs).toBeLessThan(5_000);
    expect((await runs(h.admin)).map((r) => [r.outcome, r.error_code])).toEqual([
      ['failed', 'db_locked'],
      ['succeeded', null],
    ]);
    await expectNoLeftovers(h);
    // The holder never saw a change, and neither does anyone once it lets go.
    await other.query('ROLLBACK');
    expect(await checksums(h.admin)).toEqual(before);
    expect((await runs(h.admin))[1]?.run_id).toBe(first.runId);

    await load(h, small, { lockTimeoutMs: 500 });
    expect(await appointmentRows(h.admin)).toEqual(expectedAppointments(small));
  });

  it("replacing the brief's tables while a report keeps reading them gives up with db_locked instead of waiting forever", async () => {
    await h.admin.query(`
      CREATE SCHEMA healthtech;
      CREATE TABLE healthtech.doctors (doctor_id INTEGER PRIMARY KEY, name TEXT NOT NULL, specialty TEXT);
      CREATE TABLE healthtech.appointments (
        booking_id BIGINT PRIMARY KEY, patient_id BIGINT NOT NULL, doctor_id INTEGER NOT NULL REFERENCES healthtech.doctors(doctor_id),
        booking_date DATE NOT NULL, status TEXT NOT NULL CHECK (status IN ('confirmed','cancelled')));
      INSERT INTO healthtech.doctors VALUES (999, 'Dr. Old', 'Legacy');`);
    await other.query('BEGIN');
    await other.query(`SELECT count(*) FROM ${SCHEMA}.doctors`);

    const started = Date.now();
    const error = await load(h, small, { lockTimeoutMs: 500 }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'db_locked' });
    expect(Date.now() - started).toBeLessThan(5_000);
    await other.query('ROLLBACK');
    expect((await h.admin.query('SELECT doctor_id, name FROM healthtech.doctors')).rows).toEqual([{ doctor_id: 999, name: 'Dr. Old' }]);
    await expectNoLeftovers(h);
    await load(h, small, { lockTimeoutMs: 500 });
    expect(await doctorRows(h.admin)).toEqual(expectedDoctors(small));
  });

  it('a report that holds the live tables while the load builds only delays the swap (lock_timeout is for the swap alone)', async () => {
    await load(h, await prepareSamples());
    await other.query('BEGIN');
    await other.query(`SELECT count(*) FROM ${SCHEMA}.appointments`);
    // The report keeps its transaction open through the whole build, and lets go at the swap.
    let letGo: Promise<unknown> | undefined;
    const result = await load(h, small, {
      lockTimeoutMs: 20_000,
      onProgress: (p) => {
        if (p.step === 'swap' && !letGo) letGo = new Promise((resolve) => setTimeout(resolve, 700)).then(() => other.query('ROLLBACK'));
      },
    });
    await letGo;

    expect(await appointmentRows(h.admin)).toEqual(expectedAppointments(small));
    const swapped = h.logger.lines.findLast((l) => l.message === 'tables swapped and committed');
    // It had to try more than once: each attempt waits at most a fraction of a second.
    expect(Number(swapped?.fields?.attempts)).toBeGreaterThan(1);
    expect((await runs(h.admin))[0]).toMatchObject({ run_id: result.runId, outcome: 'succeeded' });
    await expectNoLeftovers(h);
  });

  it('Cancel while the swap waits for the tables stops the wait itself: rolled back, recorded as cancelled', async () => {
    await load(h, await prepareSamples());
    const before = await checksums(h.admin);
    await other.query('BEGIN');
    await other.query(`SELECT count(*) FROM ${SCHEMA}.appointments`);
    const controller = new AbortController();
    const pid = nextClientPid(h.pool);

    // A minute of lock budget: only the cancel can end this load before the test times out.
    const loading = load(h, small, { lockTimeoutMs: 60_000, signal: controller.signal }).catch((e: unknown) => e);
    await eventually(async () => {
      const { rows } = await h.admin.query<{ waiting: boolean }>(`SELECT wait_event_type = 'Lock' AND query LIKE 'SAVEPOINT swap%' AS waiting FROM pg_stat_activity WHERE pid = $1`, [pid()]);
      expect(rows[0]?.waiting).toBe(true);
    }, 20_000);
    controller.abort();
    const error = await loading;

    expect(error).toBeInstanceOf(CancelledError);
    await other.query('ROLLBACK');
    expect(await checksums(h.admin)).toEqual(before);
    expect((await runs(h.admin))[0]).toMatchObject({ outcome: 'failed', error_code: 'cancelled' });
    await expectNoLeftovers(h);
  });

  it('statement_timeout bounds every statement of the load: db_timeout, nothing changed, recorded', async () => {
    await load(h, await prepareSamples());
    const before = await checksums(h.admin);

    const error = await load(h, small, { statementTimeoutMs: 1 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toMatchObject({ code: 'db_timeout', sqlstate: '57014', message: expect.stringMatching(/nothing was changed/) });
    expect(await checksums(h.admin)).toEqual(before);
    expect((await runs(h.admin))[0]).toMatchObject({ outcome: 'failed', error_code: 'db_timeout' });
    await expectNoLeftovers(h);
  });

  it('two loads started at once run one after the other; the second says it waits for the first; both succeed and the later one is what stays', async () => {
    const samples = await prepareSamples();
    // Two app instances: separate pools, same database.
    const otherPool = createPool(h.db.url);
    const steps: { load: 'a' | 'b'; step: LoadStep }[] = [];
    const waited: { load: 'a' | 'b'; progress: LoadProgress }[] = [];
    const track = (which: 'a' | 'b') => (p: LoadProgress) => {
      if (p.step === 'waiting') waited.push({ load: which, progress: p });
      else if (steps.at(-1)?.step !== p.step || steps.at(-1)?.load !== which) steps.push({ load: which, step: p.step });
    };
    try {
      const [a, b] = await Promise.all([
        load(h, samples, { onProgress: track('a') }),
        loadRun({ pool: otherPool, label: h.label }, small, { schema: SCHEMA, source: 'app', onProgress: track('b') }),
      ]);

      expect(a.runId).not.toBe(b.runId);
      // No interleaving: one load's steps all come before the other's.
      const order = steps.map((s) => s.load).filter((which, i, all) => i === 0 || all[i - 1] !== which);
      expect(order).toHaveLength(2);
      const sequence = ['prepare', 'copy_doctors', 'copy_appointments', 'copy_rejected', 'index', 'verify', 'swap', 'finish'];
      expect(steps.map((s) => s.step)).toEqual([...sequence, ...sequence]);

      const [later, earlier] = order[1] === 'a' ? [{ result: a, run: samples }, { result: b }] : [{ result: b, run: small }, { result: a }];
      // The later one said that it waited (and, once the first had recorded its run, for which one:
      // duringLoad.test.ts checks that part where the first load is held still).
      expect(waited.length).toBeGreaterThan(0);
      expect(waited.every((w) => w.load === order[1] && w.progress.step === 'waiting')).toBe(true);
      for (const { progress } of waited) expect([null, earlier.result.runId]).toContain(progress.waitingFor?.runId);
      expect(await doctorRows(h.admin)).toEqual(expectedDoctors(later.run));
      expect(await appointmentRows(h.admin)).toEqual(expectedAppointments(later.run));
      expect(await rejectedRows(h.admin)).toEqual(expectedRejected(later.run, later.result.runId));
      expect((await runs(h.admin)).map((r) => [r.run_id, r.outcome])).toEqual([
        [later.result.runId, 'succeeded'],
        [earlier.result.runId, 'succeeded'],
      ]);
    } finally {
      await otherPool.end();
    }
    await expectNoLeftovers(h);
  });
});
