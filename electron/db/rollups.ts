/**
 * Rollups: the appointments summed once, by the load, so the dashboard's common views read a few
 * thousand rows instead of a million. Built from the staged tables inside the load's transaction
 * (`…__next`, see staging.ts) and swapped in with them (swap.ts), so a rollup always sums exactly
 * the appointments beside it: readers see both of one run or both of the other.
 *
 * Measured at a million appointments (2,694 doctors, ~900 booking days, 333k patients, PostgreSQL
 * 15 and 18 on a shared 2-core machine): the whole-load key figures, leaderboard, trend,
 * specialties and segments took 150–700 ms each over the covering indexes; from these tables
 * they take a few milliseconds. A rollup per day × doctor × status would hold 830k rows for that
 * data (as many as the appointments), so the day and the doctor get a rollup each.
 *
 * "Returning" depends on which bookings the view keeps (a booking in the view after the patient's
 * first day ever). For views that keep bookings by status only, that is "a confirmed booking after
 * the first day" or "a cancelled one", kept here per patient as two flags; a view by dates or
 * doctors is decided over the rows themselves (dashboard/aggregates.ts chooses).
 *
 * Tables (each carries the run's mark like the loaded tables):
 * - appointments_by_day: bookings per day × status × placeholder doctor × the patient's flags.
 * - appointments_by_doctor: bookings per doctor × status × the patient's flags.
 * - appointments_by_doctor_month: bookings per month × doctor × status (172k rows at a million:
 *   the leaderboard and specialties of a date range read its whole months, and the days at either
 *   end from the appointments).
 * - patients_by_visits: patients per (confirmed, cancelled) booking count, each capped at 4
 *   (the visit buckets stop at "4+"), × the flags.
 * - patients_first_day: per patient, the first day, the bookings that day per status, and the
 *   first day after it with a confirmed booking and with a cancelled one (null when none).
 * - first_day_bookings: the bookings of each patient's first day per doctor × status, with the
 *   patient's next days (not the patient: the sums are all a view needs).
 *
 * The last two answer a segment over a date range (dashboard/firstDays.ts). Within [from, to]
 * and the view's statuses, a patient came back unless every booking the view keeps is on their
 * first day: that is, the first day is in the range and the next day with one of those statuses
 * is after `to` (or there is none). So "new" in a range is a slice of first_day_bookings, and
 * "returning" is the range's figures less that slice — exactly, because every patient of the
 * view is one or the other. Measured at a million appointments on PostgreSQL 15: a segment over
 * a year took 0.4–1.3 s from the appointments, and reads ~110k first-day rows here.
 */
import { quoteIdent } from './identifiers';
import { ROLLUP_INDEXES, ROLLUP_TABLES } from './schema';
import { nextName, runComment } from './staging';

/** Visit counts are kept up to this many per status: the largest bucket is "4 or more". */
export const VISITS_CAP = 4;

/**
 * The statements that build the rollups from the filled staging tables (after their indexes: the
 * patient index gives the per-patient flags in patient order, without a sort), in order.
 * Window functions over the patient rather than a per-patient table joined back: measured on
 * PostgreSQL 15 at a million appointments, 6 s against 10 s on a busy 2-core machine.
 */
export function rollupStatements(schema: string, runId: number): string[] {
  const s = quoteIdent(schema);
  const next = (table: string) => `${s}.${quoteIdent(nextName(table))}`;
  const came = (status: string, over: string) => `coalesce(bool_or(a.status = '${status}' AND a.booking_date > a.patient_first_booking)${over}, false)`;
  const flagged = (columns: string) =>
    `SELECT ${columns}, ${came('confirmed', ' OVER w')} AS later_confirmed, ${came('cancelled', ' OVER w')} AS later_cancelled
       FROM ${next('appointments')} a WINDOW w AS (PARTITION BY a.patient_id)`;
  return [
    `CREATE TABLE ${next('appointments_by_day')} AS
       SELECT booking_date, status, placeholder, later_confirmed, later_cancelled, count(*)::int AS bookings
         FROM (${flagged(`a.booking_date, a.status, a.doctor_id IN (SELECT doctor_id FROM ${next('doctors')} WHERE is_placeholder) AS placeholder`)}) f
        GROUP BY 1, 2, 3, 4, 5`,
    `CREATE TABLE ${next('appointments_by_doctor')} AS
       SELECT doctor_id, status, later_confirmed, later_cancelled, count(*)::int AS bookings
         FROM (${flagged('a.doctor_id, a.status')}) f
        GROUP BY 1, 2, 3, 4`,
    `CREATE TABLE ${next('appointments_by_doctor_month')} AS
       SELECT date_trunc('month', booking_date)::date AS month, doctor_id, status, count(*)::int AS bookings
         FROM ${next('appointments')} GROUP BY 1, 2, 3`,
    `CREATE TABLE ${next('patients_first_day')} AS
       SELECT a.patient_id, min(a.patient_first_booking) AS first_day,
              min(a.booking_date) FILTER (WHERE a.status = 'confirmed' AND a.booking_date > a.patient_first_booking) AS next_confirmed,
              min(a.booking_date) FILTER (WHERE a.status = 'cancelled' AND a.booking_date > a.patient_first_booking) AS next_cancelled,
              (count(*) FILTER (WHERE a.status = 'confirmed' AND a.booking_date = a.patient_first_booking))::int AS confirmed,
              (count(*) FILTER (WHERE a.status = 'cancelled' AND a.booking_date = a.patient_first_booking))::int AS cancelled,
              (count(*) FILTER (WHERE a.status = 'confirmed'))::int AS all_confirmed, (count(*) FILTER (WHERE a.status = 'cancelled'))::int AS all_cancelled
         FROM ${next('appointments')} a GROUP BY a.patient_id`,
    // Came back with a confirmed (cancelled) booking: there is a next confirmed (cancelled) day.
    `CREATE TABLE ${next('patients_by_visits')} AS
       SELECT least(p.all_confirmed, ${VISITS_CAP}) AS confirmed, least(p.all_cancelled, ${VISITS_CAP}) AS cancelled,
              p.next_confirmed IS NOT NULL AS later_confirmed, p.next_cancelled IS NOT NULL AS later_cancelled, count(*)::int AS patients
         FROM ${next('patients_first_day')} p
        GROUP BY 1, 2, 3, 4`,
    `CREATE TABLE ${next('first_day_bookings')} AS
       SELECT a.booking_date AS first_day, a.status, a.doctor_id, d.is_placeholder AS placeholder, p.next_confirmed, p.next_cancelled, count(*)::int AS bookings
         FROM ${next('appointments')} a JOIN ${next('patients_first_day')} p USING (patient_id) JOIN ${next('doctors')} d USING (doctor_id)
        WHERE a.booking_date = a.patient_first_booking
        GROUP BY 1, 2, 3, 4, 5, 6`,
    ...ROLLUP_TABLES.flatMap((table) => (ROLLUP_INDEXES[table] ?? []).map((index) => `CREATE INDEX ${quoteIdent(nextName(index.name))} ON ${next(table)} ${index.on}`)),
    ...ROLLUP_TABLES.map((table) => `COMMENT ON TABLE ${next(table)} IS '${runComment(runId)}'`),
  ];
}
