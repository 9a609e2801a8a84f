/**
 * The trend chart's points: empty periods between the first and the last are filled in (zero
 * bookings, no rate) for days, Monday weeks and months; too many slots leave the points as they
 * are; a period too small for its rate to mean anything gets no rate on the line.
 */
import { describe, expect, it } from 'vitest';
import type { TrendPoint } from '../../../shared/contract';
import { coarsen, drawnPoints, fillPeriods, MAX_FILLED, MIN_RATE_BOOKINGS, periodStart } from './trendPoints';

const point = (period: string, confirmed: number, cancelled: number): TrendPoint => ({ period, confirmed, cancelled, cancellationRate: confirmed + cancelled > 0 ? cancelled / (confirmed + cancelled) : 0 });

describe('fillPeriods', () => {
  it('fills missing months, weeks and days with empty slots', () => {
    const months = fillPeriods([point('2025-01-01', 8, 2), point('2025-04-01', 3, 1)], 'month', 1);
    expect(months.filled).toBe(true);
    expect(months.points).toEqual([
      { period: '2025-01-01', confirmed: 8, cancelled: 2, rate: 0.2 },
      { period: '2025-02-01', confirmed: 0, cancelled: 0, rate: null },
      { period: '2025-03-01', confirmed: 0, cancelled: 0, rate: null },
      { period: '2025-04-01', confirmed: 3, cancelled: 1, rate: 0.25 },
    ]);
    const weeks = fillPeriods([point('2025-12-22', 1, 0), point('2026-01-05', 1, 1)], 'week');
    expect(weeks.points.map((p) => p.period)).toEqual(['2025-12-22', '2025-12-29', '2026-01-05']);
    const days = fillPeriods([point('2024-02-28', 1, 0), point('2024-03-01', 1, 0)], 'day');
    expect(days.points.map((p) => p.period)).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
  });

  it('keeps every booking: the filled points add up to the backend points', () => {
    const input = [point('2025-10-06', 40, 9), point('2025-10-20', 31, 4), point('2025-11-17', 12, 12)];
    const { points } = fillPeriods(input, 'week');
    expect(points).toHaveLength(7);
    expect(points.reduce((sum, p) => sum + p.confirmed + p.cancelled, 0)).toBe(input.reduce((sum, p) => sum + p.confirmed + p.cancelled, 0));
  });

  it('leaves no rate on periods below the floor', () => {
    const { points } = fillPeriods([point('2025-10-01', 1, 1), point('2025-10-02', 90, 10)], 'day', 5);
    expect(points.map((p) => p.rate)).toEqual([null, 0.1]);
  });

  it('handles no points and one point', () => {
    expect(fillPeriods([], 'month')).toEqual({ points: [], filled: true });
    expect(fillPeriods([point('2025-10-01', 2, 0)], 'month').points).toHaveLength(1);
  });

  it(`gives up filling past ${MAX_FILLED} slots (a suspicious date decades away) and keeps the points`, () => {
    const input = [point('2000-01-01', 1, 0), point('2025-10-01', 5, 1)];
    const result = fillPeriods(input, 'day');
    expect(result.filled).toBe(false);
    expect(result.points.map((p) => p.period)).toEqual(['2000-01-01', '2025-10-01']);
    expect(fillPeriods(input, 'month').filled).toBe(true);
  });

  it(`fills exactly ${MAX_FILLED} slots and gives up at one more, at every granularity`, () => {
    const last = { day: ['2004-02-08', '2004-02-09'], week: ['2028-09-25', '2028-10-02'], month: ['2124-12-01', '2125-01-01'], quarter: ['2374-10-01', '2375-01-01'], year: ['3499-01-01', '3500-01-01'] } as const;
    const first = { day: '2000-01-01', week: '2000-01-03', month: '2000-01-01', quarter: '2000-01-01', year: '2000-01-01' } as const;
    for (const granularity of ['day', 'week', 'month', 'quarter', 'year'] as const) {
      const [fits, over] = last[granularity];
      const filled = fillPeriods([point(first[granularity], 1, 0), point(fits, 1, 0)], granularity);
      expect(filled.filled, granularity).toBe(true);
      expect(filled.points, granularity).toHaveLength(MAX_FILLED);
      expect(filled.points.at(-1)?.period, granularity).toBe(fits);
      expect(fillPeriods([point(first[granularity], 1, 0), point(over, 1, 0)], granularity).filled, granularity).toBe(false);
    }
  });
});

