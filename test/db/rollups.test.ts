/**
 * The dashboard's rollups as the load computes and copies them (electron/db/rollupRows.ts) against
 * the SQL that used to build them (test/oracle/rollupsInSql.ts), run over the very rows the load
 * wrote: every table, column, type and row must be the same. The data has the shapes real loads
 * have: a few days of bookings, three doctors, outliers centuries away, patients with several
 * bookings on their first day and under both statuses, placeholder doctors, an id above 2^53, a
 * month's last and first days, a single patient, no appointments at all, and a generated set.
 * The distinct patients of every date range over the loaded days are held to a count over the
 * appointments as well.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DashboardFilter } from '../../shared/contract';
import { kpis, leaderboard, segments, specialties, trend } from '../../electron/db/dashboard/aggregates';
import { patientsInRange } from '../../electron/db/dashboard/patientDays';
import { bookingLagsAnswer, bookingLagSums, visitFiguresOfLags } from '../../electron/db/dashboard/bookingLags';
import { ROLLUP_TABLES } from '../../electron/db/schema';
import type { PreparedRun } from '../../electron/etl/prepareRun';
import { generateWorkbooks } from '../../scripts/generator/generateWorkbooks';
import { rollupsInSql } from '../oracle/rollupsInSql';
import { testServers } from '../support/database';
import { freshDatabase, load, prepareFiles, SCHEMA, writeWorkbook, type Cell, type Harness } from './harness';

const HEADER = ['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'status'];
const BIG_PATIENT = '9223372036854775807';

/** Bookings as [patient, doctor, day, status]; booking ids are numbered in order. */
function bookings(rows: [Cell, number, string, string][]): Cell[][] {
  return [HEADER, ...rows.map(([patient, doctor, day, status], i) => [5000 + i, patient, doctor, day, status])];
}

const shapes: { name: string; appointments: Cell[][] }[] = [
  {
    name: 'a few days, three doctors, outliers centuries away, placeholder doctors',
    appointments: bookings([
      // Several bookings on the first day, under both statuses, then later ones of each.
      [10, 1, '2025-10-30', 'confirmed'],
      [10, 2, '2025-10-30', 'cancelled'],
      [10, 2, '2025-10-30', 'confirmed'],
      [10, 3, '2025-10-31', 'confirmed'],
      [10, 1, '2025-11-01', 'cancelled'],
      [10, 1, '2025-11-02', 'cancelled'],
      // Three confirmed the same first day with one doctor, nothing after.
      [11, 3, '2025-10-31', 'confirmed'],
      [11, 3, '2025-10-31', 'confirmed'],
      [11, 3, '2025-10-31', 'confirmed'],
      // One booking only, cancelled.
      [12, 2, '2025-11-01', 'cancelled'],
      // First seen centuries ago, back now; and one booked centuries ahead.
      [13, 1, '1825-03-04', 'confirmed'],
      [13, 2, '2025-10-30', 'cancelled'],
      [14, 3, '2025-11-02', 'confirmed'],
      [14, 3, '2225-06-30', 'confirmed'],
      // Doctors the doctors file does not list: placeholders.
      [15, 77, '2025-10-31', 'confirmed'],
      [15, 78, '2025-10-31', 'cancelled'],
      [16, 77, '2025-11-01', 'confirmed'],
      [16, 1, '2025-11-02', 'cancelled'],
      // More than the visit buckets count, of each status, over a month's end.
      ...Array.from({ length: 6 }, (_, k): [Cell, number, string, string] => [17, 1 + (k % 3), `2025-10-${26 + k}`, k % 2 ? 'cancelled' : 'confirmed']),
      [17, 2, '2025-11-01', 'cancelled'],
      [17, 2, '2025-11-01', 'cancelled'],
      [17, 2, '2025-11-01', 'cancelled'],
      // An id above 2^53, cancelled first, confirmed later the same month.
      [BIG_PATIENT, 1, '2025-10-02', 'cancelled'],
      [BIG_PATIENT, 1, '2025-10-30', 'confirmed'],
      // Cancelled later only.
      [18, 2, '2025-10-02', 'confirmed'],
      [18, 2, '2025-10-09', 'cancelled'],
    ]),
  },
  { name: 'a single patient with a single booking', appointments: bookings([[42, 2, '2025-10-30', 'confirmed']]) },
  { name: 'no appointments', appointments: [HEADER] },
];

