/**
 * The new patients of a date range (firstDays.ts) for a range that leaves few bookings out, from
 * the whole load's new patients (the rollups' "never came back" flags, a few thousand rows)
 * instead of the range's first days (~314k first-day rows for the main span of a million
 * appointments, read three times by the key figures). Every patient whose bookings all lie in the
 * range is new in the range exactly when new over the whole load; the others have a booking
 * before or after it (431 of 953,736 bookings for that span), found off the date index, and are
 * corrected one by one from their first-day row: a patient new over the whole load but not in
 * the range is taken out, one new in the range but not over the whole load (they came back only
 * after `to`) put in. Same figures, exactly; only what is read changes.
 */
import type { DashboardFilter } from '../../../shared/contract';
import { quoteIdent } from '../identifiers';
import { cameBackBy, firstDayVisits, nextVisit } from './firstDays';
import { rollupSql, whereOf } from './rollup';
import { inRange, outsideEnds, statusesOf, visitConditions } from './rangeVisits';
import { binder } from './params';


/** The whole load's new patients for the view's statuses (no dates). */
const wholeNew = (filter: DashboardFilter): DashboardFilter => ({ statuses: filter.statuses, segment: 'new' });

/** The patients with a booking (any status) before `from` or after `to`; `after` only: those after `to`. */
function outsiders(schema: string, filter: DashboardFilter, bind: (value: unknown) => string, afterOnly = false): string {
  const ends = outsideEnds(schema, filter, bind, { afterOnly });
  // Each patient once, whichever end and however many bookings there (they are looked up one by one).
  return ends.length ? `SELECT DISTINCT e.patient_id FROM (${ends.join(' UNION ALL ')}) e` : 'SELECT NULL::bigint AS patient_id WHERE false';
}

/**
 * The first-day rows (alias `r`) of those patients, looked up one by one on the patient index: as
 * a join, PostgreSQL read all ~314k rows of patients_first_day for a few hundred patients (it
 * expects ~1.8k of them and fetches each row from the heap); OFFSET 0 keeps the lookup a lookup.
 */
function movedPatients(schema: string, filter: DashboardFilter, bind: (value: unknown) => string, afterOnly = false): string {
  return `(SELECT f.* FROM (${outsiders(schema, filter, bind, afterOnly)}) o
             CROSS JOIN LATERAL (SELECT * FROM ${quoteIdent(schema)}.patients_first_day f WHERE f.patient_id = o.patient_id OFFSET 0) f) r`;
}

/** Conditions on a first-day row (alias `r`): new over the whole load / new within the range. */
function membership(filter: DashboardFilter, bind: (value: unknown) => string): { whole: string; range: string } {
  const firstDayIn = inRange(filter, 'r.first_day', bind);
  return { whole: `${nextVisit(filter, 'r')} IS NULL`, range: `(${[...(firstDayIn ? [firstDayIn] : []), `NOT ${cameBackBy(filter, 'r', bind)}`].join(' AND ')})` };
}

/**
 * The new patients' bookings per day, status and placeholder doctor (as firstDays.ts's newByDay):
 * the whole load's new patients' bookings in the range (all on their first day), and the first-day
 * bookings of those new in the range who came back after it.
 */
export function newByDayFromWhole(schema: string, filter: DashboardFilter, params: unknown[]): string {
  const s = quoteIdent(schema);
  const bind = binder(params);
  const day = rollupSql(schema, 'byDay', { ...wholeNew(filter), from: filter.from, to: filter.to }, params).conditions;
  const parts = [`SELECT r.booking_date, r.status, r.placeholder, r.bookings FROM ${s}.appointments_by_day r ${whereOf(day)}`];
  if (filter.to) {
    const { range } = membership(filter, bind);
    parts.push(`SELECT a.booking_date, a.status, d.is_placeholder AS placeholder, 1 AS bookings
                  FROM ${movedPatients(schema, filter, bind, true)}
                  JOIN ${s}.appointments a ON a.patient_id = r.patient_id AND a.booking_date = r.first_day
                  JOIN ${s}.doctors d ON d.doctor_id = a.doctor_id
                 WHERE ${nextVisit(filter, 'r')} IS NOT NULL AND ${range}
                   AND a.status = ANY(${bind(statusesOf(filter))}::text[])`);
  }
  return `SELECT n.booking_date, n.status, n.placeholder, sum(n.bookings) AS bookings FROM (${parts.join(' UNION ALL ')}) n GROUP BY 1, 2, 3`;
}

