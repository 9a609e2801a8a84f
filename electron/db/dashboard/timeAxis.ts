/**
 * Where a time axis should run: the dense span of the bookings, not their extremes. Real exports
 * hold a few days or months of bookings plus outliers years away (a date column dragged down in
 * Excel: 10/24/2026, 10/24/2027, … 10/24/2355, one booking a year). Drawn from first to last
 * booking, such data is one bar on an axis of centuries; drawn over its dense span, it is the
 * days the clinic worked, with the outliers counted beside the chart.
 *
 * The rule, in two steps over the bookings per day:
 * 1. Clusters: booking days less than CLUSTER_GAP_DAYS apart belong to one cluster (a closed
 *    week or a summer break does not split the data; a year between two bookings does).
 * 2. A cluster is dense when it holds at least DENSE_SHARE of the bookings, or is as large as the
 *    largest cluster (so data that is sparse everywhere keeps its whole span). The span runs from
 *    the first dense cluster to the last; bookings outside it are the outliers before and after.
 *
 * Pure functions on 'YYYY-MM-DD' strings (UTC midnights, no time zone), unit-tested beside.
 */
import type { DenseSpan, Granularity } from '../../../shared/contract';

export const CLUSTER_GAP_DAYS = 62;
export const DENSE_SHARE = 0.02;

const DAY_MS = 86_400_000;

export interface DayCount {
  day: string;
  bookings: number;
}

export function dayNumber(iso: string): number {
  return Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
}

export function isoOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Bookings on days less than CLUSTER_GAP_DAYS apart, first and last day included. */
export interface DayCluster {
  first: string;
  last: string;
  bookings: number;
}

/** The dense span of bookings per day (in any order); null when there are none. */
export function denseSpan(days: readonly DayCount[]): DenseSpan | null {
  return denseSpanOfClusters(dayClusters(days));
}

/** The clusters of booking days (in any order), in date order. */
export function dayClusters(days: readonly DayCount[]): DayCluster[] {
  const sorted = days.filter((d) => d.bookings > 0).sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const clusters: DayCluster[] = [];
  let previous = Number.NaN;
  for (const d of sorted) {
    const day = dayNumber(d.day);
    const current = clusters[clusters.length - 1];
    if (current && day - previous < CLUSTER_GAP_DAYS) {
      current.last = d.day;
      current.bookings += d.bookings;
    } else clusters.push({ first: d.day, last: d.day, bookings: d.bookings });
    previous = day;
  }
  return clusters;
}

/**
 * The dense span from the clusters of booking days, in date order (as denseSpan makes them, or
 * the load's rollup of them); null when there are none.
 */
export function denseSpanOfClusters(clusters: readonly DayCluster[]): DenseSpan | null {
  if (clusters.length === 0) return null;
  const total = clusters.reduce((sum, c) => sum + c.bookings, 0);
  const largest = clusters.reduce((max, c) => Math.max(max, c.bookings), 0);
  const threshold = Math.min(largest, total * DENSE_SHARE);
  const dense = clusters.filter((c) => c.bookings >= threshold);
  const firstDense = dense[0] as DayCluster;
  const lastDense = dense[dense.length - 1] as DayCluster;
  let before = 0;
  let after = 0;
  for (const c of clusters) {
    if (c.last < firstDense.first) before += c.bookings;
    else if (c.first > lastDense.last) after += c.bookings;
  }
  return { from: firstDense.first, to: lastDense.last, before, after };
}

/** Days up to three months, weeks up to two years, months beyond: from the span the axis shows. */
export function autoGranularity(from: string, to: string): Granularity {
  const days = dayNumber(to) - dayNumber(from) + 1;
  if (days <= 92) return 'day';
  if (days <= 731) return 'week';
  return 'month';
}

/** The first day of the bucket holding `iso`: itself, its week's Monday, or its month's first day. */
export function bucketStart(iso: string, granularity: Granularity): string {
  if (granularity === 'day') return iso;
  if (granularity === 'month') return `${iso.slice(0, 7)}-01`;
  const day = dayNumber(iso);
  // Day 0 (1970-01-01) was a Thursday: Monday is three days before it.
  const sinceMonday = (((day + 3) % 7) + 7) % 7;
  return isoOfDay(day - sinceMonday);
}
