/**
 * What people read when the database says no (SPEC §5, §10), and which schema a load may touch:
 * clear codes for a server that is not there and for a wrong password (which never shows up in
 * the message), schema names refused before any SQL is sent, another schema loaded side by side,
 * and tables made by the brief's Python pipeline upgraded in place.
 */
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answerBusinessQuestions } from '../../electron/db/businessQuestions';
import { createPool, openDatabase } from '../../electron/db/connection';
import { loadRun } from '../../electron/db/load';
import { DatabaseError, UsageError } from '../../electron/etl/errors';
import type { PreparedRun } from '../../electron/etl/prepareRun';
import { generateWorkbooks } from '../../scripts/generator/generateWorkbooks';
import { testServers } from '../support/database';
import {
  SCHEMA,
  appointmentRows,
  checksums,
  doctorRows,
  expectedAppointments,
  expectedDoctors,
  freshDatabase,
  load,
  prepareFiles,
  prepareSamples,
  runs,
  type Harness,
} from './harness';

let dir: string;
let small: PreparedRun;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'healthtech-db-errors-'));
  const files = await generateWorkbooks({ seed: 15, appointments: 1_500, outDir: dir });
  small = await prepareFiles(files.doctorsPath, files.appointmentsPath);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A loopback port nothing listens on (taken from the OS, then given back). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Everything a person or a log could be shown about an error. */
function everythingShown(error: unknown): string {
  const e = error as Error & { detail?: unknown; code?: string };
  return [e.message, e.stack ?? '', e.code ?? '', JSON.stringify(e.detail ?? {}), String(e)].join('\n');
}

