/**
 * The dashboard's rollups as SQL over loaded appointments and doctors: how the load built them
 * before it computed their rows itself (electron/db/rollupRows.ts), kept as the oracle that code
 * is held to. Each statement creates one table named as the rollup in `target`, from the
 * `appointments` and `doctors` tables of `source`.
 */
import { quoteIdent } from '../../electron/db/identifiers';
import { CLUSTER_GAP_DAYS } from '../../electron/db/dashboard/timeAxis';
import { LAGS, VISITS_CAP } from '../../electron/db/rollupRows';

export function rollupsInSql(source: string, target: string): string[] {
  const from = (table: string) => `${quoteIdent(source)}.${quoteIdent(table)}`;
  const to = (table: string) => `${quoteIdent(target)}.${quoteIdent(table)}`;
  const came = (status: string, over: string) => `coalesce(bool_or(a.status = '${status}' AND a.booking_date > a.patient_first_booking)${over}, false)`;
  const flagged = (columns: string) =>
    `SELECT ${columns}, ${came('confirmed', ' OVER w')} AS later_confirmed, ${came('cancelled', ' OVER w')} AS later_cancelled
       FROM ${from('appointments')} a WINDOW w AS (PARTITION BY a.patient_id)`;
  return [
    `CREATE TABLE ${to('appointments_by_day')} AS
       SELECT booking_date, status, placeholder, later_confirmed, later_cancelled, count(*)::int AS bookings
         FROM (${flagged(`a.booking_date, a.status, a.doctor_id IN (SELECT doctor_id FROM ${from('doctors')} WHERE is_placeholder) AS placeholder`)}) f
        GROUP BY 1, 2, 3, 4, 5`,
    `CREATE TABLE ${to('appointments_by_doctor')} AS
       SELECT doctor_id, status, later_confirmed, later_cancelled, count(*)::int AS bookings
         FROM (${flagged('a.doctor_id, a.status')}) f
        GROUP BY 1, 2, 3, 4`,
    `CREATE TABLE ${to('appointments_by_doctor_month')} AS
       SELECT date_trunc('month', booking_date)::date AS month, doctor_id, status, count(*)::int AS bookings
         FROM ${from('appointments')} GROUP BY 1, 2, 3`,
    `CREATE TABLE ${to('patients_first_day')} AS
       SELECT a.patient_id, min(a.patient_first_booking) AS first_day,
              min(a.booking_date) FILTER (WHERE a.status = 'confirmed' AND a.booking_date > a.patient_first_booking) AS next_confirmed,
              min(a.booking_date) FILTER (WHERE a.status = 'cancelled' AND a.booking_date > a.patient_first_booking) AS next_cancelled,
              (count(*) FILTER (WHERE a.status = 'confirmed' AND a.booking_date = a.patient_first_booking))::int AS confirmed,
              (count(*) FILTER (WHERE a.status = 'cancelled' AND a.booking_date = a.patient_first_booking))::int AS cancelled,
              (count(*) FILTER (WHERE a.status = 'confirmed'))::int AS all_confirmed, (count(*) FILTER (WHERE a.status = 'cancelled'))::int AS all_cancelled
         FROM ${from('appointments')} a GROUP BY a.patient_id`,
    // Came back with a confirmed (cancelled) booking: there is a next confirmed (cancelled) day.
    `CREATE TABLE ${to('patients_by_visits')} AS
       SELECT least(p.all_confirmed, ${VISITS_CAP}) AS confirmed, least(p.all_cancelled, ${VISITS_CAP}) AS cancelled,
              p.next_confirmed IS NOT NULL AS later_confirmed, p.next_cancelled IS NOT NULL AS later_cancelled, count(*)::int AS patients
         FROM ${to('patients_first_day')} p
        GROUP BY 1, 2, 3, 4`,
    `CREATE TABLE ${to('first_day_bookings')} AS
       SELECT a.booking_date AS first_day, a.status, a.doctor_id, d.is_placeholder AS placeholder, p.next_confirmed, p.next_cancelled, count(*)::int AS bookings
         FROM ${from('appointments')} a JOIN ${to('patients_first_day')} p USING (patient_id) JOIN ${from('doctors')} d USING (doctor_id)
        WHERE a.booking_date = a.patient_first_booking
        GROUP BY 1, 2, 3, 4, 5, 6`,
    `CREATE TABLE ${to('patient_days_by_previous')} AS
       SELECT booking_date, previous_day, count(*)::int AS patients
         FROM (SELECT d.booking_date, lag(d.booking_date) OVER (PARTITION BY d.patient_id ORDER BY d.booking_date) AS previous_day
                 FROM (SELECT DISTINCT patient_id, booking_date FROM ${from('appointments')}) d) p
        GROUP BY 1, 2`,
    `CREATE TABLE ${to('cancelled_patient_days_by_previous')} AS
       SELECT booking_date, previous_day, count(*)::int AS patients
         FROM (SELECT d.booking_date, lag(d.booking_date) OVER (PARTITION BY d.patient_id ORDER BY d.booking_date) AS previous_day
                 FROM (SELECT DISTINCT patient_id, booking_date FROM ${from('appointments')} WHERE status = 'cancelled') d) p
        GROUP BY 1, 2`,
    `CREATE TABLE ${to('booking_lags')} AS
       SELECT l.booking_date, l.cancelled, l.lag_day, ${LAGS.map((lag) => `count(*) FILTER (WHERE l.lag = ${lag})::int AS lag${lag}`).join(', ')}
         FROM (${[false, true]
           .map(
             (cancelled) => `SELECT b.booking_date, ${cancelled} AS cancelled, k.lag, k.lag_day
                FROM (SELECT booking_date, ${LAGS.map((lag) => `lag(booking_date, ${lag}) OVER w AS lag${lag}`).join(', ')}
                        FROM ${from('appointments')} ${cancelled ? "WHERE status = 'cancelled'" : ''}
                      WINDOW w AS (PARTITION BY patient_id ORDER BY booking_date, booking_id)) b
                CROSS JOIN LATERAL (VALUES ${LAGS.map((lag) => `(${lag}, b.lag${lag})`).join(', ')}) k(lag, lag_day)
               WHERE k.lag_day IS NOT NULL`,
           )
           .join(' UNION ALL ')}) l
        GROUP BY 1, 2, 3`,
    `CREATE TABLE ${to('booking_day_clusters')} AS
       SELECT min(booking_date) AS first_day, max(booking_date) AS last_day, sum(bookings)::int AS bookings
         FROM (SELECT booking_date, bookings, count(*) FILTER (WHERE starts) OVER (ORDER BY booking_date) AS cluster
                 FROM (SELECT booking_date, bookings, coalesce(booking_date - lag(booking_date) OVER (ORDER BY booking_date) >= ${CLUSTER_GAP_DAYS}, true) AS starts
                         FROM (SELECT booking_date, count(*) AS bookings FROM ${from('appointments')} GROUP BY 1) d) c) k
        GROUP BY cluster`,
  ];
}
