/**
 * Dashboard figures from SQL against the same figures computed independently in TypeScript from
 * the prepared rows, with and without filters, on every test server.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardFilter, DrillFilter } from '../../shared/contract';
import { kpis, leaderboard, segments, specialties, trend } from '../../electron/db/dashboard/aggregates';
import { dashboardContext } from '../../electron/db/dashboard/context';
import { drillPage, exportDrill } from '../../electron/db/dashboard/drill';
import { previousRange } from '../../electron/db/dashboard/filter';
import { denseSpan } from '../../electron/db/dashboard/timeAxis';
import { answeredQuestions } from '../../electron/db/dashboard/questions';
import { answerBusinessQuestions } from '../../electron/db/businessQuestions';
import { createPool, serverLabel } from '../../electron/db/connection';
import { ROLLUP_TABLES } from '../../electron/db/schema';
import { loadRun } from '../../electron/db/load';
import { prepareRun, type PreparedRun } from '../../electron/etl/prepareRun';
import { isoFromDay } from '../../electron/etl/rules/calendar';
import { idText } from '../../electron/etl/rules/parseInteger';
import { generateWorkbooks } from '../../scripts/generator/generateWorkbooks';
import { createTestDatabase, testServers, type TestDatabase } from '../support/database';

interface Row {
  booking: string;
  patient: string;
  doctor: number;
  date: string;
  status: 'confirmed' | 'cancelled';
  specialty: string | null;
  placeholder: boolean;
  sourceRow: number;
}

describe.each(testServers())('dashboard on $name PostgreSQL', (server) => {
  let dir: string;
  let database: TestDatabase;
  let pool: pg.Pool;
  let prepared: PreparedRun;
  let rows: Row[];
  const db = () => ({ pool, label: serverLabel(database.url) });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dashboard-'));
    const files = await generateWorkbooks({ seed: 21, appointments: 6000, doctors: 30, outDir: dir });
    database = await createTestDatabase(server.url);
    pool = createPool(database.url);
    prepared = await prepareRun({ doctors: { path: files.doctorsPath }, appointments: { path: files.appointmentsPath }, runDate: '2025-11-01' });
    await loadRun(db(), prepared, { schema: 'healthtech', source: 'cli' });
    const doctors = new Map(prepared.doctors.map((d) => [d.doctorId, d]));
    rows = prepared.appointments.map((a) => ({
      booking: idText(a.bookingId),
      patient: idText(a.patientId),
      doctor: a.doctorId,
      date: isoFromDay(a.day),
      status: a.status,
      specialty: doctors.get(a.doctorId)?.specialty ?? null,
      placeholder: doctors.get(a.doctorId)?.placeholder ?? false,
      sourceRow: a.sourceRow,
    }));
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * The filter applied in TypeScript: the independent side of every comparison. A patient is
   * returning when one of their bookings in the scope (the dashboard's filter: `scope`, else the
   * filter itself) is after the day of their first booking ever, new otherwise; `visits` keeps
   * the patients with that many bookings among the rows the scope keeps.
   */
  function filtered(filter: DrillFilter): Row[] {
    const firstBooking = new Map<string, string>();
    for (const r of rows) if (!firstBooking.has(r.patient) || (firstBooking.get(r.patient) as string) > r.date) firstBooking.set(r.patient, r.date);
    const matches = (f: DashboardFilter) => (r: Row) =>
      (!f.from || r.date >= f.from) &&
      (!f.to || r.date <= f.to) &&
      (!f.doctorIds?.length || f.doctorIds.includes(r.doctor)) &&
      (!f.statuses?.length || f.statuses.includes(r.status)) &&
      (!f.specialties?.length || f.specialties.includes(r.specialty ?? ''));
    const scoped = rows.filter(matches(filter.scope ?? filter));
    const cameBack = new Set(scoped.filter((r) => r.date > (firstBooking.get(r.patient) as string)).map((r) => r.patient));
    const kept = rows.filter(
      (r) => matches(filter)(r) && (filter.segment !== 'new' || !cameBack.has(r.patient)) && (filter.segment !== 'returning' || cameBack.has(r.patient)),
    );
    if (!filter.visits) return kept;
    const bookings = count(scoped, (r) => r.patient);
    const inBucket = (n: number) => (filter.visits === '1' ? n === 1 : filter.visits === '2-3' ? n >= 2 && n <= 3 : n >= 4);
    return kept.filter((r) => inBucket(bookings.get(r.patient) ?? 0));
  }
  const count = <T>(items: T[], key: (item: T) => string | number) => {
    const counts = new Map<string | number, number>();
    for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
    return counts;
  };

  const byDateThenId = (a: Row, b: Row) => a.date.localeCompare(b.date) || Number(BigInt(a.booking) - BigInt(b.booking));

  const filters: [string, DashboardFilter][] = [
    ['no filter', {}],
    ['October 2025', { from: '2025-10-01', to: '2025-10-31' }],
    ['one doctor, confirmed only', { doctorIds: [105, 110], statuses: ['confirmed'] }],
    ['a specialty and new patients in 2025', { specialties: ['Cardiology', ''], from: '2025-01-01', to: '2025-12-31', segment: 'new' }],
    ['returning patients from mid-2025', { from: '2025-06-01', segment: 'returning' }],
    ['returning patients, everything loaded', { segment: 'returning' }],
    ['new patients of October, cancelled only', { from: '2025-10-01', to: '2025-10-31', segment: 'new', statuses: ['cancelled'] }],
    // Answered from the load's rollups (by status and segment alone, by dates for the trend, by doctor for the leaderboard).
    ['cancelled only', { statuses: ['cancelled'] }],
    ['both statuses named', { statuses: ['confirmed', 'cancelled'] }],
    ['new patients, everything loaded', { segment: 'new' }],
    ['returning patients, confirmed only', { segment: 'returning', statuses: ['confirmed'] }],
    ['new patients, cancelled only', { segment: 'new', statuses: ['cancelled'] }],
    ['a year, confirmed only', { from: '2025-01-01', to: '2025-12-31', statuses: ['confirmed'] }],
    ['until 2024, outliers included', { to: '2024-12-31' }],
    ['a specialty, cancelled only', { specialties: ['Cardiology'], statuses: ['cancelled'] }],
    ['one doctor', { doctorIds: [105] }],
    ['whole months and the days at either end', { from: '2024-03-15', to: '2025-02-10' }],
    ['a specialty over whole months, cancelled only', { from: '2024-02-01', to: '2024-12-31', specialties: ['Cardiology'], statuses: ['cancelled'] }],
    ['from a day to the end', { from: '2025-05-17' }],
    // A segment over dates and statuses: the first-day rollups (new ones, the rest less them).
    ['new patients of a year', { from: '2025-01-01', to: '2025-12-31', segment: 'new' }],
    ['returning patients of a year', { from: '2025-01-01', to: '2025-12-31', segment: 'returning' }],
    ['returning patients over whole months and the days at either end, confirmed only', { from: '2024-03-15', to: '2025-02-10', segment: 'returning', statuses: ['confirmed'] }],
    ['new patients until 2024, outliers included, cancelled only', { to: '2024-12-31', segment: 'new', statuses: ['cancelled'] }],
    ['returning patients of one week', { from: '2025-03-03', to: '2025-03-09', segment: 'returning' }],
    ['new patients from a day to the end, both statuses named', { from: '2025-05-17', segment: 'new', statuses: ['confirmed', 'cancelled'] }],
    // Distinct patients of a date range, a sum over the patient-day rollup.
    ['one day, both statuses named', { from: '2025-03-04', to: '2025-03-04', statuses: ['cancelled', 'confirmed'] }],
    ['from the first booking ever to a day', { to: '2025-03-04' }],
  ];

  it.each(filters)('the rollups give exactly the figures of SQL over the appointments: %s', async (_label, filter) => {
    const figures = async () => ({
      kpis: { ...(await kpis(db(), 'healthtech', filter)), ms: 0 },
      leaderboard: { ...(await leaderboard(db(), 'healthtech', filter, 500)), ms: 0 },
      trend: { ...(await trend(db(), 'healthtech', filter, 'auto')), ms: 0 },
      specialties: { ...(await specialties(db(), 'healthtech', filter)), ms: 0 },
      segments: { ...(await segments(db(), 'healthtech', filter)), ms: 0 },
      drillTotal: (await drillPage(db(), 'healthtech', filter, 0, 5)).total,
    });
    const rolled = await figures();
    expect(rolled.drillTotal).toBe(filtered(filter).length);
    // Marked as another run's, the rollups are not used: every figure comes from the appointments.
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ mark: string }>(`SELECT obj_description('healthtech.appointments_by_day'::regclass, 'pg_class') AS mark`);
      expect(rows[0]?.mark).toMatch(/^healthtech-etl: run \d+$/);
      await client.query(`COMMENT ON TABLE healthtech.appointments_by_day IS 'stale'`);
      await client.query(`COMMENT ON TABLE healthtech.appointments_by_doctor IS 'stale'`);
      await client.query(`COMMENT ON TABLE healthtech.patients_by_visits IS 'stale'`);
      await client.query(`COMMENT ON TABLE healthtech.first_day_bookings IS 'stale'`);
      await client.query(`COMMENT ON TABLE healthtech.patient_days_by_previous IS 'stale'`);
      await client.query('COMMIT');
      expect(await figures()).toEqual(rolled);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      const { rows } = await client.query<{ mark: string }>(`SELECT obj_description('healthtech.appointments'::regclass, 'pg_class') AS mark`);
      for (const table of ROLLUP_TABLES) await client.query(`COMMENT ON TABLE healthtech.${table} IS '${rows[0]?.mark}'`);
      client.release();
    }
  });

  it.each(filters)('key figures: %s', async (_label, filter) => {
    const expected = filtered(filter);
    const figures = await kpis(db(), 'healthtech', filter);
    expect(figures.appointments).toBe(expected.length);
    expect(figures.confirmed).toBe(expected.filter((r) => r.status === 'confirmed').length);
    expect(figures.cancelled).toBe(expected.filter((r) => r.status === 'cancelled').length);
    expect(figures.uniquePatients).toBe(new Set(expected.map((r) => r.patient)).size);
    expect(figures.doctors).toBe(new Set(expected.map((r) => r.doctor)).size);
    expect(figures.placeholderDoctors).toBe(new Set(expected.filter((r) => r.placeholder).map((r) => r.doctor)).size);
    expect(figures.placeholderBookings).toBe(expected.filter((r) => r.placeholder).length);
    // Rule 9 against the load's run date (2025-11-01): before 2000, or after 2026-11-01.
    expect(figures.suspiciousBookings).toBe(expected.filter((r) => r.date < '2000-01-01' || r.date > '2026-11-01').length);
    const previous = filter.from && filter.to ? previousRange(filter.from, filter.to) : null;
    const firstEver = rows.map((r) => r.date).sort()[0] as string;
    if (previous && previous.from >= firstEver) expect(figures.previous?.appointments).toBe(filtered({ ...filter, ...previous }).length);
    else expect(figures.previous, 'no period is named before the first booking').toBeNull();
  });

  it('no previous period before the first booking ever', async () => {
    const firstEver = rows.map((r) => r.date).sort()[0] as string;
    const figures = await kpis(db(), 'healthtech', { from: firstEver, to: '2025-12-31' });
    expect(figures.previous).toBeNull();
  });

  it.each(filters)('leaderboard, trend, specialties and segments: %s', async (_label, filter) => {
    const expected = filtered(filter);
    const board = await leaderboard(db(), 'healthtech', filter, 500);
    const rankedBy = filter.statuses?.length === 1 && filter.statuses[0] === 'cancelled' ? 'cancelled' : 'confirmed';
    expect(board.rankedBy).toBe(rankedBy);
    const measureBy = count(
      expected.filter((r) => r.status === rankedBy),
      (r) => r.doctor,
    );
    const totalBy = count(expected, (r) => r.doctor);
    // Every doctor of the doctor/specialty filter, zeros included, by the measure then id.
    const doctorsInFilter = prepared.doctors.filter(
      (d) => (!filter.doctorIds?.length || filter.doctorIds.includes(d.doctorId)) && (!filter.specialties?.length || filter.specialties.includes(d.specialty ?? '')),
    );
    expect(board.doctors).toBe(doctorsInFilter.length);
    const ranking = doctorsInFilter
      .map((d) => ({ doctorId: d.doctorId, measure: measureBy.get(d.doctorId) ?? 0 }))
      .sort((a, b) => b.measure - a.measure || a.doctorId - b.doctorId)
      .slice(0, 500);
    expect(board.rows.map((r) => [r.doctorId, r[rankedBy]])).toEqual(ranking.map((r) => [r.doctorId, r.measure]));
    const wholeLoad = Object.keys(filter).length === 0;
    for (const row of board.rows) {
      expect(row.total).toBe(totalBy.get(row.doctorId) ?? 0);
      const all = rows.filter((r) => r.doctor === row.doctorId);
      expect(row.allData).toEqual(wholeLoad ? null : { total: all.length, confirmed: all.filter((r) => r.status === 'confirmed').length, cancelled: all.filter((r) => r.status === 'cancelled').length });
    }

    // The trend's axis is the dense span of the filtered bookings; those outside it are counted.
    const monthly = await trend(db(), 'healthtech', filter, 'month');
    const axis = monthly.axis;
    if (expected.length === 0) expect(axis).toBeNull();
    else {
      expect(axis).not.toBeNull();
      const inside = expected.filter((r) => axis && r.date >= axis.from && r.date <= axis.to);
      expect(monthly.points.reduce((sum, p) => sum + p.confirmed + p.cancelled, 0)).toBe(inside.length);
      expect((axis?.before ?? 0) + inside.length + (axis?.after ?? 0)).toBe(expected.length);
      const byMonth = count(inside, (r) => `${r.date.slice(0, 7)}-01`);
      for (const point of monthly.points) expect(point.confirmed + point.cancelled).toBe(byMonth.get(point.period));
    }
    const weekly = await trend(db(), 'healthtech', filter, 'week');
    for (const point of weekly.points) expect(new Date(`${point.period}T00:00:00Z`).getUTCDay()).toBe(1);

    const bySpecialty = await specialties(db(), 'healthtech', filter);
    expect(bySpecialty.rows.reduce((sum, r) => sum + r.appointments, 0)).toBe(expected.length);
    const specialtyCounts = count(expected, (r) => r.specialty ?? '(none)');
    for (const row of bySpecialty.rows) expect(row.appointments).toBe(specialtyCounts.get(row.specialty ?? '(none)'));

    const seg = await segments(db(), 'healthtech', filter);
    const perPatient = count(expected, (r) => r.patient);
    const cancelsPerPatient = count(
      expected.filter((r) => r.status === 'cancelled'),
      (r) => r.patient,
    );
    expect(seg.patients).toBe(perPatient.size);
    expect(seg.visitBuckets).toEqual({
      one: [...perPatient.values()].filter((n) => n === 1).length,
      twoToThree: [...perPatient.values()].filter((n) => n >= 2 && n <= 3).length,
      fourPlus: [...perPatient.values()].filter((n) => n >= 4).length,
    });
    expect(seg.repeatedCancellations).toBe([...cancelsPerPatient.values()].filter((n) => n >= 2).length);
    expect(seg.newPatients + seg.returningPatients).toBe(seg.patients);
    // Returning: a booking in the filter after the patient's first day ever; the segment filters agree.
    const firstOf = new Map<string, string>();
    for (const r of rows) if (!firstOf.has(r.patient) || (firstOf.get(r.patient) as string) > r.date) firstOf.set(r.patient, r.date);
    const returning = new Set(expected.filter((r) => r.date > (firstOf.get(r.patient) as string)).map((r) => r.patient));
    expect(seg.returningPatients).toBe(returning.size);
    if ((filter.segment ?? 'all') === 'all') {
      expect((await kpis(db(), 'healthtech', { ...filter, segment: 'returning' })).uniquePatients).toBe(returning.size);
      expect((await kpis(db(), 'healthtech', { ...filter, segment: 'new' })).uniquePatients).toBe(perPatient.size - returning.size);
    }
  });

  it('everything loaded: the segments tell one-visit patients from those who came back', async () => {
    const seg = await segments(db(), 'healthtech', {});
    expect(seg.newPatients).toBeGreaterThan(0);
    expect(seg.returningPatients).toBeGreaterThan(0);
  });

  it('a segment-filtered bar drills to exactly its bookings: the segment stays decided over the dashboard filter (scope)', async () => {
    for (const segment of ['new', 'returning'] as const) {
      const dashboard: DashboardFilter = { from: '2025-06-01', to: '2025-10-31', segment };
      const monthly = await trend(db(), 'healthtech', dashboard, 'month');
      // The range's first month: its patients' later visits are in the range but not in the bar.
      const june = monthly.points.find((p) => p.period === '2025-06-01');
      expect(june, `${segment}: June has bookings`).toBeDefined();
      const bar = (june?.confirmed ?? 0) + (june?.cancelled ?? 0);
      const drill: DrillFilter = { ...dashboard, from: '2025-06-01', to: '2025-06-30', scope: dashboard };
      const page = await drillPage(db(), 'healthtech', drill, 0, 1000);
      expect(page.total, `${segment}: the drill lists the bar's bookings`).toBe(bar);
      expect(page.total).toBe(filtered(drill).length);
      expect(page.rows.map((r) => r.bookingId)).toEqual(filtered(drill).sort(byDateThenId).map((r) => r.booking).slice(0, 1000));
      // Without the scope the segment would be decided over the bar's own month: other bookings.
      const unanchored = await drillPage(db(), 'healthtech', { ...drill, scope: undefined }, 0, 1);
      expect(unanchored.total, `${segment}: deciding over the bar's month counts other patients`).not.toBe(bar);
    }
  });

  const segmentDrills: [string, DrillFilter][] = [
    ['new patients, everything loaded', { segment: 'new' }],
    ['returning patients, cancelled only', { segment: 'returning', statuses: ['cancelled'] }],
    ['new patients of a year', { from: '2025-01-01', to: '2025-12-31', segment: 'new' }],
    ['returning patients of a week, confirmed only', { from: '2025-03-03', to: '2025-03-09', segment: 'returning', statuses: ['confirmed'] }],
    ['new patients from a day to the end', { from: '2025-05-17', segment: 'new' }],
    ['returning patients of a specialty in 2025', { from: '2025-01-01', to: '2025-12-31', specialties: ['Cardiology'], segment: 'returning' }],
  ];
  it.each(segmentDrills)('a segment drills to exactly its bookings, in date order, page by page and as CSV: %s', async (_label, filter) => {
    const expected = filtered(filter).sort(byDateThenId);
    expect(expected.length, 'the filter keeps some bookings').toBeGreaterThan(0);
    const first = await drillPage(db(), 'healthtech', filter, 0, 700);
    const second = await drillPage(db(), 'healthtech', filter, 700, 700);
    expect(first.total).toBe(expected.length);
    expect([...first.rows, ...second.rows].map((r) => r.bookingId)).toEqual(expected.slice(0, 1400).map((r) => r.booking));
    const file = path.join(dir, 'segment.csv');
    expect(await exportDrill(db(), 'healthtech', filter, file)).toBe(expected.length);
    const [, ...csvRows] = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '').trim().split(/\r\n/);
    expect(csvRows.map((line) => line.split(',')[0])).toEqual(expected.map((r) => r.booking));
  });

  const visitFilters: [string, DashboardFilter][] = [
    ['no filter', {}],
    ['October 2025', { from: '2025-10-01', to: '2025-10-31' }],
    ['two doctors, cancelled only, returning from mid-2025', { doctorIds: [105, 110], statuses: ['cancelled'], from: '2025-06-01', segment: 'returning' }],
    ['new patients, everything loaded', { segment: 'new' }],
  ];
  it.each(visitFilters)('visit-count buckets drill to the bookings of exactly the patients counted: %s', async (_label, filter) => {
    const seg = await segments(db(), 'healthtech', filter);
    const buckets = { '1': seg.visitBuckets.one, '2-3': seg.visitBuckets.twoToThree, '4+': seg.visitBuckets.fourPlus } as const;
    let listed = 0;
    for (const visits of ['1', '2-3', '4+'] as const) {
      const drill: DrillFilter = { ...filter, visits };
      const expected = filtered(drill).sort(byDateThenId);
      const page = await drillPage(db(), 'healthtech', drill, 0, 1000);
      expect(page.total, `bookings of patients with ${visits} bookings`).toBe(expected.length);
      expect(page.rows.map((r) => [r.bookingId, r.patientId, r.bookingDate, r.status, r.sourceRow])).toEqual(
        expected.slice(0, 1000).map((r) => [r.booking, r.patient, r.date, r.status, r.sourceRow]),
      );
      expect(new Set(expected.map((r) => r.patient)).size, `patients with ${visits} bookings`).toBe(buckets[visits]);
      // Every patient listed has that many bookings in the filter (counted from the listed rows themselves).
      const perPatient = count(expected, (r) => r.patient);
      for (const n of perPatient.values()) expect(visits === '1' ? n === 1 : visits === '2-3' ? n >= 2 && n <= 3 : n >= 4).toBe(true);
      listed += expected.length;
    }
    // The three buckets together are every filtered booking.
    expect(listed).toBe(filtered(filter).length);

    const file = path.join(dir, 'visits.csv');
    const drill: DrillFilter = { ...filter, visits: '2-3' };
    expect(await exportDrill(db(), 'healthtech', drill, file)).toBe(filtered(drill).length);
    const [, ...csvRows] = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '').trim().split(/\r\n/);
    expect(csvRows.map((line) => line.split(',')[0])).toEqual(filtered(drill).sort(byDateThenId).map((r) => r.booking));
  });

  it('drill-through lists the filtered bookings with their source workbook and Excel row', async () => {
    const filter: DashboardFilter = { doctorIds: [105], statuses: ['cancelled'] };
    const expected = filtered(filter).sort(byDateThenId);
    const first = await drillPage(db(), 'healthtech', filter, 0, 5);
    expect(first.total).toBe(expected.length);
    expect(first.rows.map((r) => [r.bookingId, r.bookingDate, r.sourceRow, r.sourceFile])).toEqual(
      expected.slice(0, 5).map((r) => [r.booking, r.date, r.sourceRow, prepared.report.files.appointments.name]),
    );
    const file = path.join(dir, 'drill.csv');
    expect(await exportDrill(db(), 'healthtech', {}, file)).toBe(rows.length);
    const csv = (await readFile(file, 'utf8')).trim().split(/\r\n/);
    expect(csv).toHaveLength(rows.length + 1);
  });

  it('context: the run shown, the span and where most bookings are, the load-wide caveats', async () => {
    const context = await dashboardContext(db(), 'healthtech');
    expect(context.loaded).toBe(true);
    expect(context.caveats.rejected).toBe(prepared.report.counts.rejected);
    expect(context.caveats.suspiciousDates).toBe(prepared.report.counts.suspicious_dates);
    expect(context.caveats.suspiciousAfter).toBe('2026-11-01');
    const dates = rows.map((r) => r.date).sort();
    expect(context.span).toEqual({ from: dates[0], to: dates.at(-1) });
    const dense = context.denseSpan;
    expect(dense).not.toBeNull();
    const inside = dates.filter((d) => dense && d >= dense.from && d <= dense.to).length;
    expect((dense?.before ?? 0) + inside + (dense?.after ?? 0)).toBe(rows.length);
    // The generated bookings are drawn from 2024-01 to 2026-06; the fill-series runs years past it are left out.
    expect(dense?.from.slice(0, 4)).toBe('2024');
    expect((dense?.to ?? '').slice(0, 7) <= '2026-06').toBe(true);
    expect(dense?.after).toBeGreaterThan(0);
    // From the load's rollup of booking-day clusters: exactly the rule over the raw rows' days.
    expect(dense).toEqual(denseSpan([...count(rows, (r) => r.date)].map(([day, bookings]) => ({ day: String(day), bookings }))));
    // Marked as another run's, the cluster rollup is not read: the same context from the appointments.
    await pool.query(`COMMENT ON TABLE healthtech.booking_day_clusters IS 'stale'`);
    try {
      expect(await dashboardContext(db(), 'healthtech')).toEqual(context);
    } finally {
      await pool.query(`DO $$ BEGIN EXECUTE format('COMMENT ON TABLE healthtech.booking_day_clusters IS %L', obj_description('healthtech.appointments'::regclass, 'pg_class')); END $$`);
    }
  });

  it('the business questions panel runs queries.sql and agrees with the CLI answers', async () => {
    const { questions } = await answeredQuestions(db(), 'healthtech');
    const answers = await answerBusinessQuestions(pool, 'healthtech');
    expect(questions.map((q) => q.name)).toEqual(['q1_top_doctor', 'q2_patient_34_confirmed', 'q3_cancelled_oct_21_24', 'q4_confirmed_by_doctor']);
    expect(questions[0]?.rows).toEqual(answers.q1);
    expect(questions[1]?.rows[0]?.confirmed).toBe(answers.q2);
    expect(questions[2]?.rows[0]?.cancelled).toBe(answers.q3);
    expect(questions[3]?.rows).toEqual(answers.q4);
    expect(questions[0]?.sql).toContain('FROM appointments a');
  });
});
