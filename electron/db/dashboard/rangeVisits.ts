/**
 * The visit figures of a date range (patients, one, two_to_three, four_plus,
 * repeated_cancellations: each patient's bookings and cancelled bookings within the range and the
 * view's statuses), for views with no doctor, specialty or segment. Whichever side of the range
 * holds fewer bookings is grouped by patient:
 * - inside: the range's bookings, by patient (a year at a million appointments: ~375k rows);
 * - outside: the whole load's figures for the statuses (patients_by_visits, a few dozen rows),
 *   corrected for the patients with a booking outside the range: each such patient's whole-load
 *   figures are taken out and their figures within the range put in. Every figure is a count of
 *   patients, so it splits exactly; the "main span" of a million appointments leaves a few
 *   hundred bookings outside it, against grouping ~950k inside (~150 ms on PostgreSQL 15).
 * Inside, whether a patient came back is decided in the same pass; outside, it is the range's
 * patients less its new ones (firstDays.ts).
 */
import type { DashboardFilter } from '../../../shared/contract';
import { quoteIdent } from '../identifiers';
import { binder } from './params';

export const VISIT_FIGURES = ['patients', 'one', 'two_to_three', 'four_plus', 'repeated_cancellations'] as const;
export type VisitFigure = (typeof VISIT_FIGURES)[number];

/** Whether this filter's visit figures are answered here: dates, and no doctor, specialty or segment. */
export function rangeVisitsAnswer(filter: DashboardFilter): boolean {
  return Boolean(filter.from || filter.to) && !filter.doctorIds?.length && !filter.specialties?.length && (filter.segment ?? 'all') === 'all';
}

/** The statuses the view counts (both when it names none). */
export const statusesOf = (filter: DashboardFilter): string[] => (filter.statuses?.length ? filter.statuses : ['confirmed', 'cancelled']);

/** Whether the view counts cancelled bookings alone. */
export const cancelledOnly = (filter: DashboardFilter): boolean => !statusesOf(filter).includes('confirmed');

/** The range as conditions on a date column (SQL, '' for no dates), bound with `bind`. */
export function inRange(filter: DashboardFilter, column: string, bind: (value: unknown) => string): string {
  const conditions: string[] = [];
  if (filter.from) conditions.push(`${column} >= ${bind(filter.from)}::date`);
  if (filter.to) conditions.push(`${column} <= ${bind(filter.to)}::date`);
  return conditions.join(' AND ');
}

/**
 * About how many bookings the range leaves out and how many it holds (columns outside, inside):
 * which side to group by patient. From the runs of booking days (booking_day_clusters, a few
 * dozen rows), counting the runs wholly on either side; a run the range cuts counts on neither,
 * and the statuses are not told apart (a sum over the day rollup, exact, cost ~10 ms of CPU at
 * a million appointments, more than some of the queries it chose for). The choice changes the
 * time a figure takes, never the figure.
 */
export function rangeSides(schema: string, filter: DashboardFilter, params: unknown[]): string {
  const bind = binder(params);
  const outside: string[] = [];
  const inside: string[] = [];
  if (filter.from) {
    const from = bind(filter.from);
    outside.push(`r.last_day < ${from}::date`);
    inside.push(`r.first_day >= ${from}::date`);
  }
  if (filter.to) {
    const to = bind(filter.to);
    outside.push(`r.first_day > ${to}::date`);
    inside.push(`r.last_day <= ${to}::date`);
  }
  return `SELECT coalesce(sum(r.bookings) FILTER (WHERE ${outside.join(' OR ')}), 0) AS outside, coalesce(sum(r.bookings) FILTER (WHERE ${inside.join(' AND ')}), 0) AS inside,
                 coalesce(sum(r.bookings), 0) AS total
            FROM ${quoteIdent(schema)}.booking_day_clusters r`;
}

/**
 * The range's bookings of the view's statuses, exactly (column `bookings`), from the day rollup:
 * a few rows a day of the range (a month at a million appointments: ~130 rows). The runs of
 * booking days cannot tell a month from a year when both lie inside one run.
 */
export function rangeBookings(schema: string, filter: DashboardFilter, params: unknown[]): string {
  const bind = binder(params);
  return `SELECT coalesce(sum(r.bookings), 0) AS bookings FROM ${quoteIdent(schema)}.appointments_by_day r
           WHERE ${inRange(filter, 'r.booking_date', bind)} AND r.status = ANY(${bind(statusesOf(filter))}::text[])`;
}

/**
 * Whether the range's bookings (inside) are grouped by patient in one statement with hash
 * aggregation rather than in patient slices sorted by patient (aggregates.ts): while its hash table
 * stays small (a few MB, within work_mem × hash_mem_multiplier). Server CPU at a million
 * appointments on PostgreSQL 15, one statement hashed against the two sorted slices (each reads
 * the whole range of the date index): a month (31k bookings) 29–31 against 35–37 ms, a quarter
 * (80k) 133 against 114 ms. Beyond `HASHED_AT_MOST` or a twentieth of the load, the sorted
 * slices; the twentieth also keeps them in use, and tested, on small loads.
 */