describe('the rate floor', () => {
  it(`draws no rate for a period with fewer than ${MIN_RATE_BOOKINGS} bookings (one booking is 0% or 100%)`, () => {
    const { points } = fillPeriods([point('2025-10-20', 0, 1), point('2025-10-21', 9, 0), point('2025-10-22', 7, 3)], 'day');
    expect(points.map((p) => p.rate)).toEqual([null, null, 0.3]);
  });
});

describe('drawnPoints: no more bars than the chart has room for', () => {
  // 700 days from a Monday, each with 3 confirmed and 1 cancelled booking (every 5th day none).
  const days = Array.from({ length: 700 }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10))
    .filter((_, i) => i % 5 !== 4)
    .map((day) => point(day, 3, 1));
  const total = (points: readonly { confirmed: number; cancelled: number }[]) => points.reduce((sum, p) => sum + p.confirmed + p.cancelled, 0);

  it('keeps the days when they fit', () => {
    const drawn = drawnPoints(days, 'day', 800);
    expect(drawn.granularity).toBe('day');
    expect(drawn.points).toHaveLength(700 - 1);
  });

  it('sums days into weeks, then months, keeping every booking and giving each period its own rate', () => {
    const weeks = drawnPoints(days, 'day', 300);
    expect(weeks.granularity).toBe('week');
    expect(weeks.points).toHaveLength(100);
    expect(total(weeks.points)).toBe(total(days));
    expect(weeks.points.every((p) => new Date(`${p.period}T00:00:00Z`).getUTCDay() === 1)).toBe(true);
    expect(weeks.points[0]).toEqual({ period: '2024-01-01', confirmed: 18, cancelled: 6, rate: 0.25 });
    const months = drawnPoints(days, 'day', 50);
    expect(months.granularity).toBe('month');
    expect(months.points.map((p) => p.period).slice(0, 3)).toEqual(['2024-01-01', '2024-02-01', '2024-03-01']);
    expect(total(months.points)).toBe(total(days));
  });

  it('draws weeks as they are (a week can straddle two months)', () => {
    const weeks = coarsen(days, 'week');
    expect(drawnPoints(weeks, 'week', 10).granularity).toBe('week');
  });

  it('sums decades of months into quarters, then years, keeping every booking', () => {
    // A booking in every month of 60 years (720 months).
    const months = Array.from({ length: 720 }, (_, i) => point(new Date(Date.UTC(1990, i, 1)).toISOString().slice(0, 10), 2, 1));
    expect(drawnPoints(months, 'month', 800).granularity).toBe('month');
    const quarters = drawnPoints(months, 'month', 300);
    expect(quarters.granularity).toBe('quarter');
    expect(quarters.points).toHaveLength(240);
    // Nine bookings a quarter: too few for a rate on the line (MIN_RATE_BOOKINGS).
    expect(quarters.points.slice(0, 2)).toEqual([
      { period: '1990-01-01', confirmed: 6, cancelled: 3, rate: null },
      { period: '1990-04-01', confirmed: 6, cancelled: 3, rate: null },
    ]);
    const years = drawnPoints(months, 'month', 100);
    expect(years.granularity).toBe('year');
    expect(years.points).toHaveLength(60);
    expect(years.points[59]).toEqual({ period: '2049-01-01', confirmed: 24, cancelled: 12, rate: 1 / 3 });
    expect(total(years.points)).toBe(total(months));
    // Days over decades go the same way.
    expect(drawnPoints(days, 'day', 5).granularity).toBe('year');
  });

  it('finds the period start of a day', () => {
    expect(periodStart('2025-10-26', 'week')).toBe('2025-10-20');
    expect(periodStart('2025-10-20', 'week')).toBe('2025-10-20');
    expect(periodStart('2025-10-26', 'month')).toBe('2025-10-01');
    expect(periodStart('2025-10-26', 'quarter')).toBe('2025-10-01');
    expect(periodStart('2025-09-30', 'quarter')).toBe('2025-07-01');
    expect(periodStart('2025-02-03', 'quarter')).toBe('2025-01-01');
    expect(periodStart('2025-10-26', 'year')).toBe('2025-01-01');
    expect(periodStart('2025-10-26', 'day')).toBe('2025-10-26');
  });
});
