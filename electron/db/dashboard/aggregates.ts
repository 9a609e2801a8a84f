/**
 * The dashboard's figures, each one SQL statement over the filtered bookings (see filter.ts), or
 * over the load's rollups when they answer the filter exactly (rollup.ts): the whole load, a
 * status, a segment, a date range for the trend and the totals, a doctor or a specialty for the
 * leaderboard; a segment over dates from the first-day rollups, as the whole range less its new
 * patients (firstDays.ts). Patient-level figures over the appointments group by patient along the covering
 * patient index: with hash aggregation off, PostgreSQL reads that index in order instead of
 * hashing a million rows (measured at a million rows: ~150 ms against ~500 ms).
 */
import type pg from 'pg';
import type { DashboardFilter, DenseSpan, Granularity, Kpis, Leaderboard, Segments, SpecialtyRow, Trend } from '../../../shared/contract';
import { quoteIdent } from '../identifiers';
import { doctorConditions, filterSql, isWholeLoad, previousRange } from './filter';
import { autoGranularity, bucketStart, denseSpan, denseSpanOfClusters } from './timeAxis';
import { num, rate, readOnly, timed, type DashboardDb } from './readOnly';
import { rollupAnswers, rollupsCurrent, rollupSql, whereOf, wholeMonths } from './rollup';
import { firstDaysAnswer, newPatientDoctors, newPatientFigures, returningPatientDoctors, segmentByDay, segmentByDoctor, withoutSegment } from './firstDays';
import { patientDaysAnswer, patientDaysTable, patientsInRange } from './patientDays';
import { groupHashed, rangeBookings, rangeSides, rangeVisitsAnswer, visitFigures, visitsInside, visitsOutside, VISIT_FIGURES, type VisitFigure } from './rangeVisits';
import { newByDayFromWhole, newByDoctorFromWhole, newPatientDoctorsFromWhole, newPatientFiguresFromWhole } from './newFromWhole';
import { binder } from './params';
import { bookingLagsAnswer, bookingLagSums, bookingLagsTables, visitFiguresOfLags } from './bookingLags';

const SORTED_GROUPING = ['enable_hashagg = off'];

/**
 * Key figures: independent statements, run at once on separate pooled connections (the
 * distinct-patient count is the slow one; the others finish while it runs).
 */
