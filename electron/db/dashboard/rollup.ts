/**
 * When the load's rollups (../rollups.ts) can answer a dashboard figure exactly, and their WHERE
 * clause. Each rollup keeps some of the filter's dimensions:
 * - by day: date, status, placeholder doctor, the patient's "came back" flags (no doctor);
 * - by doctor: doctor, status, the flags (no date);
 * - by visits: per patient, bookings per status, the flags (no date, no doctor).
 * A segment (new / returning) is decided over the bookings the filter keeps; the flags say it for
 * filters by status only, and the first-day rollups for filters by dates and status (firstDays.ts).
 * A segment with doctors, and everything else, is computed from the appointments themselves.
 */
import type pg from 'pg';
import type { DashboardFilter } from '../../../shared/contract';
import { quoteIdent } from '../identifiers';
import { ROLLUP_TABLES, type RollupTable } from '../schema';
import { binder } from './params';
import { statusesOf } from './rangeVisits';

type Rollup = 'byDay' | 'byDoctor' | 'byVisits';

/**
 * The whole months inside a filter's dates, and the days at either end outside them, for the
 * doctor-by-month rollup; null when the range holds no whole month. An open end runs to the first
 * or last month there is.
 */
export function wholeMonths(from: string | undefined, to: string | undefined): { first: string | null; last: string | null } | null {
  const monthStart = (iso: string) => `${iso.slice(0, 7)}-01`;
  const shift = (month: string, by: number) => {
    const date = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1 + by, 1));
    return date.toISOString().slice(0, 10);
  };
  const first = from === undefined ? null : from === monthStart(from) ? from : shift(monthStart(from), 1);
  // The month of `to` counts when `to` is its last day.
  const last = to === undefined ? null : addDay(to).endsWith('-01') ? monthStart(to) : shift(monthStart(to), -1);
  if (first !== null && last !== null && first > last) return null;
  return { first, last };
}

function addDay(iso: string): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** Whether `rollup` holds every dimension `filter` needs. */
export function rollupAnswers(rollup: Rollup, filter: DashboardFilter): boolean {
  const dated = Boolean(filter.from || filter.to);
  const byDoctor = Boolean(filter.doctorIds?.length || filter.specialties?.length);
  const segmented = (filter.segment ?? 'all') !== 'all';
  if (rollup === 'byDay') return !byDoctor && !(segmented && dated);
  if (rollup === 'byDoctor') return !dated && !(segmented && byDoctor);
  return !dated && !byDoctor;
}

/**
 * The rollups the figures read together. The patient-day and booking-day-cluster rollups came
 * later and are checked by their own readers (patientDays, context): a schema loaded before them
 * keeps these until its next load.
 */
const OWN_READERS: readonly RollupTable[] = ['patient_days_by_previous', 'cancelled_patient_days_by_previous', 'booking_lags', 'booking_day_clusters'];
const SUM_ROLLUPS: readonly RollupTable[] = ROLLUP_TABLES.filter((table) => !OWN_READERS.includes(table));

/**
 * The rollups are used only when they sum the appointments beside them: built by the same load
 * (each table carries its run's mark, staging.ts). A schema loaded by an older version has none,
 * or stale ones a newer version left; a role allowed to read the appointments may not be allowed
 * to read them. Then every figure comes from the appointments.
 */
export async function rollupsCurrent(client: pg.ClientBase, schema: string, tables: readonly RollupTable[] = SUM_ROLLUPS): Promise<boolean> {
  const s = quoteIdent(schema);
  const name = (table: string) => `${s}.${quoteIdent(table)}`;
  const { rows } = await client.query<{ current: boolean | null }>(
    `SELECT bool_and(obj_description(to_regclass(t), 'pg_class') = obj_description(to_regclass($1), 'pg_class') AND has_table_privilege(to_regclass(t), 'SELECT')) AS current
       FROM unnest($2::text[]) AS t`,
    [name('appointments'), tables.map(name)],
  );
  return rows[0]?.current === true;
}

export interface RollupSql {
  /** Conditions on the rollup's rows (alias `r`), joined by AND; empty for none. */
  conditions: string[];
  /** Bookings per patient in the filter, as SQL over patients_by_visits (alias `r`). */
  visits: () => string;
  /** Cancelled bookings per patient in the filter, likewise. */
  cancels: () => string;
  /** Whether the patient of the row came back within the filter. */
  returning: () => string;
}

/**
 * The filter on a rollup. The statuses are bound once; "came back" is a confirmed booking after
 * the first day (when confirmed bookings are in the view) or a cancelled one (likewise).
 */
export function rollupSql(schema: string, rollup: Rollup, filter: DashboardFilter, params: unknown[]): RollupSql {
  const statuses = statusesOf(filter);
  // Bound when first used: a parameter the statement never names is an error.
  let bound: string | null = null;
  const st = () => (bound ??= `$${params.push(statuses)}::text[]`);
  const bind = binder(params);
  const conditions: string[] = [];
  if (rollup !== 'byVisits' && filter.statuses?.length) conditions.push(`r.status = ANY(${st()})`);
  if (rollup === 'byDay') {
    if (filter.from) conditions.push(`r.booking_date >= ${bind(filter.from)}::date`);
    if (filter.to) conditions.push(`r.booking_date <= ${bind(filter.to)}::date`);
  }
  if (rollup === 'byDoctor') {
    if (filter.doctorIds?.length) conditions.push(`r.doctor_id = ANY(${bind(filter.doctorIds)}::int[])`);
    if (filter.specialties?.length) {
      conditions.push(`r.doctor_id IN (SELECT doctor_id FROM ${quoteIdent(schema)}.doctors WHERE coalesce(specialty, '') = ANY(${bind(filter.specialties)}::text[]))`);
    }
  }
  const returning = () => `((r.later_confirmed AND 'confirmed' = ANY(${st()})) OR (r.later_cancelled AND 'cancelled' = ANY(${st()})))`;
  if (filter.segment === 'returning') conditions.push(returning());
  if (filter.segment === 'new') conditions.push(`NOT ${returning()}`);
  const visits = () => `(CASE WHEN 'confirmed' = ANY(${st()}) THEN r.confirmed ELSE 0 END + CASE WHEN 'cancelled' = ANY(${st()}) THEN r.cancelled ELSE 0 END)`;
  const cancels = () => `CASE WHEN 'cancelled' = ANY(${st()}) THEN r.cancelled ELSE 0 END`;
  if (rollup === 'byVisits') conditions.push(`${visits()} > 0`);
  return { conditions, visits, cancels, returning };
}

export const whereOf = (conditions: readonly string[]): string => (conditions.length ? `WHERE ${conditions.join(' AND ')}` : '');
