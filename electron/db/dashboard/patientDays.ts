/**
 * The distinct patients of a date range from the patient-day rollups (../rollups.ts): each row is
 * a day some patients have bookings on, with each one's previous day with a booking (null for
 * their first). Within [from, to] a patient's first day there is the one row of theirs in the
 * range whose previous day is before `from` (or null), so the count is a sum over the range's
 * rows: an index range of ~40% of 311k rows for a year at a million appointments, against grouping
 * the ~375k bookings of that year by patient.
 *
 * patient_days_by_previous counts days with any booking: it answers views of both statuses.
 * cancelled_patient_days_by_previous counts the days with a cancelled booking, each with the
 * patient's previous such day: it answers views of cancelled bookings alone (a year's at a million
 * appointments, the key figures: 19 against 126 ms of server CPU, which grouped the year's ~130k
 * cancelled bookings by patient in two slices of the patient index). Confirmed bookings alone have
 * no such rollup (see rollupRows.ts). Neither answers a doctor, a specialty or a segment (the
 * segments' whole view, less its new patients, see firstDays.ts, uses them too).
 */
import type { DashboardFilter } from '../../../shared/contract';
import { quoteIdent } from '../identifiers';
import type { RollupTable } from '../schema';
import { binder } from './params';
import { cancelledOnly, statusesOf } from './rangeVisits';

/** Whether the distinct patients of this filter are a sum over a patient-day rollup. */
export function patientDaysAnswer(filter: DashboardFilter): boolean {
  return Boolean(filter.from || filter.to) && statusesOf(filter).includes('cancelled') && !filter.doctorIds?.length && !filter.specialties?.length && (filter.segment ?? 'all') === 'all';
}

/** The rollup patientsInRange reads for this filter (one patientDaysAnswer accepts). */
export function patientDaysTable(filter: DashboardFilter): RollupTable {
  return cancelledOnly(filter) ? 'cancelled_patient_days_by_previous' : 'patient_days_by_previous';
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
  return `SELECT coalesce(sum(r.patients), 0) AS patients FROM ${quoteIdent(schema)}.${patientDaysTable(filter)} r WHERE ${conditions.join(' AND ')}`;
}
