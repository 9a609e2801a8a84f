/**
 * A segment (new / returning) over a date range and statuses, from the first-day rollups
 * (../rollups.ts): within [from, to] and the statuses S, a patient of the view is *new* when
 * every booking the view keeps is on their first day ever — the first day is in the range and
 * their next day with an S booking after it is past `to` (or there is none). So:
 * - the new patients' bookings are a slice of first_day_bookings, their figures a slice of
 *   patients_first_day;
 * - the returning patients' figures are the view's figures without the segment, less the new
 *   ones: every patient of the view is one or the other, and the segment keeps all of a
 *   patient's bookings in the view, so each count splits exactly in two.
 * Doctors are left to the appointments: "came back" to a doctor needs every booking's doctor.
 */
import type { DashboardFilter } from '../../../shared/contract';
import { quoteIdent } from '../identifiers';
import { inRange, statusesOf, visitFigures } from './rangeVisits';
import { binder } from './params';

type Status = 'confirmed' | 'cancelled';

/**
 * Whether a segment of this filter is answered here: a segment over dates, no doctor or
 * specialty (without dates the day and doctor rollups' flags answer it).
 */
export function firstDaysAnswer(filter: DashboardFilter): boolean {
  return (filter.segment ?? 'all') !== 'all' && Boolean(filter.from || filter.to) && !filter.doctorIds?.length && !filter.specialties?.length;
}

/** The same filter without its segment: the whole view the segment splits. */
export function withoutSegment(filter: DashboardFilter): DashboardFilter {
  return { ...filter, segment: 'all' };
}

/**
 * The patient's next day after the first with a booking of the view's statuses, on a row with
 * next_confirmed and next_cancelled under `alias` (least() skips nulls; null when neither).
 */
export function nextVisit(filter: DashboardFilter, alias: string): string {
  const statuses = statusesOf(filter);
  const column = (status: Status) => `${alias}.next_${status}`;
  return statuses.length === 1 ? column(statuses[0] as Status) : `least(${column('confirmed')}, ${column('cancelled')})`;
}

/** Whether that next day falls within the view (before or on `to`; anywhere when `to` is open). */
export function cameBackBy(filter: DashboardFilter, alias: string, bind: (value: unknown) => string): string {
  return filter.to ? `coalesce(${nextVisit(filter, alias)} <= ${bind(filter.to)}::date, false)` : `${nextVisit(filter, alias)} IS NOT NULL`;
}

/** Conditions on a first-day row (alias `r`) for the patients new within the filter. */
function newConditions(filter: DashboardFilter, bind: (value: unknown) => string): string[] {
  const conditions: string[] = [];
  if (filter.from) conditions.push(`r.first_day >= ${bind(filter.from)}::date`);
  if (filter.to) conditions.push(`r.first_day <= ${bind(filter.to)}::date`);
  conditions.push(`NOT ${cameBackBy(filter, 'r', bind)}`);
  return conditions;
}

const where = (conditions: string[]) => `WHERE ${conditions.join(' AND ')}`;

/**
 * The new patients' bookings of the filter as rows (booking_date, status, placeholder, bookings),
 * like appointments_by_day's.
 */
function newByDay(schema: string, filter: DashboardFilter, params: unknown[]): string {
  const bind = binder(params);
  const conditions = [...newConditions(filter, bind), `r.status = ANY(${bind(statusesOf(filter))}::text[])`];
  return `SELECT r.first_day AS booking_date, r.status, r.placeholder, sum(r.bookings) AS bookings
            FROM ${quoteIdent(schema)}.first_day_bookings r ${where(conditions)} GROUP BY 1, 2, 3`;
}

/**
 * The segment's bookings per day, status and placeholder doctor (columns of appointments_by_day:
 * booking_date, status, placeholder, bookings). `whole`: the same rows for the filter without
 * its segment (from the day rollup), binding its values into the params it is given; `fresh`:
 * the new patients' rows likewise (newFromWhole.ts's for a range that leaves few bookings out).
 */
export function segmentByDay(
  schema: string,
  filter: DashboardFilter,
  whole: (params: unknown[]) => string,
  params: unknown[],
  fresh: (params: unknown[]) => string = (into) => newByDay(schema, filter, into),
): string {
  if (filter.segment === 'new') return fresh(params);
  const all = whole(params);
  const freshRows = fresh(params);
  return `SELECT w.booking_date, w.status, w.placeholder, w.bookings - coalesce(n.bookings, 0) AS bookings
            FROM (${all}) w LEFT JOIN (${freshRows}) n USING (booking_date, status, placeholder)
           WHERE w.bookings > coalesce(n.bookings, 0)`;
}

/** The new patients' bookings per doctor (doctor_id, total, confirmed, cancelled) from their first days. */
function newByDoctor(schema: string, filter: DashboardFilter, params: unknown[]): string {
  const bind = binder(params);
  const conditions = [...newConditions(filter, bind), `r.status = ANY(${bind(statusesOf(filter))}::text[])`];
  return `SELECT r.doctor_id, sum(r.bookings) AS total, sum(r.bookings) FILTER (WHERE r.status = 'confirmed') AS confirmed,
                 sum(r.bookings) FILTER (WHERE r.status = 'cancelled') AS cancelled
            FROM ${quoteIdent(schema)}.first_day_bookings r ${where(conditions)} GROUP BY r.doctor_id`;
}