export function kpis(db: DashboardDb, schema: string, filter: DashboardFilter): Promise<Kpis> {
  const s = quoteIdent(schema);
  // The shown range's few-outside decision, for its totals, patients and doctors alike.
  const few: SharedFewOutside = {};
  const totals = (range?: { from?: string; to?: string }) =>
    readOnly(db, 'computing the key figures', async (client) => {
      // Rule 9's bounds come from the run date of the load shown (today when it has none).
      const shown = `WITH shown AS (SELECT coalesce((SELECT run_date FROM ${s}.etl_runs WHERE outcome = 'succeeded' ORDER BY run_id DESC LIMIT 1), current_date) + 365 AS suspicious_after)`;
      if (range) {
        // A previous period reaching past the first booking ever is not shown (see below): its
        // figures are not computed (a year's segment read ~1/3 of the kpis' CPU for them).
        const { rows } = await client.query<{ first_ever: string | null }>(`SELECT (SELECT min(booking_date) FROM ${s}.appointments)::text AS first_ever`);
        const firstEver = rows[0]?.first_ever;
        if (!firstEver || !range.from || range.from < firstEver) return null;
      }
      const ranged = range ? { ...filter, from: range.from, to: range.to } : filter;
      const days = await dayRows(client, schema, ranged, range ? undefined : few);
      if (days) {
        const { rows } = await client.query<Record<string, string | null>>(
          `${shown}
           SELECT sum(r.bookings) AS appointments, sum(r.bookings) FILTER (WHERE r.status = 'confirmed') AS confirmed,
                  sum(r.bookings) FILTER (WHERE r.status = 'cancelled') AS cancelled,
                  sum(r.bookings) FILTER (WHERE r.placeholder) AS placeholder_bookings,
                  sum(r.bookings) FILTER (WHERE r.booking_date < DATE '2000-01-01' OR r.booking_date > (SELECT suspicious_after FROM shown)) AS suspicious,
                  min(r.booking_date)::text AS span_from, max(r.booking_date)::text AS span_to,
                  (SELECT min(booking_date) FROM ${s}.appointments)::text AS first_ever
             FROM ${days.from}`,
          days.params,
        );
        return rows[0] ?? {};
      }
      const { where, params } = filterSql(s, filter, [], range);
      const { rows } = await client.query<Record<string, string | null>>(
        `${shown}
         SELECT count(*) AS appointments, count(*) FILTER (WHERE a.status = 'confirmed') AS confirmed,
                count(*) FILTER (WHERE a.status = 'cancelled') AS cancelled,
                count(*) FILTER (WHERE a.doctor_id IN (SELECT doctor_id FROM ${s}.doctors WHERE is_placeholder)) AS placeholder_bookings,
                count(*) FILTER (WHERE a.booking_date < DATE '2000-01-01' OR a.booking_date > (SELECT suspicious_after FROM shown)) AS suspicious,
                min(a.booking_date)::text AS span_from, max(a.booking_date)::text AS span_to,
                (SELECT min(booking_date) FROM ${s}.appointments)::text AS first_ever
           FROM ${s}.appointments a ${where}`,
        params,
      );
      return rows[0] ?? {};
    });
  const patients = async (f: DashboardFilter): Promise<number> => {
    // The whole view's count runs beside the new patients' (it is the slow one), for returning.
    const [fresh, whole] = await Promise.all([newPatients(db, schema, f, 'counting patients', few), f.segment === 'returning' && firstDaysAnswer(f) ? patients(withoutSegment(f)) : null]);
    if (fresh) return f.segment === 'new' ? num(fresh.patients) : (whole ?? 0) - num(fresh.patients);
    const fromPatientDays = await patientDays(db, schema, f, 'counting patients');
    if (fromPatientDays !== null) return fromPatientDays;
    const fromRollup = await byVisits(db, schema, f, 'counting patients', (where) => `SELECT sum(r.patients) AS patients FROM ${s}.patients_by_visits r ${where}`);
    if (fromRollup) return num(fromRollup.patients);
    const rows = await perPatientSlices(db, schema, f, 'counting patients', (where) => `SELECT count(*) AS patients FROM (SELECT a.patient_id FROM ${s}.appointments a ${where} GROUP BY a.patient_id) p`);
    return sumField(rows, 'patients');
  };
  const doctors = () =>
    readOnly(db, 'counting doctors', async (client) => {
      const current = await rollupsCurrent(client, schema);
      if (rollupAnswers('byDoctor', filter) && current) {
        const params: unknown[] = [];
        const { conditions } = rollupSql(schema, 'byDoctor', filter, params);
        const { rows } = await client.query<Record<string, string>>(
          `SELECT count(*) AS doctors, count(*) FILTER (WHERE d.is_placeholder) AS placeholders
             FROM ${s}.doctors d WHERE EXISTS (SELECT 1 FROM ${s}.appointments_by_doctor r ${whereOf([...conditions, 'r.doctor_id = d.doctor_id'])})`,
          params,
        );
        return { doctors: num(rows[0]?.doctors), placeholders: num(rows[0]?.placeholders) };
      }
      if (current && filter.segment === 'new' && firstDaysAnswer(filter)) {
        const params: unknown[] = [];
        const sql = (await fewOutside(client, schema, filter, few)) ? newPatientDoctorsFromWhole : newPatientDoctors;
        const { rows } = await client.query<Record<string, string>>(sql(schema, filter, params), params);
        return { doctors: num(rows[0]?.doctors), placeholders: num(rows[0]?.placeholders) };
      }
      if (current && filter.segment === 'returning' && firstDaysAnswer(filter)) {
        // A few thousand index probes and at most one range of the first-day rollup (see NO_PARALLEL).
        for (const setting of NO_PARALLEL) await client.query(`SET LOCAL ${setting}`);
        const params: unknown[] = [];
        const { rows } = await client.query<Record<string, string>>(returningPatientDoctors(schema, filter, params), params);
        return { doctors: num(rows[0]?.doctors), placeholders: num(rows[0]?.placeholders) };
      }
      if (current && !longRange(filter)) {
        // A date range's doctors from its whole months in the rollup and the days at either end
        // (or a segment's, as the range's less its new patients'): up to a year, fewer rollup
        // rows than the search per doctor below reads index entries (a month at a million
        // appointments: 8–13 against 13–18 ms of server CPU; a year about even).
        const { perDoctor, doctorsWithBookings, params, fromRollups } = perDoctorSql(schema, filter, current, firstDaysAnswer(filter) && (await fewOutside(client, schema, filter, few)));
        if (fromRollups) {
          for (const setting of NO_PARALLEL) await client.query(`SET LOCAL ${setting}`);
          const withBookings = doctorsWithBookings ?? `SELECT p.doctor_id FROM (${perDoctor}) p WHERE p.total > 0`;
          const { rows } = await client.query<Record<string, string>>(
            `SELECT count(*) AS doctors, count(*) FILTER (WHERE d.is_placeholder) AS placeholders
               FROM (${withBookings}) p JOIN ${s}.doctors d USING (doctor_id)`,
            params,
          );
          return { doctors: num(rows[0]?.doctors), placeholders: num(rows[0]?.placeholders) };
        }
      }
      // Each doctor's EXISTS stops at its first row in the filter; a segment's rows are decided
      // with one lookup per first-day row when the first-day rollup is current (filter.ts). The
      // main span at a million appointments: 2,780 searches along the doctor index, 43–47 against
      // 58–63 ms of server CPU for the call with the doctor-by-month rollup (~170k rows read).
      // Held to the searches: a hash semi-join would read every booking of the range.
      for (const setting of [...NO_PARALLEL, ...PER_DOCTOR_SEARCH]) await client.query(`SET LOCAL ${setting}`);
      const { where, params } = filterSql(s, filter, [], undefined, current);
      const { rows } = await client.query<Record<string, string>>(
        `SELECT count(*) AS doctors, count(*) FILTER (WHERE d.is_placeholder) AS placeholders
           FROM ${s}.doctors d WHERE EXISTS (SELECT 1 FROM ${s}.appointments a ${where ? `${where} AND` : 'WHERE'} a.doctor_id = d.doctor_id)`,
        params,
      );
      return { doctors: num(rows[0]?.doctors), placeholders: num(rows[0]?.placeholders) };
    });
  const range = filter.from && filter.to ? previousRange(filter.from, filter.to) : null;
  return timed(async () => {
    const [shown, patientCount, doctorCounts, before] = await Promise.all([totals(), patients(filter), doctors(), range ? totals(range) : Promise.resolve(null)]);
    const current = shown ?? {};
    const appointments = num(current.appointments);
    const previousAppointments = num(before?.appointments);
    // No period is named before the data starts: a previous period reaching past the first
    // booking ever is no comparison at all.
    const reachesBack = range !== null && !!current.first_ever && range.from >= current.first_ever;
    return {
      appointments,
      confirmed: num(current.confirmed),
      cancelled: num(current.cancelled),
      cancellationRate: rate(num(current.cancelled), appointments),
      uniquePatients: patientCount,
      doctors: doctorCounts.doctors,
      placeholderDoctors: doctorCounts.placeholders,
      placeholderBookings: num(current.placeholder_bookings),
      suspiciousBookings: num(current.suspicious),
      span: current.span_from && current.span_to ? { from: current.span_from, to: current.span_to } : null,
      previous:
        range && before && reachesBack
          ? { ...range, appointments: previousAppointments, confirmed: num(before.confirmed), cancelled: num(before.cancelled), cancellationRate: rate(num(before.cancelled), previousAppointments) }
          : null,
    };
  });
}

