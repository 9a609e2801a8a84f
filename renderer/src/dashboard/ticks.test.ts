/**
 * Axis ticks: round steps from 0 that cover the tallest bar, 4 or 5 of them, and the rate axis in
 * the same number of steps so both axes share the grid lines.
 */
import { describe, expect, it } from 'vitest';
import { axisTicks, countTicks, periodTicks } from './ticks';

describe('countTicks', () => {
  it('picks round steps', () => {
    expect(countTicks(0)).toEqual([0, 1, 2, 3, 4]);
    expect(countTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(countTicks(97)).toEqual([0, 25, 50, 75, 100]);
    expect(countTicks(1234)).toEqual([0, 250, 500, 750, 1000, 1250]);
    expect(countTicks(1_000_000)).toEqual([0, 250_000, 500_000, 750_000, 1_000_000]);
  });

  it('always covers the maximum with 4 or 5 equal whole steps, without wasting more than half the axis', () => {
    for (let max = 0; max <= 20_000; max += max < 200 ? 1 : 37) {
      const ticks = countTicks(max);
      expect([5, 6], `max ${max}`).toContain(ticks.length);
      expect(ticks[0]).toBe(0);
      const step = ticks[1] ?? 0;
      expect(Number.isInteger(step) && step > 0, `max ${max}: step ${step}`).toBe(true);
      ticks.forEach((tick, i) => expect(tick).toBe(i * step));
      const top = ticks[ticks.length - 1] ?? 0;
      expect(top, `max ${max}`).toBeGreaterThanOrEqual(max);
      if (max >= 10) expect(top, `max ${max}`).toBeLessThanOrEqual(max * 2);
    }
  });
});

describe('axisTicks', () => {
  it('gives the rate axis as many steps as the count axis, round, up to 100%', () => {
    expect(axisTicks(97, 0.3)).toEqual({ counts: [0, 25, 50, 75, 100], rates: [0, 0.1, 0.2, 0.3, 0.4] });
    expect(axisTicks(97, 1)).toEqual({ counts: [0, 25, 50, 75, 100], rates: [0, 0.25, 0.5, 0.75, 1] });
    for (const maxCount of [0, 3, 48, 97, 1234, 50_000]) {
      for (const maxRate of [0, 0.01, 0.19, 0.2, 0.33, 0.5, 0.8, 1]) {
        const { counts, rates } = axisTicks(maxCount, maxRate);
        expect(rates).toHaveLength(counts.length);
        expect(rates[0]).toBe(0);
        const top = rates[rates.length - 1] ?? 0;
        expect(top, `${maxCount}/${maxRate}`).toBeGreaterThanOrEqual(maxRate - 1e-9);
        expect(top, `${maxCount}/${maxRate}`).toBeLessThanOrEqual(1 + 1e-9);
      }
    }
  });
});

describe('periodTicks', () => {
  const days = Array.from({ length: 400 }, (_, i) => `p${String(i).padStart(3, '0')}`);

  it('labels every period when there is room for each', () => {
    expect(periodTicks(days.slice(0, 5), 900)).toEqual(days.slice(0, 5));
  });

  it('labels evenly spaced periods ending on the last, each with its room', () => {
    const ticks = periodTicks(days, 900, 90);
    expect(ticks.length).toBeLessThanOrEqual(10);
    expect(ticks.length).toBeGreaterThanOrEqual(8);
    expect(ticks[ticks.length - 1]).toBe('p399');
    const at = ticks.map((t) => days.indexOf(t));
    const gaps = new Set(at.slice(1).map((i, k) => i - (at[k] ?? 0)));
    expect(gaps.size).toBe(1);
  });

  it('labels nothing for no periods, and at least two on a narrow plot', () => {
    expect(periodTicks([], 900)).toEqual([]);
    expect(periodTicks(days, 50).length).toBe(2);
  });
});
