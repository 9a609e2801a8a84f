/**
 * The dashboard's figures, each one SQL statement over the filtered bookings (see filter.ts).
 * Patient-level figures group by patient along the covering patient index: with hash aggregation
 * off, PostgreSQL reads that index in order instead of hashing a million rows (measured at a
 * million rows: ~150 ms against ~500 ms).
 */
import type { DashboardFilter, Granularity, Kpis, Leaderboard, Segments, SpecialtyRow, Trend } from '../../../shared/contract';
import { quoteIdent } from '../identifiers';
import { autoGranularity, filterSql, previousRange, segmentStart } from './filter';
import { num, rate, readOnly, timed, type DashboardDb } from './readOnly';

const SORTED_GROUPING = ['enable_hashagg = off'];

/**
 * Key figures: four independent statements, run at once on separate pooled connections (the
 * distinct-patient count is the slow one; the others finish while it runs).
 */
export function kpis(db: DashboardDb, schema: string, filter: DashboardFilter): Promise<Kpis> {
  const s = quoteIdent(schema);
  const totals = (range?: { from?: string; to?: string }) =>
    readOnly(db, 'computing the key figures', async (client) => {
      const { where, params } = filterSql(s, filter, [], range);
      const { rows } = await client.query<Record<string, string | null>>(
        `SELECT count(*) AS appointments, count(*) FILTER (WHERE a.status = 'confirmed') AS confirmed,
                count(*) FILTER (WHERE a.status = 'cancelled') AS cancelled,
                min(a.booking_date)::text AS span_from, max(a.booking_date)::text AS span_to
           FROM ${s}.appointments a ${where}`,
        params,
      );
      return rows[0] ?? {};
    });
  const patients = async () => {
    const rows = await perPatientSlices(db, schema, filter, 'counting patients', (where) => `SELECT count(*) AS patients FROM (SELECT a.patient_id FROM ${s}.appointments a ${where} GROUP BY a.patient_id) p`);
    return sumField(rows, 'patients');
  };
  const doctors = () =>
    readOnly(db, 'counting doctors', async (client) => {
      const { where, params } = filterSql(s, filter);
      const { rows } = await client.query<Record<string, string>>(
        `SELECT count(*) AS doctors, count(*) FILTER (WHERE d.is_placeholder) AS placeholders
           FROM ${s}.doctors d WHERE EXISTS (SELECT 1 FROM ${s}.appointments a ${where ? `${where} AND` : 'WHERE'} a.doctor_id = d.doctor_id)`,
        params,
      );
      return { doctors: num(rows[0]?.doctors), placeholders: num(rows[0]?.placeholders) };
    });
  const range = filter.from && filter.to ? previousRange(filter.from, filter.to) : null;
  return timed(async () => {
    const [current, patientCount, doctorCounts, before] = await Promise.all([totals(), patients(), doctors(), range ? totals(range) : Promise.resolve(null)]);
    const appointments = num(current.appointments);
    const previousAppointments = num(before?.appointments);
    return {
      appointments,
      confirmed: num(current.confirmed),
      cancelled: num(current.cancelled),
      cancellationRate: rate(num(current.cancelled), appointments),
      uniquePatients: patientCount,
      doctors: doctorCounts.doctors,
      placeholderDoctors: doctorCounts.placeholders,
      span: current.span_from && current.span_to ? { from: current.span_from, to: current.span_to } : null,
      previous:
        range && before
          ? { ...range, appointments: previousAppointments, confirmed: num(before.confirmed), cancelled: num(before.cancelled), cancellationRate: rate(num(before.cancelled), previousAppointments) }
          : null,
    };
  });
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
    readOnly(
      db,
      'computing the trend',
      async (client) => {
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
      // Days first, straight off the date index in order; weeks and months are then summed from
      // at most a few thousand days. date_trunc works on a plain timestamp and goes back to DATE,
      // so no time zone enters.
      const bucket = granularity === 'day' ? 'day' : `date_trunc('${granularity}', day::timestamp)::date`;
      const { rows } = await client.query<Record<string, string>>(
        `SELECT ${bucket}::text AS period, sum(confirmed) AS confirmed, sum(cancelled) AS cancelled
           FROM (SELECT a.booking_date AS day, count(*) FILTER (WHERE a.status = 'confirmed') AS confirmed,
                        count(*) FILTER (WHERE a.status = 'cancelled') AS cancelled
                   FROM ${s}.appointments a ${where} GROUP BY a.booking_date) days
          GROUP BY 1 ORDER BY 1`,
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
      },
      SORTED_GROUPING,
    ),
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
  // New and returning are told apart at the same day as the segment filter's (segmentFrom ?? from).
  const segmentFrom = segmentStart(filter);
  return timed(async () => {
    const rows = await perPatientSlices(db, schema, filter, 'computing the patient segments', (where, params) => {
      const start = segmentFrom ? `$${params.push(segmentFrom)}::date` : null;
      return `SELECT count(*) AS patients,
                     count(*) FILTER (WHERE ${start ? `p.first >= ${start}` : 'true'}) AS new_patients,
                     count(*) FILTER (WHERE ${start ? `p.first < ${start}` : 'false'}) AS returning_patients,
                     count(*) FILTER (WHERE p.n = 1) AS one,
                     count(*) FILTER (WHERE p.n BETWEEN 2 AND 3) AS two_to_three,
                     count(*) FILTER (WHERE p.n >= 4) AS four_plus,
                     count(*) FILTER (WHERE p.x >= 2) AS repeated_cancellations
                FROM (SELECT a.patient_id, count(*) AS n, count(*) FILTER (WHERE a.status = 'cancelled') AS x, min(a.patient_first_booking) AS first
                        FROM ${s}.appointments a ${where} GROUP BY a.patient_id) p`;
    });
    return {
      patients: sumField(rows, 'patients'),
      newPatients: sumField(rows, 'new_patients'),
      returningPatients: sumField(rows, 'returning_patients'),
      visitBuckets: { one: sumField(rows, 'one'), twoToThree: sumField(rows, 'two_to_three'), fourPlus: sumField(rows, 'four_plus') },
      repeatedCancellations: sumField(rows, 'repeated_cancellations'),
    };
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
): Promise<Record<string, string>[]> {
  const s = quoteIdent(schema);
  const bounds = await patientSliceBounds(db, schema);
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
  return readOnly(db, 'planning the patient slices', async (client) => {
    const { rows } = await client.query<{ bound: string | null }>(
      `SELECT (histogram_bounds::text::bigint[])[array_length(histogram_bounds::text::bigint[], 1) / 2 + 1]::text AS bound
         FROM pg_stats WHERE schemaname = $1 AND tablename = 'appointments' AND attname = 'patient_id'`,
      [schema],
    );
    const bound = rows[0]?.bound;
    return bound ? [bound] : [];
  });
}

function sumField(rows: Record<string, string>[], field: string): number {
  return rows.reduce((total, row) => total + num(row[field]), 0);
}
