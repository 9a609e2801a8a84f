/**
 * The trend chart's points: the backend's periods (within the axis main chose) with the empty ones
 * between them filled in, and the smallest period whose cancellation rate is worth drawing. Pure functions (unit-tested
 * in trendPoints.test.ts).
 */
import type { Granularity, TrendPoint } from '../../../shared/contract';
import { addDays, daysInclusive, nextPeriod, utcMs, type Period } from './dates';

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
export function fillPeriods(points: readonly TrendPoint[], granularity: Period, floor = MIN_RATE_BOOKINGS): { points: ChartPoint[]; filled: boolean } {
  const plain = points.map((p) => ({ period: p.period, confirmed: p.confirmed, cancelled: p.cancelled, rate: p.confirmed + p.cancelled >= floor ? p.cancellationRate : null }));
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return { points: plain, filled: true };
  // Counted before filling: past MAX_FILLED the walk was thousands of date steps for nothing (a
  // load whose outliers span centuries has ~7,000 months; ~30 ms of the trend card's first render).
  if (slots(first.period, last.period, granularity) > MAX_FILLED) return { points: plain, filled: false };
  const byPeriod = new Map(plain.map((p) => [p.period, p]));
  const out: ChartPoint[] = [];
  for (let period = first.period; period <= last.period; period = nextPeriod(period, granularity)) {
    if (out.length >= MAX_FILLED) return { points: plain, filled: false };
    out.push(byPeriod.get(period) ?? { period, confirmed: 0, cancelled: 0, rate: null });
  }
  return { points: out, filled: true };
}

/** How many periods of `granularity` from the one starting at `first` to the one starting at `last`, both included. */
function slots(first: string, last: string, granularity: Period): number {
  if (granularity === 'day') return daysInclusive(first, last);
  if (granularity === 'week') return Math.floor((daysInclusive(first, last) - 1) / 7) + 1;
  const months = (Number(last.slice(0, 4)) - Number(first.slice(0, 4))) * 12 + Number(last.slice(5, 7)) - Number(first.slice(5, 7));
  return Math.floor(months / MONTHS_IN[granularity]) + 1;
}

const MONTHS_IN = { month: 1, quarter: 3, year: 12 } as const;

/** The first day of the period of `granularity` holding `iso`: itself, its week's Monday, its month's, quarter's or year's first. */
export function periodStart(iso: string, granularity: Period): string {
  if (granularity === 'day') return iso;
  if (granularity === 'month') return `${iso.slice(0, 7)}-01`;
  if (granularity === 'year') return `${iso.slice(0, 4)}-01-01`;
  if (granularity === 'quarter') return `${iso.slice(0, 5)}${String(Math.floor((Number(iso.slice(5, 7)) - 1) / 3) * 3 + 1).padStart(2, '0')}-01`;
  // getUTCDay: Sunday 0 … Saturday 6; weeks start on Monday.
  return addDays(iso, -((new Date(utcMs(iso)).getUTCDay() + 6) % 7));
}

/**
 * The backend's days (or months) summed into longer periods (weeks, months, quarters, years):
 * every booking is kept, so the totals are the same, and each rate is the new period's own.
 */
export function coarsen(points: readonly TrendPoint[], granularity: Period): TrendPoint[] {
  const sums = new Map<string, { confirmed: number; cancelled: number }>();
  for (const p of points) {
    const period = periodStart(p.period, granularity);
    const sum = sums.get(period) ?? { confirmed: 0, cancelled: 0 };
    sum.confirmed += p.confirmed;
    sum.cancelled += p.cancelled;
    sums.set(period, sum);
  }
  return [...sums]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([period, { confirmed, cancelled }]) => ({ period, confirmed, cancelled, cancellationRate: confirmed + cancelled > 0 ? cancelled / (confirmed + cancelled) : 0 }));
}

/**
 * What the chart draws: the points in the finest period from `granularity` up whose bars fit
 * `maxBars` (a chart needs no more bars than it has pixels for). Days are summed into weeks, then
 * months, quarters and years; months into quarters and years. A week can straddle two months (and
 * years), so weeks are drawn as they are. `granularity` of the answer is the period drawn, which
 * the card names when it differs. Hundreds of bars a pixel or two wide were also what made each
 * redraw of the chart a long task.
 */
export function drawnPoints(
  points: readonly TrendPoint[],
  granularity: Granularity,
  maxBars: number,
  floor = MIN_RATE_BOOKINGS,
): { points: ChartPoint[]; filled: boolean; granularity: Period } {
  const candidates: Period[] = granularity === 'day' ? ['day', 'week', 'month', 'quarter', 'year'] : granularity === 'month' ? ['month', 'quarter', 'year'] : [granularity];
  for (const [i, period] of candidates.entries()) {
    const drawn = fillPeriods(period === granularity ? points : coarsen(points, period), period, floor);
    if (drawn.points.length <= maxBars || i === candidates.length - 1) return { ...drawn, granularity: period };
  }
  return { ...fillPeriods(points, granularity, floor), granularity };
}
