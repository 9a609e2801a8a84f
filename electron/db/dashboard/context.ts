/**
 * What the dashboard shows and what to say about it: the load it comes from, the date span and
 * where most bookings are, the load-wide caveats, and the doctors for the filter. Figures that
 * depend on the filter (placeholders and suspicious dates in view) come with the key figures.
 */
import type { DashboardContext } from '../../../shared/contract';
import { lastSucceededRun, tableExists } from '../runSummaries';
import { quoteIdent } from '../identifiers';
import { num, readOnly, type DashboardDb } from './readOnly';
import { rollupsCurrent } from './rollup';
import { dayClusters, denseSpanOfClusters, type DayCluster } from './timeAxis';

export const SUSPICIOUS_BEFORE = '2000-01-01';

export async function dashboardContext(db: DashboardDb, schema: string): Promise<DashboardContext> {
  const s = quoteIdent(schema);
  return readOnly(db, 'reading the dashboard context', async (client) => {
    const empty: DashboardContext = {
      loaded: false,
      run: null,
      span: null,
      denseSpan: null,
      caveats: { suspiciousPolicy: null, suspiciousDates: 0, suspiciousBefore: SUSPICIOUS_BEFORE, suspiciousAfter: null, rejected: 0 },
      doctors: [],
      specialties: [],
    };
    if (!(await tableExists(client, schema, 'appointments'))) return empty;
    const run = await lastSucceededRun(client, schema);
    if (!run) return empty;
    // The runs of booking days from the load's rollup (a few dozen rows); else bookings per day
    // off the date index (~0.4 s at a million rows), run together by denseSpan.
    let clusters: DayCluster[];
    if (await rollupsCurrent(client, schema, ['booking_day_clusters'])) {
      const { rows } = await client.query<{ first: string; last: string; bookings: number }>(
        `SELECT first_day::text AS first, last_day::text AS last, bookings FROM ${s}.booking_day_clusters ORDER BY first_day`,
      );
      clusters = rows;
    } else {
      const { rows } = await client.query<{ day: string; bookings: string }>(
        `SELECT booking_date::text AS day, count(*) AS bookings FROM ${s}.appointments GROUP BY booking_date ORDER BY booking_date`,
      );
      clusters = dayClusters(rows.map((row) => ({ day: row.day, bookings: num(row.bookings) })));
    }
    const first = clusters[0]?.first;
    const last = clusters[clusters.length - 1]?.last;
    const after = await client.query<{ after: string }>(`SELECT (coalesce($1::date, current_date) + 365)::text AS after`, [run.runDate]);
    const doctors = await client.query<{ doctor_id: number; name: string; specialty: string | null; is_placeholder: boolean }>(
      `SELECT doctor_id, name, specialty, is_placeholder FROM ${s}.doctors ORDER BY name, doctor_id LIMIT 10000`,
    );
    const specialties = await client.query<{ specialty: string }>(`SELECT DISTINCT coalesce(specialty, '') AS specialty FROM ${s}.doctors ORDER BY 1`);
    return {
      loaded: true,
      run,
      span: first && last ? { from: first, to: last } : null,
      denseSpan: denseSpanOfClusters(clusters),
      caveats: {
        suspiciousPolicy: run.suspiciousPolicy,
        suspiciousDates: run.counts.suspiciousDates ?? 0,
        suspiciousBefore: SUSPICIOUS_BEFORE,
        suspiciousAfter: after.rows[0]?.after ?? null,
        rejected: run.counts.rejected ?? 0,
      },
      doctors: doctors.rows.map((d) => ({ doctorId: d.doctor_id, name: d.name, specialty: d.specialty, placeholder: d.is_placeholder })),
      specialties: specialties.rows.map((row) => row.specialty),
    };
  });
}
