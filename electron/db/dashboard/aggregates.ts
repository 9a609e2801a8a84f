/**
 * The dashboard's figures, each one SQL statement over the filtered bookings (see filter.ts).
 * Patient-level figures group by patient along the covering patient index: with hash aggregation
 * off, PostgreSQL reads that index in order instead of hashing a million rows (measured at a
 * million rows: ~150 ms against ~500 ms).
 */
import type { DashboardFilter, Granularity, Kpis, Leaderboard, Segments, SpecialtyRow, Trend } from '../../../shared/contract';
import { quoteIdent } from '../identifiers';
import { autoGranularity, filterSql, previousRange } from './filter';
import { num, rate, readOnly, timed, type DashboardDb } from './readOnly';

const SORTED_GROUPING = ['enable_hashagg = off'];

export function kpis(db: DashboardDb, schema: string, filter: DashboardFilter): Promise<Kpis> {
  const s = quoteIdent(schema);
  return timed(() =>
    readOnly(
      db,
      'computing the key figures',
      async (client) => {
        const totals = async (range?: { from?: string; to?: string }) => {
          const { where, params } = filterSql(s, filter, [], range);
          const { rows } = await client.query<Record<string, string | null>>(
            `SELECT coalesce(sum(n), 0) AS appointments, coalesce(sum(c), 0) AS confirmed, coalesce(sum(x), 0) AS cancelled, count(*) AS patients,
                    min(first)::text AS span_from, max(last)::text AS span_to
               FROM (SELECT a.patient_id, count(*) AS n, count(*) FILTER (WHERE a.status = 'confirmed') AS c,
                            count(*) FILTER (WHERE a.status = 'cancelled') AS x, min(a.booking_date) AS first, max(a.booking_date) AS last
                       FROM ${s}.appointments a ${where} GROUP BY a.patient_id) p`,
            params,
          );
          return rows[0] ?? {};
        };
        const current = await totals();
        const { where, params } = filterSql(s, filter);
        const doctors = await client.query<Record<string, string>>(
          `SELECT count(*) AS doctors, count(*) FILTER (WHERE d.is_placeholder) AS placeholders
             FROM ${s}.doctors d WHERE EXISTS (SELECT 1 FROM ${s}.appointments a ${where ? `${where} AND` : 'WHERE'} a.doctor_id = d.doctor_id)`,
          params,
        );
        let previous: Kpis['previous'] = null;
        if (filter.from && filter.to) {
          const range = previousRange(filter.from, filter.to);
          const before = await totals(range);
          const appointments = num(before.appointments);
          previous = { ...range, appointments, confirmed: num(before.confirmed), cancelled: num(before.cancelled), cancellationRate: rate(num(before.cancelled), appointments) };
        }
        const appointments = num(current.appointments);
        return {
          appointments,
          confirmed: num(current.confirmed),
          cancelled: num(current.cancelled),
          cancellationRate: rate(num(current.cancelled), appointments),
          uniquePatients: num(current.patients),
          doctors: num(doctors.rows[0]?.doctors),
          placeholderDoctors: num(doctors.rows[0]?.placeholders),
          span: current.span_from && current.span_to ? { from: current.span_from, to: current.span_to } : null,
          previous,
        };
      },
      SORTED_GROUPING,
    ),
  );
}

export function leaderboard(db: DashboardDb, schema: string, filter: DashboardFilter, top: number): Promise<Leaderboard> {
  const s = quoteIdent(schema);
  return timed(() =>
    readOnly(db, 'ranking the doctors', async (client) => {
      const { where, params } = filterSql(s, filter);
      const { rows } = await client.query<Record<string, string | number | boolean | null>>(
        `WITH per_doctor AS (
           SELECT a.doctor_id, count(*) AS total, count(*) FILTER (WHERE a.status = 'confirmed') AS confirmed,
                  count(*) FILTER (WHERE a.status = 'cancelled') AS cancelled
             FROM ${s}.appointments a ${where} GROUP BY a.doctor_id)
         SELECT p.*, d.name, d.specialty, d.is_placeholder, count(*) OVER () AS doctors
           FROM per_doctor p JOIN ${s}.doctors d USING (doctor_id)
          ORDER BY p.confirmed DESC, p.doctor_id
          LIMIT ${Math.max(1, Math.min(500, Math.trunc(top)))}`,
        params,
      );
      return {
        doctors: num(rows[0]?.doctors),
        rows: rows.map((row) => ({
          doctorId: num(row.doctor_id),
          name: String(row.name),
          specialty: (row.specialty as string | null) ?? null,
          placeholder: row.is_placeholder === true,
          total: num(row.total),
          confirmed: num(row.confirmed),
          cancelled: num(row.cancelled),
          cancellationRate: rate(num(row.cancelled), num(row.total)),
        })),
      };
    }),
  );
}