describe('no server at the address', () => {
  it('openDatabase fails with db_unreachable, naming host and port but not the password', async () => {
    const port = await closedPort();
    const password = 'Unreach4ble-s3cret';
    const error = await openDatabase({ url: `postgresql://analyst:${password}@127.0.0.1:${port}/clinic`, embeddedDataDir: path.join(dir, 'never-used') }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toMatchObject({ code: 'db_unreachable', message: expect.stringContaining(`127.0.0.1:${port}/clinic`) });
    expect(everythingShown(error)).not.toContain(password);
  });
});

describe.each(testServers())('errors and schemas on $name PostgreSQL', ({ name: serverName, url }) => {
  let h: Harness;
  beforeEach(async () => {
    h = await freshDatabase(url);
  });
  afterEach(async () => {
    await h.close();
  });

  // The embedded server always checks passwords (scram-sha-256); an external one may trust
  // everyone on its network, where a wrong password cannot be refused.
  if (serverName !== 'embedded') {
    process.stdout.write(`${serverName} PostgreSQL: wrong-password test skipped: this server may trust local connections, so a wrong password need not be refused\n`);
  }
  it.runIf(serverName === 'embedded')('a wrong password is db_auth_failed, and neither password appears anywhere', async () => {
    const wrong = new URL(h.db.url);
    const right = decodeURIComponent(wrong.password);
    const wrongPassword = 'n0t-Th1s:p@ss/wörd';
    wrong.password = encodeURIComponent(wrongPassword);

    const error = await openDatabase({ url: wrong.toString(), embeddedDataDir: path.join(dir, 'never-used') }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toMatchObject({ code: 'db_auth_failed', sqlstate: '28P01', message: expect.stringContaining(`refused user "${decodeURIComponent(wrong.username)}"`) });
    const shown = everythingShown(error);
    for (const secret of [wrongPassword, encodeURIComponent(wrongPassword), right]) expect(shown).not.toContain(secret);

    // The right password in a SQLAlchemy-style URL (as the brief's .env has it) connects.
    const sqlalchemyUrl = h.db.url.replace(/^postgres(ql)?:\/\//, 'postgresql+psycopg2://');
    const db = await openDatabase({ url: sqlalchemyUrl, embeddedDataDir: path.join(dir, 'never-used') });
    try {
      expect((await db.pool.query<{ ok: number }>('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
      expect(db.display).not.toContain(right);
    } finally {
      await db.close();
    }
  });

  it.each(['bad-name', '"x"; drop table y', 'pg_catalog', 'information_schema', 'Healthtech', ''])(
    'schema %j is refused with UsageError before any SQL',
    async (schema) => {
      await h.admin.query('CREATE TABLE public.y (id int)');
      const pool = createPool(h.db.url);
      try {
        const error = await loadRun({ pool, label: h.label }, await prepareSamples(), { schema, source: 'cli' }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(UsageError);
        expect(error).toMatchObject({ code: 'invalid_schema', detail: { setting: 'schema' } });
        await expect(answerBusinessQuestions(pool, schema)).rejects.toBeInstanceOf(UsageError);
        // Never even connected, so nothing was sent.
        expect(pool.totalCount).toBe(0);
      } finally {
        await pool.end();
      }
      const { rows } = await h.admin.query<{ schemas: string[]; y: string | null }>(
        `SELECT array(SELECT nspname::text FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY 1) AS schemas,
                to_regclass('public.y')::text AS y`,
      );
      expect(rows[0]).toEqual({ schemas: ['public'], y: 'y' });
    },
  );

  it('another valid schema (clinic_2025) is loaded beside healthtech and leaves it untouched', async () => {
    const samples = await prepareSamples();
    await load(h, samples);
    const healthtechBefore = await checksums(h.admin);

    const clinic = await load(h, small, { schema: 'clinic_2025' });

    expect(await checksums(h.admin)).toEqual(healthtechBefore);
    expect(await runs(h.admin)).toHaveLength(1);
    expect(await doctorRows(h.admin, 'clinic_2025')).toEqual(expectedDoctors(small));
    expect(await appointmentRows(h.admin, 'clinic_2025')).toEqual(expectedAppointments(small));
    expect((await runs(h.admin, 'clinic_2025')).map((r) => [r.run_id, r.outcome])).toEqual([[clinic.runId, 'succeeded']]);
    const answers = await answerBusinessQuestions(h.pool, 'clinic_2025');
    expect(answers.q4.map((d) => d.doctor_id).sort((a, b) => a - b)).toEqual(small.doctors.map((d) => d.doctorId));
    expect(answers.q4.reduce((sum, d) => sum + d.confirmed, 0)).toBe(small.appointments.filter((a) => a.status === 'confirmed').length);
  });

  it("tables made by the brief's Python pipeline (its five columns only) are upgraded in place and loaded", async () => {
    // The DDL of the brief, typed by hand, with a little old data in it.
    await h.admin.query(`
      CREATE SCHEMA healthtech;
      CREATE TABLE IF NOT EXISTS healthtech.doctors (
        doctor_id   INTEGER PRIMARY KEY,
        name        TEXT NOT NULL,
        specialty   TEXT
      );
      CREATE TABLE IF NOT EXISTS healthtech.appointments (
        booking_id    BIGINT PRIMARY KEY,
        patient_id    BIGINT NOT NULL,
        doctor_id     INTEGER NOT NULL REFERENCES healthtech.doctors(doctor_id),
        booking_date  DATE NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('confirmed','cancelled'))
      );
      INSERT INTO healthtech.doctors VALUES (999, 'Dr. Old', 'Legacy');
      INSERT INTO healthtech.appointments VALUES (1, 2, 999, '2024-01-01', 'confirmed');`);
    const samples = await prepareSamples();

    await load(h, samples);
    const again = await load(h, samples);

    expect(await doctorRows(h.admin)).toEqual(expectedDoctors(samples));
    expect(await appointmentRows(h.admin)).toEqual(expectedAppointments(samples));
    expect((await runs(h.admin))[0]).toMatchObject({ run_id: again.runId, outcome: 'succeeded' });
    const { rows } = await h.admin.query<{ table_name: string; columns: string[] }>(
      `SELECT table_name, array_agg(column_name::text ORDER BY ordinal_position) AS columns
         FROM information_schema.columns WHERE table_schema = $1 AND table_name IN ('doctors', 'appointments') GROUP BY table_name ORDER BY table_name`,
      [SCHEMA],
    );
    expect(rows).toEqual([
      { table_name: 'appointments', columns: ['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'status', 'source_row', 'patient_first_booking'] },
      { table_name: 'doctors', columns: ['doctor_id', 'name', 'specialty', 'is_placeholder', 'source_row'] },
    ]);
    // The brief's own rules still hold on the upgraded tables.
    await expect(h.admin.query(`INSERT INTO healthtech.appointments (booking_id, patient_id, doctor_id, booking_date, status) VALUES (-1, 1, 1, '2025-01-01', 'maybe')`)).rejects.toMatchObject({
      code: '23514',
    });
  });
});