/**
 * Doctors ranked as question 4 ranks them (count desc, then id), every doctor of the
 * doctor/specialty filter included even at zero, so the default leaderboard *is* question 4. The
 * count is confirmed bookings, or cancelled ones when the filter is on Cancelled. When a filter
 * leaves bookings out, each row also carries the doctor's figures over all loaded data.
 */
export function leaderboard(db: DashboardDb, schema: string, filter: DashboardFilter, top: number): Promise<Leaderboard> {
  const s = quoteIdent(schema);
  const rankedBy: Leaderboard['rankedBy'] = filter.statuses?.length === 1 && filter.statuses[0] === 'cancelled' ? 'cancelled' : 'confirmed';
  const whole = isWholeLoad(filter);
  return timed(() =>
    readOnly(db, 'ranking the doctors', async (client) => {
      const rolled = await rollupsCurrent(client, schema);
      const few = rolled && firstDaysAnswer(filter) && (await fewOutside(client, schema, filter));
      const { perDoctor, params, fromRollups } = perDoctorSql(schema, filter, rolled, few);
      if (fromRollups) for (const setting of NO_PARALLEL) await client.query(`SET LOCAL ${setting}`);
      const doctorsWhere = doctorConditions(filter, params);
      const { rows } = await client.query<Record<string, string | number | boolean | null>>(
        `WITH per_doctor AS (${perDoctor}),
         ranked AS (
           SELECT d.doctor_id, d.name, d.specialty, d.is_placeholder, coalesce(p.total, 0) AS total,
                  coalesce(p.confirmed, 0) AS confirmed, coalesce(p.cancelled, 0) AS cancelled, count(*) OVER () AS doctors
             FROM ${s}.doctors d LEFT JOIN per_doctor p USING (doctor_id)
            ${doctorsWhere.length ? `WHERE ${doctorsWhere.join(' AND ')}` : ''}
            ORDER BY coalesce(p.${rankedBy}, 0) DESC, d.doctor_id
            LIMIT ${Math.max(1, Math.min(500, Math.trunc(top)))})
         SELECT r.*${whole ? '' : ', w.total AS all_total, w.confirmed AS all_confirmed, w.cancelled AS all_cancelled'}
           FROM ranked r
           ${
             whole
               ? ''
               : rolled
                 ? // One pass over the doctor rollup for the ranked few (it has no index: a lookup per
                   // row read all of its ~21k rows each time, ~3 ms a row at a million bookings).
                   `LEFT JOIN (SELECT x.doctor_id, sum(x.bookings) AS total, sum(x.bookings) FILTER (WHERE x.status = 'confirmed') AS confirmed,
                                      sum(x.bookings) FILTER (WHERE x.status = 'cancelled') AS cancelled
                                 FROM ${s}.appointments_by_doctor x WHERE x.doctor_id IN (SELECT doctor_id FROM ranked) GROUP BY x.doctor_id) w USING (doctor_id)`
                 : `CROSS JOIN LATERAL (SELECT count(*) AS total, count(*) FILTER (WHERE x.status = 'confirmed') AS confirmed,
                                               count(*) FILTER (WHERE x.status = 'cancelled') AS cancelled
                                          FROM ${s}.appointments x WHERE x.doctor_id = r.doctor_id) w`
           }
          ORDER BY r.${rankedBy} DESC, r.doctor_id`,
        params,
      );
      return {
        doctors: num(rows[0]?.doctors),
        rankedBy,
        rows: rows.map((row) => ({
          doctorId: num(row.doctor_id),
          name: String(row.name),
          specialty: (row.specialty as string | null) ?? null,
          placeholder: row.is_placeholder === true,
          total: num(row.total),
          confirmed: num(row.confirmed),
          cancelled: num(row.cancelled),
          cancellationRate: rate(num(row.cancelled), num(row.total)),
          allData: whole ? null : { total: num(row.all_total), confirmed: num(row.all_confirmed), cancelled: num(row.all_cancelled) },
        })),
      };
    }),
  );
}

/**
 * Bookings per day for the filter (straight off the date index, in order), then in TypeScript:
 * the axis is the days' dense span (timeAxis.ts), the granularity fits that span when asked for
 * 'auto', and the days inside it are summed into buckets. Bookings outside the span are counted
 * (`axis.before`, `axis.after`), never drawn.
 */
