/**
 * The distinct patients of a date range from the patient-day rollup (../rollups.ts): each row is
 * a day some patients have bookings on, with each one's previous day with a booking (null for
 * their first). Within [from, to] a patient's first day there is the one row of theirs in the
 * range whose previous day is before `from` (or null), so the count is a sum over the range's
 * rows: an index range of ~40% of 311k rows for a year at a million appointments, against grouping
 * the ~375k bookings of that year by patient.
 *
 * The days are days with any booking: it answers views of both statuses, no doctor or specialty,
 * no segment (the segments' whole view, less its new patients, see firstDays.ts, uses it too).
 */
import type { DashboardFilter } from '../../../shared/contract';
import { quoteIdent } from '../identifiers';
import { binder } from './params';

/** Whether the distinct patients of this filter are a sum over the patient-day rollup. */
export function patientDaysAnswer(filter: DashboardFilter): boolean {
  const bothStatuses = !filter.statuses?.length || (filter.statuses.includes('confirmed') && filter.statuses.includes('cancelled'));
  return Boolean(filter.from || filter.to) && bothStatuses && !filter.doctorIds?.length && !filter.specialties?.length && (filter.segment ?? 'all') === 'all';
}

/** The statement counting the filter's distinct patients (column `patients`), binding into `params`. */
export function patientsInRange(schema: string, filter: DashboardFilter, params: unknown[]): string {
  const bind = binder(params);
  const conditions: string[] = [];
  if (filter.from) {
    const from = bind(filter.from);
    conditions.push(`r.booking_date >= ${from}::date`, `(r.previous_day IS NULL OR r.previous_day < ${from}::date)`);
  } else {
    // From the first booking ever: each patient's first day.
    conditions.push('r.previous_day IS NULL');
  }
  if (filter.to) conditions.push(`r.booking_date <= ${bind(filter.to)}::date`);
  return `SELECT coalesce(sum(r.patients), 0) AS patients FROM ${quoteIdent(schema)}.patient_days_by_previous r WHERE ${conditions.join(' AND ')}`;
}
