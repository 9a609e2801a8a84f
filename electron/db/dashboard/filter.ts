/**
 * The dashboard's filters as SQL: every chart and table reads the same WHERE clause, built with
 * bound parameters only (no value is ever spliced into the text).
 */
import type { DashboardFilter, DrillFilter, VisitBucket } from '../../../shared/contract';

export interface SqlParts {
  where: string;
  params: unknown[];
}

/**
 * `a` is the appointments alias. Segments: a patient is *new* in the range when their first
 * booking ever falls inside it, *returning* when they had a booking before it starts. With no
 * start date every patient's first booking is inside the range, so all are new. The start is
 * `segmentFrom` when given (a drill narrowed the dates but keeps the dashboard's start), else the
 * range's own `from`.
 *
 * `visits` (drill-through only) keeps the bookings of patients with that many bookings within
 * the rest of the filter: the same conditions, counted per patient in a subquery.
 */
export function filterSql(schema: string, filter: DrillFilter, params: unknown[] = [], overrideRange?: { from?: string; to?: string }): SqlParts {
  const range = overrideRange ?? { from: filter.from, to: filter.to };
  const conditions = filterConditions(schema, filter, params, range, 'a');
  if (filter.visits) {
    // The patients are counted under the same conditions, read again under the subquery's alias.
    const inner = filterConditions(schema, filter, params, range, 'v');
    conditions.push(
      `a.patient_id IN (SELECT v.patient_id FROM ${schema}.appointments v ${inner.length ? `WHERE ${inner.join(' AND ')}` : ''} GROUP BY v.patient_id HAVING ${VISITS_HAVING[filter.visits]})`,
    );
  }
  return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

const VISITS_HAVING: Record<VisitBucket, string> = { '1': 'count(*) = 1', '2-3': 'count(*) BETWEEN 2 AND 3', '4+': 'count(*) >= 4' };

function filterConditions(schema: string, filter: DashboardFilter, params: unknown[], range: { from?: string; to?: string }, alias: 'a' | 'v'): string[] {
  const conditions: string[] = [];
  const bind = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (range.from) conditions.push(`${alias}.booking_date >= ${bind(range.from)}::date`);
  if (range.to) conditions.push(`${alias}.booking_date <= ${bind(range.to)}::date`);
  if (filter.doctorIds?.length) conditions.push(`${alias}.doctor_id = ANY(${bind(filter.doctorIds)}::int[])`);
  if (filter.statuses?.length) conditions.push(`${alias}.status = ANY(${bind(filter.statuses)}::text[])`);
  if (filter.specialties?.length) {
    conditions.push(`${alias}.doctor_id IN (SELECT doctor_id FROM ${schema}.doctors WHERE coalesce(specialty, '') = ANY(${bind(filter.specialties)}::text[]))`);
  }
  const segmentFrom = segmentStart(filter, range);
  if (filter.segment === 'new' && segmentFrom) {
    conditions.push(`${alias}.patient_first_booking >= ${bind(segmentFrom)}::date`);
  } else if (filter.segment === 'returning') {
    // Without a start date nobody has come "before": an empty result, said so in the caveats.
    conditions.push(segmentFrom ? `${alias}.patient_first_booking < ${bind(segmentFrom)}::date` : 'false');
  }
  return conditions;
}

/** The day new and returning patients are told apart at: `segmentFrom`, else the range's start. */
export function segmentStart(filter: DashboardFilter, range: { from?: string | undefined } = filter): string | undefined {
  return filter.segmentFrom ?? range.from;
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

/** Day buckets up to three months, weeks up to two years, months beyond. */
export function autoGranularity(from: string, to: string): 'day' | 'week' | 'month' {
  const days = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
  if (days <= 92) return 'day';
  if (days <= 731) return 'week';
  return 'month';
}