export function trend(db: DashboardDb, schema: string, filter: DashboardFilter, requested: Granularity | 'auto'): Promise<Trend> {
  const s = quoteIdent(schema);
  return timed(() =>
    readOnly(
      db,
      'computing the trend',
      async (client) => {
        let rows: { day: string; confirmed: string | null; cancelled: string | null }[];
        const days = await dayRows(client, schema, filter);
        // The whole load's axis is the load's own, from its runs of booking days (as the context
        // reads it): then only the days of that span are read and received. Outliers make most of
        // the days (19.8k at a million appointments, ~1k of them in the span), and receiving and
        // clustering them all cost more than the query itself.
        const wholeAxis = days && isWholeLoad(filter) ? await loadAxis(client, schema) : undefined;
        if (days && wholeAxis !== undefined) {
          const params = [...days.params];
          ({ rows } = wholeAxis
            ? await client.query(
                `SELECT r.booking_date::text AS day, sum(r.bookings) FILTER (WHERE r.status = 'confirmed') AS confirmed,
                        sum(r.bookings) FILTER (WHERE r.status = 'cancelled') AS cancelled
                   FROM ${days.from} GROUP BY r.booking_date
                 HAVING r.booking_date BETWEEN $${params.push(wholeAxis.from)}::date AND $${params.push(wholeAxis.to)}::date ORDER BY r.booking_date`,
                params,
              )
            : { rows: [] });
        } else if (days) {
          ({ rows } = await client.query(
            `SELECT r.booking_date::text AS day, sum(r.bookings) FILTER (WHERE r.status = 'confirmed') AS confirmed,
                    sum(r.bookings) FILTER (WHERE r.status = 'cancelled') AS cancelled
               FROM ${days.from} GROUP BY r.booking_date ORDER BY r.booking_date`,
            days.params,
          ));
        } else {
          // Over the appointments, grouped along the date index (the rollups' few rows hash faster).
          for (const setting of SORTED_GROUPING) await client.query(`SET LOCAL ${setting}`);
          const { where, params } = filterSql(s, filter);
          ({ rows } = await client.query(
            `SELECT a.booking_date::text AS day, count(*) FILTER (WHERE a.status = 'confirmed') AS confirmed,
                    count(*) FILTER (WHERE a.status = 'cancelled') AS cancelled
               FROM ${s}.appointments a ${where} GROUP BY a.booking_date ORDER BY a.booking_date`,
            params,
          ));
        }
        const axis = wholeAxis !== undefined ? wholeAxis : denseSpan(rows.map((row) => ({ day: row.day, bookings: num(row.confirmed) + num(row.cancelled) })));
        const granularity: Granularity = requested !== 'auto' ? requested : axis ? autoGranularity(axis.from, axis.to) : 'day';
        const buckets = new Map<string, { confirmed: number; cancelled: number }>();
        for (const row of rows) {
          if (!axis || row.day < axis.from || row.day > axis.to) continue;
          const period = bucketStart(row.day, granularity);
          const bucket = buckets.get(period) ?? { confirmed: 0, cancelled: 0 };
          bucket.confirmed += num(row.confirmed);
          bucket.cancelled += num(row.cancelled);
          buckets.set(period, bucket);
        }
        return {
          granularity,
          axis,
          // Days come in order, so their buckets do too.
          points: [...buckets].map(([period, { confirmed, cancelled }]) => ({ period, confirmed, cancelled, cancellationRate: rate(cancelled, confirmed + cancelled) })),
        };
      },
    ),
  );
}

/** The dense span of every loaded booking from the booking-day rollup; undefined when it is not current. */
async function loadAxis(client: pg.ClientBase, schema: string): Promise<DenseSpan | null | undefined> {
  if (!(await rollupsCurrent(client, schema, ['booking_day_clusters']))) return undefined;
  const { rows } = await client.query<{ first: string; last: string; bookings: number }>(
    `SELECT first_day::text AS first, last_day::text AS last, bookings FROM ${quoteIdent(schema)}.booking_day_clusters ORDER BY first_day`,
  );
  return denseSpanOfClusters(rows.map((c) => ({ first: c.first, last: c.last, bookings: num(c.bookings) })));
}

export function specialties(db: DashboardDb, schema: string, filter: DashboardFilter): Promise<{ rows: SpecialtyRow[]; ms: number }> {
  const s = quoteIdent(schema);
  return timed(() =>
    readOnly(db, 'grouping by specialty', async (client) => {
      const current = await rollupsCurrent(client, schema);
      const few = current && firstDaysAnswer(filter) && (await fewOutside(client, schema, filter));
      const { perDoctor, params, fromRollups } = perDoctorSql(schema, filter, current, few);
      if (fromRollups) for (const setting of NO_PARALLEL) await client.query(`SET LOCAL ${setting}`);
      const { rows } = await client.query<Record<string, string | null>>(
        `WITH per_doctor AS (${perDoctor})
         SELECT d.specialty, count(*) AS doctors, sum(p.total) AS total, sum(p.confirmed) AS confirmed, sum(p.cancelled) AS cancelled
           FROM per_doctor p JOIN ${s}.doctors d USING (doctor_id)
          GROUP BY d.specialty ORDER BY sum(p.total) DESC, d.specialty`,
        params,
      );
      return {
        rows: rows.map((row) => ({
          specialty: row.specialty ?? null,
          doctors: num(row.doctors),
          appointments: num(row.total),
          confirmed: num(row.confirmed),
          cancelled: num(row.cancelled),
          cancellationRate: rate(num(row.cancelled), num(row.total)),
        })),
      };
    }),
  );
}

export function segments(db: DashboardDb, schema: string, filter: DashboardFilter): Promise<Segments> {
  return timed(async () => {
    const ofRange = await rangeSegments(db, schema, filter);
    if (ofRange) return ofRange;
    const [fresh, wholeView] = await Promise.all([
      newPatients(db, schema, filter, 'computing the patient segments'),
      filter.segment === 'returning' && firstDaysAnswer(filter) ? segmentFigures(db, schema, withoutSegment(filter)) : null,
    ]);
    if (!fresh) return segmentFigures(db, schema, filter);
    const visitBuckets = { one: num(fresh.one), twoToThree: num(fresh.two_to_three), fourPlus: num(fresh.four_plus) };
    if (filter.segment === 'new') {
      const patients = num(fresh.patients);
      return { patients, newPatients: patients, returningPatients: 0, visitBuckets, repeatedCancellations: num(fresh.repeated_cancellations) };
    }
    // Returning: every patient of the view without the segment, less the new ones.
    const whole = wholeView ?? (await segmentFigures(db, schema, withoutSegment(filter)));
    const patients = whole.patients - num(fresh.patients);
    return {
      patients,
      newPatients: 0,
      returningPatients: patients,
      visitBuckets: {
        one: whole.visitBuckets.one - visitBuckets.one,
        twoToThree: whole.visitBuckets.twoToThree - visitBuckets.twoToThree,
        fourPlus: whole.visitBuckets.fourPlus - visitBuckets.fourPlus,
      },
      repeatedCancellations: whole.repeatedCancellations - num(fresh.repeated_cancellations),
    };
  });
}

