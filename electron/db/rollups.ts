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
    `CREATE TABLE ${next('patients_by_visits')} AS
       SELECT least(confirmed, ${VISITS_CAP}) AS confirmed, least(cancelled, ${VISITS_CAP}) AS cancelled, later_confirmed, later_cancelled, count(*)::int AS patients
         FROM (SELECT a.patient_id, count(*) FILTER (WHERE a.status = 'confirmed')::int AS confirmed, count(*) FILTER (WHERE a.status = 'cancelled')::int AS cancelled,
                      ${came('confirmed', '')} AS later_confirmed, ${came('cancelled', '')} AS later_cancelled
                 FROM ${next('appointments')} a GROUP BY a.patient_id) p
        GROUP BY 1, 2, 3, 4`,
    ...ROLLUP_TABLES.flatMap((table) => (ROLLUP_INDEXES[table] ?? []).map((index) => `CREATE INDEX ${quoteIdent(nextName(index.name))} ON ${next(table)} ${index.on}`)),
    ...ROLLUP_TABLES.map((table) => `COMMENT ON TABLE ${next(table)} IS '${runComment(runId)}'`),
  ];
}