export function trend(db: DashboardDb, schema: string, filter: DashboardFilter, requested: Granularity | 'auto'): Promise<Trend> {
  const s = quoteIdent(schema);
  return timed(() =>
    readOnly(db, 'computing the trend', async (client) => {
      let granularity: Granularity = requested === 'auto' ? 'month' : requested;
      if (requested === 'auto') {
        // An open end of the range is the data's own first or last day (two index probes).
        const { rows: ends } = await client.query<{ first: string | null; last: string | null }>(
          `SELECT (SELECT min(booking_date) FROM ${s}.appointments)::text AS first, (SELECT max(booking_date) FROM ${s}.appointments)::text AS last`,
        );
        const from = filter.from ?? ends[0]?.first;
        const to = filter.to ?? ends[0]?.last;
        if (from && to) granularity = autoGranularity(from, to);
      }
      const { where, params } = filterSql(s, filter);
      // date_trunc on a plain timestamp (not timestamptz) and back to DATE: no time zone enters.
      const bucket = granularity === 'day' ? 'a.booking_date' : `date_trunc('${granularity}', a.booking_date::timestamp)::date`;
      const { rows } = await client.query<Record<string, string>>(
        `SELECT ${bucket}::text AS period, count(*) FILTER (WHERE a.status = 'confirmed') AS confirmed,
                count(*) FILTER (WHERE a.status = 'cancelled') AS cancelled
           FROM ${s}.appointments a ${where} GROUP BY 1 ORDER BY 1`,
        params,
      );
      return {
        granularity,
        points: rows.map((row) => {
          const confirmed = num(row.confirmed);
          const cancelled = num(row.cancelled);
          return { period: String(row.period), confirmed, cancelled, cancellationRate: rate(cancelled, confirmed + cancelled) };
        }),
      };
    }),
  );
}

export function specialties(db: DashboardDb, schema: string, filter: DashboardFilter): Promise<{ rows: SpecialtyRow[]; ms: number }> {
  const s = quoteIdent(schema);
  return timed(() =>
    readOnly(db, 'grouping by specialty', async (client) => {
      const { where, params } = filterSql(s, filter);
      const { rows } = await client.query<Record<string, string | null>>(
        `WITH per_doctor AS (
           SELECT a.doctor_id, count(*) AS total, count(*) FILTER (WHERE a.status = 'confirmed') AS confirmed,
                  count(*) FILTER (WHERE a.status = 'cancelled') AS cancelled
             FROM ${s}.appointments a ${where} GROUP BY a.doctor_id)
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
  const s = quoteIdent(schema);
  return timed(() =>
    readOnly(
      db,
      'computing the patient segments',
      async (client) => {
        const { where, params } = filterSql(s, filter);
        const start = filter.from ? `$${params.push(filter.from)}::date` : null;
        const { rows } = await client.query<Record<string, string>>(
          `SELECT count(*) AS patients,
                  count(*) FILTER (WHERE ${start ? `pt.first_booking >= ${start}` : 'true'}) AS new_patients,
                  count(*) FILTER (WHERE ${start ? `pt.first_booking < ${start}` : 'false'}) AS returning_patients,
                  count(*) FILTER (WHERE p.n = 1) AS one,
                  count(*) FILTER (WHERE p.n BETWEEN 2 AND 3) AS two_to_three,
                  count(*) FILTER (WHERE p.n >= 4) AS four_plus,
                  count(*) FILTER (WHERE p.x >= 2) AS repeated_cancellations
             FROM (SELECT a.patient_id, count(*) AS n, count(*) FILTER (WHERE a.status = 'cancelled') AS x
                     FROM ${s}.appointments a ${where} GROUP BY a.patient_id) p
             JOIN ${s}.patients pt USING (patient_id)`,
          params,
        );
        const r = rows[0] ?? {};
        return {
          patients: num(r.patients),
          newPatients: num(r.new_patients),
          returningPatients: num(r.returning_patients),
          visitBuckets: { one: num(r.one), twoToThree: num(r.two_to_three), fourPlus: num(r.four_plus) },
          repeatedCancellations: num(r.repeated_cancellations),
        };
      },
      SORTED_GROUPING,
    ),
  );
}