/**
 * The segments of a date range without doctors (all patients or the returning ones), from its
 * visit figures grouped on the smaller side of the range (rangeVisits.ts): inside, the segment
 * is decided in the same pass; outside, the new patients come from the first-day rollup
 * (firstDays.ts) and the returning ones are the rest. Null when the rollups are not current, or
 * for the new patients (the first-day rollup holds all of their figures).
 */
async function rangeSegments(db: DashboardDb, schema: string, filter: DashboardFilter): Promise<Omit<Segments, 'ms'> | null> {
  const view = withoutSegment(filter);
  if (!rangeVisitsAnswer(view) || filter.segment === 'new') return null;
  const during = 'computing the patient segments';
  const returning = filter.segment === 'returning';
  const sides = await readOnly(
    db,
    during,
    async (client) => {
      const read = await readSides(client, schema, view);
      if (!read) return null;
      if (read.fewOutside) return { fewOutside: true, hashed: false, bounds: [] };
      // The inside side next: how it groups, and the patient slices' bounds, in the same transaction.
      const counted: unknown[] = [];
      const { rows: held } = await client.query<{ bookings: string }>(rangeBookings(schema, view, counted), counted);
      const hashed = groupHashed(num(held[0]?.bookings), read.total);
      return { fewOutside: false, hashed, bounds: hashed ? [] : await sliceBounds(client, schema) };
    },
    NO_PARALLEL,
  );
  if (!sides) return null;
  const figures = (of: Record<VisitFigure, number>, returningPatients: number): Omit<Segments, 'ms'> => ({
    patients: of.patients,
    newPatients: returning ? 0 : of.patients - returningPatients,
    returningPatients: returning ? of.patients : returningPatients,
    visitBuckets: { one: of.one, twoToThree: of.two_to_three, fourPlus: of.four_plus },
    repeatedCancellations: of.repeated_cancellations,
  });
  // A booking outside costs its patient's other bookings too (about three a patient at a million).
  if (sides.hashed) {
    const row = await readOnly(
      db,
      during,
      async (client) => {
        const { where, params } = filterSql(quoteIdent(schema), view);
        const { rows } = await client.query<Record<string, string>>(visitsInside(schema, where, returning), params);
        return rows[0] ?? {};
      },
      NO_PARALLEL,
    );
    return figures(Object.fromEntries(VISIT_FIGURES.map((f) => [f, num(row[f])])) as Record<VisitFigure, number>, num(row.returning_patients));
  }
  if (!sides.fewOutside && bookingLagsAnswer(view)) {
    // Sums over the rollups (bookingLags.ts) beside the new patients (firstDays.ts), when current.
    const [lagged, fresh] = await Promise.all([
      readOnly(
        db,
        during,
        async (client) => {
          if (!(await rollupsCurrent(client, schema)) || !(await rollupsCurrent(client, schema, bookingLagsTables(view)))) return null;
          const params: unknown[] = [];
          const { rows } = await client.query<Record<string, string>>(bookingLagSums(schema, view, params), params);
          return rows[0] ?? {};
        },
        NO_PARALLEL,
      ),
      // The range's sides were decided above: not few outside.
      newPatients(db, schema, { ...filter, segment: 'new' }, during, { decided: Promise.resolve(false) }),
    ]);
    if (lagged && fresh) {
      const range = visitFiguresOfLags(view, lagged);
      const of = (f: VisitFigure) => num(fresh[f]);
      if (!returning) return figures(range, range.patients - of('patients'));
      return figures(Object.fromEntries(VISIT_FIGURES.map((f) => [f, range[f] - of(f)])) as Record<VisitFigure, number>, 0);
    }
  }
  if (!sides.fewOutside) {
    const rows = await perPatientSlices(db, schema, view, during, (where) => visitsInside(schema, where, returning), sides.bounds);
    return figures(Object.fromEntries(VISIT_FIGURES.map((f) => [f, sumField(rows, f)])) as Record<VisitFigure, number>, sumField(rows, 'returning_patients'));
  }
  const [fresh, whole, moved] = await Promise.all([
    // The range's sides were decided above.
    newPatients(db, schema, { ...filter, segment: 'new' }, during, { decided: Promise.resolve(true) }),
    byVisits(
      db,
      schema,
      filter.statuses ? { statuses: filter.statuses } : {},
      during,
      (where, sql) => `SELECT ${visitFigures(sql.visits(), sql.cancels(), { weight: 'r.patients' })} FROM ${quoteIdent(schema)}.patients_by_visits r ${where}`,
    ),
    readOnly(
      db,
      during,
      async (client) => {
        const params: unknown[] = [];
        const { rows } = await client.query<Record<string, string>>(visitsOutside(schema, view, params), params);
        return rows[0] ?? {};
      },
      NO_PARALLEL,
    ),
  ]);
  if (!fresh || !whole) return null;
  const of = (row: Record<string, string>, f: VisitFigure) => num(row[f]);
  const range = Object.fromEntries(VISIT_FIGURES.map((f) => [f, of(whole, f) - num(moved[`all_${f}`]) + num(moved[`in_${f}`])])) as Record<VisitFigure, number>;
  if (!returning) return figures(range, range.patients - of(fresh, 'patients'));
  return figures(Object.fromEntries(VISIT_FIGURES.map((f) => [f, range[f] - of(fresh, f)])) as Record<VisitFigure, number>, 0);
}

const OUTSIDE_COST = 4;