let dir: string;
const runs = new Map<string, Promise<PreparedRun>>();

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'healthtech-rollups-'));
  const doctors = path.join(dir, 'doctors.xlsx');
  await writeWorkbook(doctors, 'Doctors', [
    ['doctor_id', 'name', 'specialty'],
    [1, 'Dr. Ada Byron', 'Cardiology'],
    [2, 'Dr. Ben Okafor', null],
    [3, 'Dr. Chen Li', 'Dermatology'],
  ]);
  for (const [i, shape] of shapes.entries()) {
    const appointments = path.join(dir, `appointments-${i}.xlsx`);
    await writeWorkbook(appointments, 'Appointments', shape.appointments);
    runs.set(shape.name, prepareFiles(doctors, appointments));
  }
  // Its own folder: the generator names its files doctors.xlsx and appointments.xlsx.
  const generated = await generateWorkbooks({ seed: 31, appointments: 4000, doctors: 25, outDir: await mkdtemp(path.join(dir, 'generated-')) });
  runs.set('generated', prepareFiles(generated.doctorsPath, generated.appointmentsPath));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A table's columns (name, type, in order) and its rows in a fixed order, as text. */
async function contents(client: pg.ClientBase, schema: string, table: string) {
  const columns = await client.query<{ name: string; type: string }>(
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
    [schema, table],
  );
  const order = columns.rows.map((_, i) => i + 1).join(', ');
  const rows = await client.query({ text: `SELECT * FROM "${schema}"."${table}" ORDER BY ${order}`, rowMode: 'array', types: { getTypeParser: () => (value: string) => value } });
  return { columns: columns.rows, rows: rows.rows as string[][] };
}