/**
 * The segment's bookings per doctor (doctor_id, total, confirmed, cancelled), only doctors with
 * some. `whole`: the same for the filter without its segment, with its parameters (null for the
 * new patients, who need none); `fromWhole`: the new patients' per doctor as newFromWhole.ts
 * reads them, for a range that leaves few bookings out.
 */
export function segmentByDoctor(
  schema: string,
  filter: DashboardFilter,
  whole: { perDoctor: string; params: unknown[] } | null,
  fromWhole?: (into: unknown[]) => string,
): { perDoctor: string; params: unknown[] } {
  const params = whole?.params ?? [];
  const fresh = fromWhole ? fromWhole(params) : newByDoctor(schema, filter, params);
  if (!whole) return { perDoctor: fresh, params };
  const perDoctor = `SELECT w.doctor_id, w.total - coalesce(n.total, 0) AS total, coalesce(w.confirmed, 0) - coalesce(n.confirmed, 0) AS confirmed,
                 coalesce(w.cancelled, 0) - coalesce(n.cancelled, 0) AS cancelled
            FROM (${whole.perDoctor}) w LEFT JOIN (${fresh}) n USING (doctor_id)
           WHERE w.total > coalesce(n.total, 0)`;
  return { perDoctor, params };
}

/**
 * The new patients' figures (patients, one, two_to_three, four_plus, repeated_cancellations):
 * their bookings in the view are those of their first day with the view's statuses.
 */
export function newPatientFigures(schema: string, filter: DashboardFilter, params: unknown[]): string {
  const { visits, cancels } = firstDayVisits(filter);
  const conditions = [...newConditions(filter, binder(params)), `${visits} > 0`];
  return `SELECT ${visitFigures(visits, cancels)} FROM ${quoteIdent(schema)}.patients_first_day r ${where(conditions)}`;
}

/** A new patient's bookings and cancelled bookings in the view, on a first-day row (alias `r`): those of the view's statuses on their first day. */
export function firstDayVisits(filter: DashboardFilter): { visits: string; cancels: string } {
  const statuses = statusesOf(filter);
  const count = (status: Status) => (statuses.includes(status) ? `r.${status}` : '0');
  return { visits: `(${count('confirmed')} + ${count('cancelled')})`, cancels: count('cancelled') };
}

/**
 * The doctors (doctors, placeholders) of the new patients' bookings in the filter: the doctors of
 * their first days' rows. At a million appointments over the main span, one pass over those rows
 * (~75 ms on a loaded machine) against 2.4 s for a per-doctor search of the appointments, each row
 * looking its patient up.
 */
export function newPatientDoctors(schema: string, filter: DashboardFilter, params: unknown[]): string {
  const bind = binder(params);
  const s = quoteIdent(schema);
  const conditions = [...newConditions(filter, bind), `r.status = ANY(${bind(statusesOf(filter))}::text[])`, 'r.doctor_id = d.doctor_id'];
  return `SELECT count(*) AS doctors, count(*) FILTER (WHERE d.is_placeholder) AS placeholders
            FROM ${s}.doctors d WHERE EXISTS (SELECT 1 FROM ${s}.first_day_bookings r ${where(conditions)})`;
}

/**
 * The doctors (doctors, placeholders) of the returning patients' bookings in the filter. A
 * booking of the view is a returning patient's when it falls after its patient's first day ever,
 * or is on that day and the patient came back within the view: so a doctor has one when a search
 * of their bookings in the range finds one after its patient's first day (it stops at the first,
 * along the doctor index), or when the first-day rollup holds a row of theirs whose patient came
 * back (read once, and only for the doctors the search did not find). At a million appointments,
 * a year's or the main span's returning doctors took 15–17 ms of server CPU this way, against
 * 60–80 ms for the range's bookings per doctor less the new patients' (perDoctorSql); should no
 * patient ever come back, the search reads the range's index entries once (~30 ms for a year).
 */
export function returningPatientDoctors(schema: string, filter: DashboardFilter, params: unknown[]): string {
  const bind = binder(params);
  const s = quoteIdent(schema);
  const statuses = `${bind(statusesOf(filter))}::text[]`;
  const inView = [inRange(filter, 'a.booking_date', bind), `a.status = ANY(${statuses})`, 'a.booking_date > a.patient_first_booking', 'a.doctor_id = d.doctor_id'];
  const cameBack = [inRange(filter, 'r.first_day', bind), `r.status = ANY(${statuses})`, cameBackBy(filter, 'r', bind)];
  return `SELECT count(*) AS doctors, count(*) FILTER (WHERE d.is_placeholder) AS placeholders
            FROM ${s}.doctors d
           WHERE EXISTS (SELECT 1 FROM ${s}.appointments a ${where(inView)})
              OR d.doctor_id IN (SELECT r.doctor_id FROM ${s}.first_day_bookings r ${where(cameBack)})`;
}
