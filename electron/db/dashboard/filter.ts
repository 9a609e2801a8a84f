/**
 * The dashboard's filters as SQL: every chart and table reads the same WHERE clause, built with
 * bound parameters only (no value is ever spliced into the text).
 */
import type { DashboardFilter } from '../../../shared/contract';

export interface SqlParts {
  where: string;
  params: unknown[];
}

/**
 * `a` is the appointments alias. Segments: a patient is *new* in the range when their first
 * booking ever falls inside it, *returning* when they had a booking before it starts. With no
 * start date every patient's first booking is inside the range, so all are new.
 */
export function filterSql(schema: string, filter: DashboardFilter, params: unknown[] = [], overrideRange?: { from?: string; to?: string }): SqlParts {
  const range = overrideRange ?? { from: filter.from, to: filter.to };
  const conditions: string[] = [];
  const bind = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (range.from) conditions.push(`a.booking_date >= ${bind(range.from)}::date`);
  if (range.to) conditions.push(`a.booking_date <= ${bind(range.to)}::date`);
  if (filter.doctorIds?.length) conditions.push(`a.doctor_id = ANY(${bind(filter.doctorIds)}::int[])`);
  if (filter.statuses?.length) conditions.push(`a.status = ANY(${bind(filter.statuses)}::text[])`);
  if (filter.specialties?.length) {
    conditions.push(`a.doctor_id IN (SELECT doctor_id FROM ${schema}.doctors WHERE coalesce(specialty, '') = ANY(${bind(filter.specialties)}::text[]))`);
  }
  if (filter.segment === 'new' && range.from) {
    conditions.push(`a.patient_first_booking >= ${bind(range.from)}::date`);
  } else if (filter.segment === 'returning') {
    // Without a start date nobody has come "before": an empty result, said so in the caveats.
    conditions.push(range.from ? `a.patient_first_booking < ${bind(range.from)}::date` : 'false');
  }
  return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
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
