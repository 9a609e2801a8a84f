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
import { denseSpan } from './timeAxis';

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
    // Bookings per day: a few thousand rows even for a million bookings, summed from the day
    // rollup (else off the date index, ~0.4 s at a million rows).
    const days = await client.query<{ day: string; bookings: string }>(
      `SELECT booking_date::text AS day, ${(await rollupsCurrent(client, schema)) ? `sum(bookings) AS bookings FROM ${s}.appointments_by_day` : `count(*) AS bookings FROM ${s}.appointments`} GROUP BY 1 ORDER BY 1`,
    );
    const first = days.rows[0]?.day;
    const last = days.rows[days.rows.length - 1]?.day;
    const after = await client.query<{ after: string }>(`SELECT (coalesce($1::date, current_date) + 365)::text AS after`, [run.runDate]);
    const doctors = await client.query<{ doctor_id: number; name: string; specialty: string | null; is_placeholder: boolean }>(
      `SELECT doctor_id, name, specialty, is_placeholder FROM ${s}.doctors ORDER BY name, doctor_id LIMIT 10000`,
    );
    const specialties = await client.query<{ specialty: string }>(`SELECT DISTINCT coalesce(specialty, '') AS specialty FROM ${s}.doctors ORDER BY 1`);
    return {
      loaded: true,
      run,
      span: first && last ? { from: first, to: last } : null,
      denseSpan: denseSpan(days.rows.map((row) => ({ day: row.day, bookings: num(row.bookings) }))),
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
