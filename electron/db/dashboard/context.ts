/**
 * What the dashboard shows and what to say about it: the load it comes from, the date span,
 * a default range without suspicious dates, the caveats, and the doctors for the filter.
 */
import type { DashboardContext } from '../../../shared/contract';
import { lastSucceededRun, tableExists } from '../runSummaries';
import { quoteIdent } from '../identifiers';
import { num, readOnly, type DashboardDb } from './readOnly';

export async function dashboardContext(db: DashboardDb, schema: string): Promise<DashboardContext> {
  const s = quoteIdent(schema);
  return readOnly(db, 'reading the dashboard context', async (client) => {
    const empty: DashboardContext = {
      loaded: false,
      run: null,
      span: null,
      defaultRange: null,
      caveats: { placeholderDoctors: 0, placeholderAppointments: 0, suspiciousPolicy: null, suspiciousDates: 0, outsideDefaultRange: 0, rejected: 0 },
      doctors: [],
      specialties: [],
    };
    if (!(await tableExists(client, schema, 'appointments'))) return empty;
    const run = await lastSucceededRun(client, schema);
    if (!run) return empty;
    const runDate = run.runDate ?? new Date().toISOString().slice(0, 10);
    const { rows } = await client.query<Record<string, string | null>>(
      `SELECT min(booking_date)::text AS span_from, max(booking_date)::text AS span_to,
              min(booking_date) FILTER (WHERE booking_date >= DATE '2000-01-01' AND booking_date <= $1::date + 365)::text AS core_from,
              max(booking_date) FILTER (WHERE booking_date >= DATE '2000-01-01' AND booking_date <= $1::date + 365)::text AS core_to,
              count(*) FILTER (WHERE booking_date < DATE '2000-01-01' OR booking_date > $1::date + 365) AS outside,
              count(*) FILTER (WHERE doctor_id IN (SELECT doctor_id FROM ${s}.doctors WHERE is_placeholder)) AS placeholder_appointments
         FROM ${s}.appointments`,
      [runDate],
    );
    const r = rows[0] ?? {};
    const doctors = await client.query<{ doctor_id: number; name: string; specialty: string | null; is_placeholder: boolean }>(
      `SELECT doctor_id, name, specialty, is_placeholder FROM ${s}.doctors ORDER BY name, doctor_id LIMIT 10000`,
    );
    const specialties = await client.query<{ specialty: string }>(`SELECT DISTINCT coalesce(specialty, '') AS specialty FROM ${s}.doctors ORDER BY 1`);
    return {
      loaded: true,
      run,
      span: r.span_from && r.span_to ? { from: r.span_from, to: r.span_to } : null,
      defaultRange: r.core_from && r.core_to ? { from: r.core_from, to: r.core_to } : null,
      caveats: {
        placeholderDoctors: doctors.rows.filter((d) => d.is_placeholder).length,
        placeholderAppointments: num(r.placeholder_appointments),
        suspiciousPolicy: run.suspiciousPolicy,
        suspiciousDates: run.counts.suspiciousDates ?? 0,
        outsideDefaultRange: num(r.outside),
        rejected: run.counts.rejected ?? 0,
      },
      doctors: doctors.rows.map((d) => ({ doctorId: d.doctor_id, name: d.name, specialty: d.specialty, placeholder: d.is_placeholder })),
      specialties: specialties.rows.map((row) => row.specialty),
    };
  });
}