describe.each(testServers())('rollups on $name PostgreSQL', ({ url }) => {
  let h: Harness;
  beforeEach(async () => {
    h = await freshDatabase(url);
  });
  afterEach(async () => {
    await h.close();
  });

  it.each([...shapes.map((s) => s.name), 'generated'])('computed by the load, they are exactly what SQL makes of the loaded rows: %s', async (name) => {
    const run = await (runs.get(name) as Promise<PreparedRun>);
    await load(h, run);
    await h.admin.query('CREATE SCHEMA oracle');
    for (const statement of rollupsInSql(SCHEMA, 'oracle')) await h.admin.query(statement);

    for (const table of ROLLUP_TABLES) {
      const loaded = await contents(h.admin, SCHEMA, table);
      const oracle = await contents(h.admin, 'oracle', table);
      expect(loaded.columns, table).toEqual(oracle.columns);
      expect(loaded.rows, table).toEqual(oracle.rows);
    }
    // The shapes above are what they say (not, say, all rejected by the cleaning).
    if (name !== 'no appointments') expect(run.appointments.length).toBeGreaterThan(0);
    if (name === shapes[0]?.name) {
      const days = await contents(h.admin, SCHEMA, 'appointments_by_day');
      expect(days.rows.map((r) => r[0])).toEqual(expect.arrayContaining(['1825-03-04', '2225-06-30']));
      expect(days.rows.some((r) => r[2] === 't')).toBe(true);
      const patients = await contents(h.admin, SCHEMA, 'patients_first_day');
      expect(patients.rows.map((r) => r[0])).toContain(BIG_PATIENT);
    }
    // The distinct patients of every date range over these days (open ends too), of both statuses
    // and of the cancelled bookings, as a sum over a patient-day rollup, and the range's visit
    // figures from the rollups, against counting them over the appointments.
    const { rows: dayRows } = await h.admin.query<{ day: string }>(`SELECT DISTINCT booking_date::text AS day FROM ${SCHEMA}.appointments ORDER BY 1`);
    // Every day of the small shapes; 30 spread over the generated set's.
    const step = Math.max(1, Math.ceil(dayRows.length / 30));
    const days = [undefined, ...dayRows.filter((_, i) => i % step === 0).map((r) => r.day), '2026-01-01'];
    const statusSets: DashboardFilter['statuses'][] = [undefined, ['confirmed', 'cancelled'], ['cancelled']];
    for (const statuses of statusSets) {
      for (const from of days) {
        for (const to of days) {
          if (from && to && from > to) continue;
          const params: unknown[] = [];
          const filter: DashboardFilter = { ...(from ? { from } : {}), ...(to ? { to } : {}), ...(statuses ? { statuses } : {}) };
          const summed = await h.admin.query<{ patients: string }>(patientsInRange(SCHEMA, filter, params), params);
          const counted = await h.admin.query<{ patients: string }>(
            `SELECT count(DISTINCT patient_id) AS patients FROM ${SCHEMA}.appointments
              WHERE booking_date >= coalesce($1::date, '-infinity') AND booking_date <= coalesce($2::date, 'infinity') AND status = ANY($3::text[])`,
            [from ?? null, to ?? null, statuses ?? ['confirmed', 'cancelled']],
          );
          expect(Number(summed.rows[0]?.patients), `${from}…${to} ${statuses?.join('+') ?? 'both'}`).toBe(Number(counted.rows[0]?.patients));
          // The range's visit figures as sums over the rollups (bookingLags.ts), against grouping
          // its bookings by patient.
          if (!(from || to) || !bookingLagsAnswer(filter)) continue;
          const lagParams: unknown[] = [];
          const sums = await h.admin.query<Record<string, string>>(bookingLagSums(SCHEMA, filter, lagParams), lagParams);
          const grouped = await h.admin.query<Record<string, string>>(
            `SELECT count(*) AS patients, count(*) FILTER (WHERE n = 1) AS one, count(*) FILTER (WHERE n BETWEEN 2 AND 3) AS two_to_three,
                    count(*) FILTER (WHERE n >= 4) AS four_plus, count(*) FILTER (WHERE x >= 2) AS repeated_cancellations
               FROM (SELECT patient_id, count(*) AS n, count(*) FILTER (WHERE status = 'cancelled') AS x FROM ${SCHEMA}.appointments
                      WHERE booking_date >= coalesce($1::date, '-infinity') AND booking_date <= coalesce($2::date, 'infinity') AND status = ANY($3::text[])
                      GROUP BY patient_id) p`,
            [from ?? null, to ?? null, statuses ?? ['confirmed', 'cancelled']],
          );
          const expected = Object.fromEntries(Object.entries(grouped.rows[0] ?? {}).map(([k, v]) => [k, Number(v)]));
          expect(visitFiguresOfLags(filter, sums.rows[0] ?? {}), `visits ${from}…${to} ${statuses?.join('+') ?? 'both'}`).toEqual(expected);
        }
      }
    }
    const firstDays = await h.admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${SCHEMA}.patients_first_day`);
    expect(Number(firstDays.rows[0]?.n)).toBe(new Set(run.appointments.map((a) => String(a.patientId))).size);
  });

  /**
   * The dashboard's figures on these shapes, read as they are (from the rollups: the whole load's
   * trend on the load's own axis, a range's doctors from its whole months and the days at either
   * end) against the same figures once the rollups are marked as another run's (every figure then
   * comes from the appointments). Ranges with whole months and days at both ends, reaching the
   * outliers centuries away, with a status, with a segment; the segments of ranges that leave few
   * bookings out and of ranges that keep few.
   */
  const views: [string, DashboardFilter][] = [
    ['everything', {}],
    ['whole months and the days at either end', { from: '2025-09-20', to: '2025-11-01' }],
    ['the same, cancelled only', { from: '2025-09-20', to: '2025-11-01', statuses: ['cancelled'] }],
    ['from centuries back to a month end, confirmed only', { from: '1800-01-15', to: '2025-10-31', statuses: ['confirmed'] }],
    ['returning patients of whole months to centuries ahead', { from: '2025-10-02', to: '2300-01-01', segment: 'returning' }],
    ['new patients from a month start, cancelled only', { from: '2025-10-01', segment: 'new', statuses: ['cancelled'] }],
    // A range's visit figures: grouped by patient inside a short range; outside one that leaves
    // only the outliers out (the whole load's, corrected for the patients with bookings outside).
    ['two days', { from: '2025-11-01', to: '2025-11-02' }],
    ['everything but the outliers', { from: '2025-10-02', to: '2025-11-02' }],
    // A range holding few bookings (a twentieth of the load or less): one statement, hashed.
    ['a day of one booking, a new patient\'s', { from: '2025-10-26', to: '2025-10-26' }],
    ['returning patients of a day of one booking, a new patient\'s', { from: '2025-10-26', to: '2025-10-26', segment: 'returning' }],
    ['returning patients of a day of one booking, cancelled only', { from: '2025-10-09', to: '2025-10-09', segment: 'returning', statuses: ['cancelled'] }],
    ['everything but the outliers, cancelled only', { from: '2025-10-02', to: '2025-11-02', statuses: ['cancelled'] }],
    ['from a day to centuries ahead, confirmed only', { from: '2025-10-09', statuses: ['confirmed'] }],
    // Whole months only, with no day at either end: the doctors come from the month rollup alone.
    ['from a month start to centuries ahead', { from: '2025-10-01' }],
    ['new patients of everything but the outliers', { from: '2025-10-02', to: '2025-11-02', segment: 'new' }],
    // New patients of a range that leaves few bookings out: the whole load's, corrected for the
    // patients with bookings before or after it (either end, or one).
    ['new patients of everything but the outliers, confirmed only', { from: '2025-10-02', to: '2025-11-02', segment: 'new', statuses: ['confirmed'] }],
    ['new patients of everything but the outliers, cancelled only', { from: '2025-10-02', to: '2025-11-02', segment: 'new', statuses: ['cancelled'] }],
    ['new patients from centuries back to a day', { from: '1800-01-01', to: '2025-11-01', segment: 'new' }],
    ['new patients from a day to centuries ahead, confirmed only', { from: '2025-10-09', segment: 'new', statuses: ['confirmed'] }],
    ['returning patients from a day to centuries ahead, confirmed only', { from: '2025-10-03', segment: 'returning', statuses: ['confirmed'] }],
    ['returning patients of everything but the outliers, cancelled only', { from: '2025-10-02', to: '2025-11-02', segment: 'returning', statuses: ['cancelled'] }],
    ['returning patients of two days, cancelled only', { from: '2025-11-01', to: '2025-11-02', segment: 'returning', statuses: ['cancelled'] }],
    ['returning patients of everything but the outliers', { from: '2025-10-02', to: '2025-11-02', segment: 'returning' }],
    // A range's patients of cancelled bookings from their own patient-day rollup: open at either
    // end, from a month's last day, to a month's first.
    ['cancelled only, from centuries back to a month end', { to: '2025-10-31', statuses: ['cancelled'] }],
    ['cancelled only, from a month\'s last day on', { from: '2025-09-30', statuses: ['cancelled'] }],
    ['cancelled only, to a month\'s first day', { from: '2025-10-02', to: '2025-11-01', statuses: ['cancelled'] }],
  ];
  it.each([...shapes.map((s) => s.name), 'generated'])('the dashboard reads the rollups and the appointments alike: %s', async (name) => {
    const run = await (runs.get(name) as Promise<PreparedRun>);
    await load(h, run);
    const figures = async (filter: DashboardFilter) => ({
      kpis: { ...(await kpis(h.target, SCHEMA, filter)), ms: 0 },
      leaderboard: { ...(await leaderboard(h.target, SCHEMA, filter, 500)), ms: 0 },
      trend: { ...(await trend(h.target, SCHEMA, filter, 'auto')), ms: 0 },
      specialties: { ...(await specialties(h.target, SCHEMA, filter)), ms: 0 },
      segments: { ...(await segments(h.target, SCHEMA, filter)), ms: 0 },
    });
    const rolled = await Promise.all(views.map(([, filter]) => figures(filter)));
    // Figures of the loaded rows, not of an empty view.
    expect(rolled[0]?.kpis.appointments).toBe(run.appointments.length);
    for (const table of ROLLUP_TABLES) await h.admin.query(`COMMENT ON TABLE ${SCHEMA}.${table} IS 'stale'`);
    for (const [i, [label, filter]] of views.entries()) expect(await figures(filter), label).toEqual(rolled[i]);
  });
});
