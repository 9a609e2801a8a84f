/**
 * The trend chart's points: the backend's periods (within the axis main chose) with the empty ones
 * between them filled in, and the smallest period whose cancellation rate is worth drawing. Pure functions (unit-tested
 * in trendPoints.test.ts).
 */
import type { Granularity, TrendPoint } from '../../../shared/contract';
import { nextPeriod } from './dates';

/** Periods without bookings are drawn as empty slots, up to this many slots in all. */
export const MAX_FILLED = 1500;

export interface ChartPoint {
  period: string;
  confirmed: number;
  cancelled: number;
  /** null for a period without bookings: the line has a gap there. */
  rate: number | null;
}

/**
 * The fewest bookings a period needs for its cancellation rate to be drawn. Below it one
 * cancellation swings the rate by more than ten points (a single booking reads 0% or 100%), and a
 * line through such periods combs between the extremes. The table keeps every rate.
 */
export const MIN_RATE_BOOKINGS = 10;

/**
 * The backend's points with the empty periods between the first and the last filled in (zero
 * bookings, no rate), so the axis is even; past MAX_FILLED slots the points are left as they are.
 */
export function fillPeriods(points: readonly TrendPoint[], granularity: Granularity, floor = MIN_RATE_BOOKINGS): { points: ChartPoint[]; filled: boolean } {
  const plain = points.map((p) => ({ period: p.period, confirmed: p.confirmed, cancelled: p.cancelled, rate: p.confirmed + p.cancelled >= floor ? p.cancellationRate : null }));
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return { points: plain, filled: true };
  const byPeriod = new Map(plain.map((p) => [p.period, p]));
  const out: ChartPoint[] = [];
  for (let period = first.period; period <= last.period; period = nextPeriod(period, granularity)) {
    if (out.length >= MAX_FILLED) return { points: plain, filled: false };
    out.push(byPeriod.get(period) ?? { period, confirmed: 0, cancelled: 0, rate: null });
  }
  return { points: out, filled: true };
}