/** The new patients' figures (as firstDays.ts's newPatientFigures). */
export function newPatientFiguresFromWhole(schema: string, filter: DashboardFilter, params: unknown[]): string {
  const s = quoteIdent(schema);
  const visits = rollupSql(schema, 'byVisits', wholeNew(filter), params);
  const bind = binder(params);
  const firstDay = firstDayVisits(filter);
  const { whole, range } = membership(filter, bind);
  const wholeFigures = visitConditions(visits.visits(), visits.cancels()).map(([name, when]) => `coalesce(sum(r.patients) FILTER (WHERE ${when}), 0) AS ${name}`);
  const moved = visitConditions(firstDay.visits, firstDay.cancels).map(
    ([name, when]) => `count(*) FILTER (WHERE ${when} AND ${range}) - count(*) FILTER (WHERE ${when} AND ${whole}) AS ${name}`,
  );
  const names = visitConditions('', '').map(([name]) => `w.${name} + m.${name} AS ${name}`);
  return `SELECT ${names.join(', ')}
            FROM (SELECT ${wholeFigures.join(', ')} FROM ${s}.patients_by_visits r ${whereOf(visits.conditions)}) w,
                 (SELECT ${moved.join(', ')} FROM ${movedPatients(schema, filter, bind)}) m`;
}

/**
 * The doctors (doctors, placeholders) of the new patients' bookings (as firstDays.ts's
 * newPatientDoctors): those with any left in newByDoctorFromWhole.
 */
export function newPatientDoctorsFromWhole(schema: string, filter: DashboardFilter, params: unknown[]): string {
  return `SELECT count(*) AS doctors, count(*) FILTER (WHERE d.is_placeholder) AS placeholders
            FROM (${newByDoctorFromWhole(schema, filter, params)}) p JOIN ${quoteIdent(schema)}.doctors d USING (doctor_id)`;
}

/**
 * The new patients' bookings per doctor (doctor_id, total, confirmed, cancelled, as firstDays.ts's
 * segmentByDoctor reads them from first_day_bookings): the whole load's new patients' bookings per
 * doctor and status, corrected by the first-day bookings of the patients moved in or out. Doctors
 * left at none are left out, as there.
 */
export function newByDoctorFromWhole(schema: string, filter: DashboardFilter, params: unknown[]): string {
  const s = quoteIdent(schema);
  const byDoctor = rollupSql(schema, 'byDoctor', wholeNew(filter), params).conditions;
  const bind = binder(params);
  const { whole, range } = membership(filter, bind);
  const moved = `SELECT a.doctor_id, a.status, sum((CASE WHEN ${range} THEN 1 ELSE 0 END) - (CASE WHEN ${whole} THEN 1 ELSE 0 END)) AS bookings
                   FROM ${movedPatients(schema, filter, bind)}
                   JOIN ${s}.appointments a ON a.patient_id = r.patient_id AND a.booking_date = r.first_day
                  WHERE a.status = ANY(${bind(statusesOf(filter))}::text[])
                  GROUP BY a.doctor_id, a.status`;
  return `SELECT p.doctor_id, sum(p.bookings) AS total, sum(p.bookings) FILTER (WHERE p.status = 'confirmed') AS confirmed,
                 sum(p.bookings) FILTER (WHERE p.status = 'cancelled') AS cancelled
            FROM (SELECT r.doctor_id, r.status, r.bookings FROM ${s}.appointments_by_doctor r ${whereOf(byDoctor)} UNION ALL ${moved}) p
           GROUP BY p.doctor_id HAVING sum(p.bookings) > 0`;
}
