/**
 * The dashboard's filters as SQL: every chart and table reads the same WHERE clause, built with
 * bound parameters only (no value is ever spliced into the text).
 */
import type { DashboardFilter, DrillFilter, VisitBucket } from '../../../shared/contract';
import { nextVisit } from './firstDays';
import { binder } from './params';

export interface SqlParts {
  where: string;
  params: unknown[];
}

type Range = { from?: string | undefined; to?: string | undefined };

/**
 * `a` is the appointments alias.
 *
 * Segments are decided per patient over the *scope* (the dashboard's own filter; for a drill that
 * narrowed it, `filter.scope`): a patient is *returning* when one of their bookings in the scope
 * falls after the day of their first booking ever (they came back), *new* otherwise. So the
 * default view, everything loaded, tells one-visit patients from those who came back.
 *
 * `visits` (drill-through only) keeps the bookings of patients with that many bookings within
 * the scope.
 *
 * `overrideRange` replaces the filter's dates, scope included (the previous period's figures).
 * `firstDays`: the load's first-day rollup is current and may decide the segment (see below).
 */
export function filterSql(schema: string, filter: DrillFilter, params: unknown[] = [], overrideRange?: Range, firstDays = false): SqlParts {
  const withRange = (f: DashboardFilter): DashboardFilter => (overrideRange ? { ...f, from: overrideRange.from, to: overrideRange.to } : f);
  const own = withRange(filter);
  const scope = withRange(filter.scope ?? filter);
  const bind = binder(params);
  const conditions = rowConditions(schema, own, 'a', bind);
  if ((filter.segment === 'new' || filter.segment === 'returning') && firstDays && !filter.scope && !own.doctorIds?.length && !own.specialties?.length) {
    // The scope is the row's own filter: a row after the patient's first day is itself a visit
    // back; a row on the first day is one when the patient's next day with a booking of the
    // view's statuses is within the view (patients_first_day, see firstDays.ts). One index
    // lookup per first-day row, instead of the patient's bookings for every row.
    const next = `(SELECT ${nextVisit(own, 'p')} FROM ${schema}.patients_first_day p WHERE p.patient_id = a.patient_id)`;
    const came = own.to ? `coalesce(${next} <= ${bind(own.to)}::date, false)` : `${next} IS NOT NULL`;
    conditions.push(filter.segment === 'returning' ? `(a.booking_date > a.patient_first_booking OR ${came})` : `a.booking_date = a.patient_first_booking AND NOT ${came}`);
  } else if (filter.segment === 'new' || filter.segment === 'returning') {
    // The patient came back within the scope: a booking there after their first day ever.
    const cameBack = `SELECT 1 FROM ${schema}.appointments v WHERE v.patient_id = a.patient_id AND v.booking_date > v.patient_first_booking${rowConditions(schema, scope, 'v', bind)
      .map((c) => ` AND ${c}`)
      .join('')}`;
    conditions.push(filter.segment === 'returning' ? `EXISTS (${cameBack})` : `NOT EXISTS (${cameBack})`);
  }
  if (filter.visits) {
    const inner = rowConditions(schema, scope, 'v', bind);
    conditions.push(
      `a.patient_id IN (SELECT v.patient_id FROM ${schema}.appointments v ${inner.length ? `WHERE ${inner.join(' AND ')}` : ''} GROUP BY v.patient_id HAVING ${VISITS_HAVING[filter.visits]})`,
    );
  }
  return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

const VISITS_HAVING: Record<VisitBucket, string> = { '1': 'count(*) = 1', '2-3': 'count(*) BETWEEN 2 AND 3', '4+': 'count(*) >= 4' };

/** The conditions on each booking itself (dates, doctors, statuses, specialties), under `alias`. */
function rowConditions(schema: string, filter: DashboardFilter, alias: 'a' | 'v', bind: (value: unknown) => string): string[] {
  const conditions: string[] = [];
  if (filter.from) conditions.push(`${alias}.booking_date >= ${bind(filter.from)}::date`);
  if (filter.to) conditions.push(`${alias}.booking_date <= ${bind(filter.to)}::date`);
  if (filter.doctorIds?.length) conditions.push(`${alias}.doctor_id = ANY(${bind(filter.doctorIds)}::int[])`);
  if (filter.statuses?.length) conditions.push(`${alias}.status = ANY(${bind(filter.statuses)}::text[])`);
  if (filter.specialties?.length) {
    conditions.push(`${alias}.doctor_id IN (SELECT doctor_id FROM ${schema}.doctors WHERE coalesce(specialty, '') = ANY(${bind(filter.specialties)}::text[]))`);
  }
  return conditions;
}

/** The doctor and specialty parts of the filter on the doctors table (alias `d`). */
export function doctorConditions(filter: DashboardFilter, params: unknown[]): string[] {
  const conditions: string[] = [];
  if (filter.doctorIds?.length) conditions.push(`d.doctor_id = ANY($${params.push(filter.doctorIds)}::int[])`);
  if (filter.specialties?.length) conditions.push(`coalesce(d.specialty, '') = ANY($${params.push(filter.specialties)}::text[])`);
  return conditions;
}

/** Whether the filter keeps every loaded booking. */
export function isWholeLoad(filter: DashboardFilter): boolean {
  return !filter.from && !filter.to && !filter.doctorIds?.length && !filter.specialties?.length && !filter.statuses?.length && (filter.segment ?? 'all') === 'all';
}

/** The range of the same length just before [from, to], for period-over-period figures. */
export function previousRange(from: string, to: string): { from: string; to: string } {
  const day = 86_400_000;
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  const length = Math.round((end - start) / day) + 1;
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: iso(start - length * day), to: iso(start - day) };
}
