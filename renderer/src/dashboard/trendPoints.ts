/**
 * The trend chart's points: the backend's periods with the empty ones between them filled in,
 * and the smallest period whose cancellation rate is worth drawing. Pure functions (unit-tested
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
 * The fewest bookings a period needs for its cancellation rate to be drawn: 5% of the median
 * period, so a handful of stray bookings (a 100% rate from one cancellation) does not dominate
 * the line. The table keeps every rate.
 */
export function rateFloor(points: readonly TrendPoint[]): number {
  const totals = points.map((p) => p.confirmed + p.cancelled).sort((a, b) => a - b);
  const median = totals[Math.floor(totals.length / 2)] ?? 0;
  return Math.max(1, Math.ceil(median * 0.05));
}

/**
 * The backend's points with the empty periods between the first and the last filled in (zero
 * bookings, no rate), so the axis is even; past MAX_FILLED slots the points are left as they are.
 */
export function fillPeriods(points: readonly TrendPoint[], granularity: Granularity, floor = 1): { points: ChartPoint[]; filled: boolean } {
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
