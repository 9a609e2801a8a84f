/**
 * The visit figures of a date range (rangeVisits.ts's: patients, one, two_to_three, four_plus,
 * repeated_cancellations) as sums over the rollups, for views of both statuses or of cancelled
 * bookings alone, without grouping the range's bookings by patient.
 *
 * Take a patient's bookings in day order. k of them lie in [from, to]: they are consecutive, so
 * max(0, k − n + 1) runs of n consecutive bookings lie in it, and the patients with at least n
 * bookings there number W(n) − W(n + 1), W(n) being the runs of n consecutive bookings (of every
 * patient) inside the range. A run lies inside when its last booking is in the range and its
 * first, n − 1 bookings back, is on or after `from`:
 * - W(1): the range's bookings (appointments_by_day);
 * - W(2): W(1) less the patients (a patient's first booking in the range is the one whose
 *   previous is before it: the patient-day rollups, patientDays.ts);
 * - W(3), W(4), W(5): booking_lags, each booking with the day of the booking 2, 3 and 4 back, a
 *   sum over the range's rows whose lag day is on or after `from`.
 * Over the cancelled bookings alone likewise, for repeated cancellations (at least two).
 *
 * A year at a million appointments on the embedded 18: the segments read 33–37 ms of server CPU
 * this way (new patients included), against 120–127 ms grouping the year's ~375k bookings by
 * patient in two slices of the patient index.
 */
import type { DashboardFilter } from '../../../shared/contract';
import { quoteIdent } from '../identifiers';
import type { RollupTable } from '../schema';
import { LAG_COLUMNS } from '../rollupRows';
import { binder } from './params';
import { patientDaysTable, patientsInRange } from './patientDays';
import { cancelledOnly, rangeBookings, rangeVisitsAnswer, statusesOf, type VisitFigure } from './rangeVisits';

/** Whether these sums answer the filter's visit figures: dates, no doctor or specialty, both statuses or cancelled ones alone. */
export function bookingLagsAnswer(filter: DashboardFilter): boolean {
  const statuses = statusesOf(filter);
  return rangeVisitsAnswer({ ...filter, segment: 'all' }) && statuses.includes('cancelled');
}

/** The rollups the statement reads (beside appointments_by_day). */
export function bookingLagsTables(filter: DashboardFilter): RollupTable[] {
  return ['booking_lags', 'cancelled_patient_days_by_previous', patientDaysTable(filter)];
}

/**
 * One row of sums (columns w1, n1, w1c, n1c, lag{k} and cancelled_lag{k}) for the filter's range
 * (its segment aside), binding into `params`.
 */
export function bookingLagSums(schema: string, filter: DashboardFilter, params: unknown[]): string {
  const view: DashboardFilter = { from: filter.from, to: filter.to, statuses: filter.statuses?.length ? filter.statuses : ['confirmed', 'cancelled'] };
  const cancelled: DashboardFilter = { ...view, statuses: ['cancelled'] };
  const bind = binder(params);
  const conditions: string[] = [];
  if (filter.from) {
    const from = bind(filter.from);
    conditions.push(`r.booking_date >= ${from}::date`, `r.lag_day >= ${from}::date`);
  }
  if (filter.to) conditions.push(`r.booking_date <= ${bind(filter.to)}::date`);
  const lags = [false, true].flatMap((c) => LAG_COLUMNS.map((column) => `coalesce(sum(r.${column}) FILTER (WHERE ${c ? '' : 'NOT '}r.cancelled), 0) AS ${c ? 'cancelled_' : ''}${column}`));
  return `SELECT (${rangeBookings(schema, view, params)}) AS w1, (${patientsInRange(schema, view, params)}) AS n1,
                 (${rangeBookings(schema, cancelled, params)}) AS w1c, (${patientsInRange(schema, cancelled, params)}) AS n1c, l.*
            FROM (SELECT ${lags.join(', ')} FROM ${quoteIdent(schema)}.booking_lags r ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}) l`;
}

/** The visit figures from that row. */
export function visitFiguresOfLags(filter: DashboardFilter, row: Record<string, string | number | null>): Record<VisitFigure, number> {
  const n = (name: string) => Number(row[name] ?? 0);
  /** Patients with at least one, two and four bookings of the sequence in the range. */
  const atLeast = (w1: number, n1: number, prefix: string) => {
    const w2 = w1 - n1;
    return { one: n1, two: w2 - n(`${prefix}lag2`), four: n(`${prefix}lag3`) - n(`${prefix}lag4`) };
  };
  const visits = cancelledOnly(filter) ? atLeast(n('w1c'), n('n1c'), 'cancelled_') : atLeast(n('w1'), n('n1'), '');
  const cancels = atLeast(n('w1c'), n('n1c'), 'cancelled_');
  return {
    patients: visits.one,
    one: visits.one - visits.two,
    two_to_three: visits.two - visits.four,
    four_plus: visits.four,
    repeated_cancellations: cancels.two,
  };
}