export const HASHED_AT_MOST = 40_000;
export function groupHashed(bookings: number, loadBookings: number): boolean {
  return bookings <= HASHED_AT_MOST && bookings * 20 <= loadBookings;
}

/** The visit figures of patients with `n` bookings and `x` cancelled ones in the view, as conditions. */
export function visitConditions(n: string, x: string): [VisitFigure, string][] {
  return [
    ['patients', `${n} > 0`],
    ['one', `${n} = 1`],
    ['two_to_three', `${n} BETWEEN 2 AND 3`],
    ['four_plus', `${n} >= 4`],
    ['repeated_cancellations', `${x} >= 2`],
  ];
}

/**
 * The visit figures of a set of patients (n: bookings, x: cancelled ones) as aggregates, with
 * `prefix` on each name: a patient a row, or `weight` patients a row (a rollup's patients column).
 */
export function visitFigures(n: string, x: string, { weight, prefix = '' }: { weight?: string; prefix?: string } = {}): string {
  return visitConditions(n, x)
    .map(([name, when]) => `${weight ? `sum(${weight})` : 'count(*)'} FILTER (WHERE ${when}) AS ${prefix}${name}`)
    .join(', ');
}

/**
 * The range's visit figures grouped by patient from the rows `where` keeps (the filter's, from
 * filter.ts, alias `a`): the side inside. With them returning_patients, those with a booking in
 * the range after their first day ever; `returning`: the figures are those patients' only (the
 * segment is decided in the same pass, with no first-day rollup read beside it). A patient's
 * first day ever is on each of their rows, so "came back" is one flag per row (bool_or), and for
 * the returning segment a HAVING on the groups: a year at a million appointments, each patient
 * slice ~10% less server CPU than a min and a max per patient tested in every outer figure.
 */
export function visitsInside(schema: string, where: string, returning: boolean): string {
  const back = 'bool_or(a.booking_date > a.patient_first_booking)';
  const grouped = (extra: string, having: string) => `SELECT a.patient_id, count(*) AS n, count(*) FILTER (WHERE a.status = 'cancelled') AS x${extra}
                    FROM ${quoteIdent(schema)}.appointments a ${where} GROUP BY a.patient_id${having}`;
  if (returning) return `SELECT ${visitFigures('p.n', 'p.x')}, count(*) AS returning_patients FROM (${grouped('', ` HAVING ${back}`)}) p`;
  return `SELECT ${visitFigures('p.n', 'p.x')}, count(*) FILTER (WHERE p.back) AS returning_patients FROM (${grouped(`, ${back} AS back`, '')}) p`;
}

/**
 * The patients (patient_id) with a booking before the range and those with one after it, a
 * statement each (`afterOnly`: after it only), with `also` as a further condition on the booking
 * (alias `o`). Each end is its own range of the date index: an OR of the two read the table's
 * pages through a bitmap.
 */
export function outsideEnds(schema: string, filter: DashboardFilter, bind: (value: unknown) => string, { also, afterOnly = false }: { also?: string; afterOnly?: boolean } = {}): string[] {
  const s = quoteIdent(schema);
  const and = also ? ` AND ${also}` : '';
  const ends: string[] = [];
  if (filter.from && !afterOnly) ends.push(`SELECT o.patient_id FROM ${s}.appointments o WHERE o.booking_date < ${bind(filter.from)}::date${and}`);
  if (filter.to) ends.push(`SELECT o.patient_id FROM ${s}.appointments o WHERE o.booking_date > ${bind(filter.to)}::date${and}`);
  return ends;
}

/**
 * The patients with a booking of the view's statuses outside the range: their visit figures over
 * the whole load (all_…) and within the range (in_…). The range's figures are the whole load's
 * (patients_by_visits) less the first, plus the second.
 */
export function visitsOutside(schema: string, filter: DashboardFilter, params: unknown[]): string {
  const s = quoteIdent(schema);
  const bind = binder(params);
  const statuses = `${bind(statusesOf(filter))}::text[]`;
  const inside = inRange(filter, 'a.booking_date', bind);
  const ends = outsideEnds(schema, filter, bind, { also: `o.status = ANY(${statuses})` });
  return `SELECT ${visitFigures('p.n', 'p.x', { prefix: 'all_' })}, ${visitFigures('p.n_in', 'p.x_in', { prefix: 'in_' })}
            FROM (SELECT a.patient_id, count(*) AS n, count(*) FILTER (WHERE a.status = 'cancelled') AS x,
                         count(*) FILTER (WHERE ${inside}) AS n_in, count(*) FILTER (WHERE ${inside} AND a.status = 'cancelled') AS x_in
                    FROM ${s}.appointments a
                   WHERE a.patient_id IN (${ends.join(' UNION ')}) AND a.status = ANY(${statuses})
                   GROUP BY a.patient_id) p`;
}