/**
 * Whether a range's new patients are read as the whole load's corrected for the patients with
 * bookings outside the range (newFromWhole.ts) rather than from the range's first days: when the
 * range leaves few bookings out, by the same measure as its visit figures (rangeVisits.ts). Then
 * the rest of the transaction runs without parallel workers. A call's transactions run at once
 * and ask the same question of the same range: `shared` (sharedFewOutside) has the first to ask
 * decide it and the others wait for that answer instead of asking again.
 */
async function fewOutside(client: pg.ClientBase, schema: string, filter: DashboardFilter, shared?: SharedFewOutside): Promise<boolean> {
  const few = await (shared ? (shared.decided ??= decideFewOutside(client, schema, filter)) : decideFewOutside(client, schema, filter));
  // Its statement reads a few thousand rollup rows and index entries (see NO_PARALLEL).
  if (few) for (const setting of NO_PARALLEL) await client.query(`SET LOCAL ${setting}`);
  return few;
}

async function decideFewOutside(client: pg.ClientBase, schema: string, filter: DashboardFilter): Promise<boolean> {
  return (await readSides(client, schema, filter))?.fewOutside ?? false;
}

/**
 * Which side of the filter's range to group by patient (rangeVisits.ts's rangeSides): whether it
 * leaves few bookings out, and the load's bookings; null without dates or current rollups.
 */
async function readSides(client: pg.ClientBase, schema: string, filter: DashboardFilter): Promise<{ fewOutside: boolean; total: number } | null> {
  if (!(filter.from || filter.to) || !(await rollupsCurrent(client, schema, ['booking_day_clusters']))) return null;
  const params: unknown[] = [];
  const { rows } = await client.query<{ outside: string; inside: string; total: string }>(rangeSides(schema, filter, params), params);
  return { fewOutside: num(rows[0]?.outside) * OUTSIDE_COST < num(rows[0]?.inside), total: num(rows[0]?.total) };
}

/**
 * One call's few-outside decision for its filter's range, made once (by whichever transaction
 * asks first: no round trip is added in front of the others) and shared by its transactions.
 * The key figures asked it up to three times a call, once in each of their parallel transactions.
 * Deciding in another transaction than the one it serves is safe: the choice changes what is
 * read, never a figure.
 */
interface SharedFewOutside {
  decided?: Promise<boolean>;
}

/**
 * The segments' figures from the visits rollup or the appointments (decided over the filter
 * itself). The rollup's rows with no booking in the view are already left out by its conditions
 * (rollupSql), and every patient grouped from the appointments has one, so `patients` counts the
 * same patients as the visit buckets do either way.
 */
async function segmentFigures(db: DashboardDb, schema: string, filter: DashboardFilter): Promise<Omit<Segments, 'ms'>> {
  const s = quoteIdent(schema);
  const fromRollup = await byVisits(
    db,
    schema,
    filter,
    'computing the patient segments',
    (where, sql) => `SELECT ${visitFigures(sql.visits(), sql.cancels(), { weight: 'r.patients' })}, sum(r.patients) FILTER (WHERE ${sql.returning()}) AS returning_patients
                       FROM ${s}.patients_by_visits r ${where}`,
  );
  const rows = fromRollup ? [fromRollup] : await perPatientSlices(db, schema, filter, 'computing the patient segments', (where) => visitsInside(schema, where, false));
  const patients = sumField(rows, 'patients');
  const returningPatients = sumField(rows, 'returning_patients');
  return {
    patients,
    newPatients: patients - returningPatients,
    returningPatients,
    visitBuckets: { one: sumField(rows, 'one'), twoToThree: sumField(rows, 'two_to_three'), fourPlus: sumField(rows, 'four_plus') },
    repeatedCancellations: sumField(rows, 'repeated_cancellations'),
  };
}

/**
 * Bookings per doctor for the filter (doctor_id, total, confirmed, cancelled): from the doctor
 * rollup when it answers the filter; for a date range holding whole months, those months from the
 * doctor-by-month rollup and the days at either end from the appointments; else from the
 * appointments. `current`: the rollups belong to the appointments beside them; `few`: the range
 * leaves few bookings out (fewOutside), so a segment's new patients per doctor are the whole
 * load's, corrected (newFromWhole.ts), instead of the range's first-day bookings.
 */
function perDoctorSql(schema: string, filter: DashboardFilter, current: boolean, few = false): PerDoctor {
  const s = quoteIdent(schema);
  if (current && firstDaysAnswer(filter)) {
    const whole = filter.segment === 'new' ? null : perDoctorSql(schema, withoutSegment(filter), current);
    const fromWhole = few ? (into: unknown[]) => newByDoctorFromWhole(schema, filter, into) : undefined;
    return { ...segmentByDoctor(schema, filter, whole, fromWhole), fromRollups: whole?.fromRollups ?? true };
  }
  // A doctor's own bookings come straight off the doctor index: no rollup is faster.
  const months = current && (filter.segment ?? 'all') === 'all' && !filter.doctorIds?.length && (filter.from || filter.to) ? wholeMonths(filter.from, filter.to) : null;
  if (months) {
    const params: unknown[] = [];
    const bind = binder(params);
    const shared: string[] = [];
    if (filter.statuses?.length) shared.push(`x.status = ANY(${bind(filter.statuses)}::text[])`);
    if (filter.doctorIds?.length) shared.push(`x.doctor_id = ANY(${bind(filter.doctorIds)}::int[])`);
    if (filter.specialties?.length) shared.push(`x.doctor_id IN (SELECT doctor_id FROM ${s}.doctors WHERE coalesce(specialty, '') = ANY(${bind(filter.specialties)}::text[]))`);
    const inMonths = [...shared];
    if (months.first) inMonths.push(`x.month >= ${bind(months.first)}::date`);
    if (months.last) inMonths.push(`x.month <= ${bind(months.last)}::date`);
    // The days of the range outside its whole months: before the first, after the last. Each end
    // is its own range of the date index, read index-only: as one OR of the two, PostgreSQL
    // combined two bitmaps and read the table's pages (a year at a million rows: ~90 of the
    // ~250 ms, with parallel workers that took longer to start than the ~30k rows took to read).
    const ends: string[] = [];
    if (filter.from && months.first && filter.from < months.first) ends.push(`x.booking_date >= ${bind(filter.from)}::date AND x.booking_date < ${bind(months.first)}::date`);
    if (filter.to && months.last) ends.push(`x.booking_date >= (${bind(months.last)}::date + interval '1 month')::date AND x.booking_date <= ${bind(filter.to)}::date`);
    const count = (status: string) => `count(*) FILTER (WHERE x.status = '${status}')`;
    const parts = [
      `SELECT x.doctor_id, sum(x.bookings) AS total, sum(x.bookings) FILTER (WHERE x.status = 'confirmed') AS confirmed, sum(x.bookings) FILTER (WHERE x.status = 'cancelled') AS cancelled
         FROM ${s}.appointments_by_doctor_month x ${whereOf(inMonths)} GROUP BY x.doctor_id`,
      ...ends.map(
        (end) => `SELECT x.doctor_id, count(*) AS total, ${count('confirmed')} AS confirmed, ${count('cancelled')} AS cancelled
              FROM ${s}.appointments x ${whereOf([...shared, end])} GROUP BY x.doctor_id`,
      ),
    ];
    // Every rollup row and every end's group holds a booking: a doctor with any has bookings. The
    // rollup has a row per doctor, month and status: the UNION with the ends keeps each doctor
    // once, and without ends (whole months only, an open end) DISTINCT does.
    const withBookings = [
      `SELECT ${ends.length ? '' : 'DISTINCT '}x.doctor_id FROM ${s}.appointments_by_doctor_month x ${whereOf(inMonths)}`,
      ...ends.map((end) => `SELECT x.doctor_id FROM ${s}.appointments x ${whereOf([...shared, end])}`),
    ];
    return {
      perDoctor: `SELECT p.doctor_id, sum(p.total) AS total, sum(p.confirmed) AS confirmed, sum(p.cancelled) AS cancelled
                    FROM (${parts.join(' UNION ALL ')}) p GROUP BY p.doctor_id`,
      doctorsWithBookings: withBookings.join(' UNION '),
      params,
      fromRollups: true,
    };
  }
  if (current && rollupAnswers('byDoctor', filter)) {
    const params: unknown[] = [];
    const { conditions } = rollupSql(schema, 'byDoctor', filter, params);
    return {
      perDoctor: `SELECT r.doctor_id, sum(r.bookings) AS total, sum(r.bookings) FILTER (WHERE r.status = 'confirmed') AS confirmed,
                         sum(r.bookings) FILTER (WHERE r.status = 'cancelled') AS cancelled
                    FROM ${s}.appointments_by_doctor r ${whereOf(conditions)} GROUP BY r.doctor_id`,
      params,
      fromRollups: true,
    };
  }
  const { where, params } = filterSql(s, filter);
  return {
    perDoctor: `SELECT a.doctor_id, count(*) AS total, count(*) FILTER (WHERE a.status = 'confirmed') AS confirmed,
                       count(*) FILTER (WHERE a.status = 'cancelled') AS cancelled
                  FROM ${s}.appointments a ${where} GROUP BY a.doctor_id`,
    params,
    fromRollups: false,
  };
}

/**
 * Bookings per doctor as SQL (doctor_id, total, confirmed, cancelled: doctors without any may be
 * left out or carry a total of 0). `fromRollups`: read from the rollups and at most a few weeks
 * of the date index, never a scan of the appointments; such reads run without parallel workers
 * (see NO_PARALLEL).
 */
interface PerDoctor {
  perDoctor: string;
  /**
   * The doctors with a booking (doctor_id), when that is cheaper than their sums: for the key
   * figures' doctor count over a range's whole months (a year at a million appointments with one
   * status, ~15 against ~20 ms of server CPU: no sums per doctor and status).
   */
  doctorsWithBookings?: string;
  params: unknown[];
  fromRollups: boolean;
}

/**
 * Queries that read a few thousand rollup rows and index entries: PostgreSQL's parallel plans for
 * them spent more starting their workers (40–70 ms on the shared 2-core machine) than reading.
 */
const NO_PARALLEL = ['max_parallel_workers_per_gather = 0'];

/** A search per doctor (a nested loop along the doctor index), whatever the range's estimates. */
const PER_DOCTOR_SEARCH = ['enable_hashjoin = off', 'enable_mergejoin = off'];

/**
 * Whether a date range is longer than a year (open-ended included): its doctors are then found
 * by a search per doctor rather than from the doctor-by-month rollup (see kpis).
 */
const ROLLUP_MONTHS_AT_MOST = 12;
function longRange(filter: DashboardFilter): boolean {
  if (!(filter.from || filter.to)) return false;
  const months = wholeMonths(filter.from, filter.to);
  if (!months) return false;
  if (months.first === null || months.last === null) return true;
  const index = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7));
  return index(months.last) - index(months.first) + 1 > ROLLUP_MONTHS_AT_MOST;
}

/**
 * The filter's bookings per day × status × placeholder doctor from the rollups, as a FROM item
 * (alias `r`: booking_date, status, placeholder, bookings) with its parameters; null when the
 * rollups do not answer the filter or are not current. `few`: the call's decision for this range,
 * when its other transactions share it (SharedFewOutside).
 */
export async function dayRows(client: pg.ClientBase, schema: string, filter: DashboardFilter, few?: SharedFewOutside): Promise<{ from: string; params: unknown[] } | null> {
  const byDay = rollupAnswers('byDay', filter);
  if (!(byDay || firstDaysAnswer(filter)) || !(await rollupsCurrent(client, schema))) return null;
  const s = quoteIdent(schema);
  const params: unknown[] = [];
  if (byDay) {
    const { conditions } = rollupSql(schema, 'byDay', filter, params);
    return { from: `${s}.appointments_by_day r ${whereOf(conditions)}`, params };
  }
  const whole = (into: unknown[]) =>
    `SELECT r.booking_date, r.status, r.placeholder, sum(r.bookings) AS bookings
       FROM ${s}.appointments_by_day r ${whereOf(rollupSql(schema, 'byDay', withoutSegment(filter), into).conditions)} GROUP BY 1, 2, 3`;
  const fresh = (await fewOutside(client, schema, filter, few)) ? (into: unknown[]) => newByDayFromWhole(schema, filter, into) : undefined;
  return { from: `(${segmentByDay(schema, filter, whole, params, fresh)}) r`, params };
}

/**
 * The new patients' figures of a segment over dates (firstDays.ts), when the rollups answer it;
 * null otherwise. `few`: the call's decision for this range, when shared (SharedFewOutside).
 */
async function newPatients(db: DashboardDb, schema: string, filter: DashboardFilter, during: string, few?: SharedFewOutside): Promise<Record<string, string> | null> {
  if (!firstDaysAnswer(filter)) return null;
  // One index range of ~100k rows at most: parallel workers took longer to start (40–70 ms on
  // the shared 2-core machine) than the scan itself (~30 ms), and it runs beside the slow count.
  return readOnly(
    db,
    during,
    async (client) => {
      if (!(await rollupsCurrent(client, schema))) return null;
      const params: unknown[] = [];
      const sql = (await fewOutside(client, schema, filter, few)) ? newPatientFiguresFromWhole : newPatientFigures;
      const { rows } = await client.query<Record<string, string>>(sql(schema, filter, params), params);
      return rows[0] ?? {};
    },
    ['max_parallel_workers_per_gather = 0'],
  );
}

/** The filter's distinct patients from a patient-day rollup (patientDays.ts), when one answers and is current; null otherwise. */
async function patientDays(db: DashboardDb, schema: string, filter: DashboardFilter, during: string): Promise<number | null> {
  if (!patientDaysAnswer(filter)) return null;
  return readOnly(db, during, async (client) => {
    if (!(await rollupsCurrent(client, schema, [patientDaysTable(filter)]))) return null;
    const params: unknown[] = [];
    const { rows } = await client.query<{ patients: string }>(patientsInRange(schema, filter, params), params);
    return num(rows[0]?.patients);
  });
}

/** A per-patient figure from the visits rollup, when it answers the filter and is current; null otherwise. */
async function byVisits(
  db: DashboardDb,
  schema: string,
  filter: DashboardFilter,
  during: string,
  build: (where: string, sql: ReturnType<typeof rollupSql>) => string,
): Promise<Record<string, string> | null> {
  if (!rollupAnswers('byVisits', filter)) return null;
  return readOnly(db, during, async (client) => {
    if (!(await rollupsCurrent(client, schema))) return null;
    const params: unknown[] = [];
    const sql = rollupSql(schema, 'byVisits', filter, params);
    const { rows } = await client.query<Record<string, string>>(build(whereOf(sql.conditions), sql), params);
    return rows[0] ?? {};
  });
}

/**
 * Per-patient figures, computed over disjoint ranges of patient ids at once (one connection
 * each) and summed: every figure here is a count of patients, so the slices add up exactly.
 * PostgreSQL's own parallel plans gain nothing on these grouped index scans (measured); two
 * slices on two cores roughly halve the time of the slowest dashboard queries.
 */
async function perPatientSlices(
  db: DashboardDb,
  schema: string,
  filter: DashboardFilter,
  during: string,
  build: (where: string, params: unknown[]) => string,
  planned?: string[],
): Promise<Record<string, string>[]> {
  const s = quoteIdent(schema);
  const bounds = planned ?? (await patientSliceBounds(db, schema));
  const slices = [null, ...bounds].map((low, i, all) => ({ low, high: all[i + 1] ?? null }));
  return Promise.all(
    slices.map(({ low, high }) =>
      readOnly(
        db,
        during,
        async (client) => {
          const { where, params } = filterSql(s, filter);
          const extra: string[] = [];
          if (low !== null) extra.push(`a.patient_id >= $${params.push(low)}::bigint`);
          if (high !== null) extra.push(`a.patient_id < $${params.push(high)}::bigint`);
          const sliced = extra.length === 0 ? where : where ? `${where} AND ${extra.join(' AND ')}` : `WHERE ${extra.join(' AND ')}`;
          const { rows } = await client.query<Record<string, string>>(build(sliced, params), params);
          return rows[0] ?? {};
        },
        SORTED_GROUPING,
      ),
    ),
  );
}

/** Where to cut the patient ids: the middle of the column's histogram (from ANALYZE). */
async function patientSliceBounds(db: DashboardDb, schema: string): Promise<string[]> {
  return readOnly(db, 'planning the patient slices', (client) => sliceBounds(client, schema));
}

async function sliceBounds(client: pg.ClientBase, schema: string): Promise<string[]> {
  const { rows } = await client.query<{ bound: string | null }>(
    `SELECT (histogram_bounds::text::bigint[])[array_length(histogram_bounds::text::bigint[], 1) / 2 + 1]::text AS bound
       FROM pg_stats WHERE schemaname = $1 AND tablename = 'appointments' AND attname = 'patient_id'`,
    [schema],
  );
  const bound = rows[0]?.bound;
  return bound ? [bound] : [];
}

function sumField(rows: Record<string, string>[], field: string): number {
  return rows.reduce((total, row) => total + num(row[field]), 0);
}
