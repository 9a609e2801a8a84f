import { describe, expect, it } from 'vitest';
import { bandCentre, categoryGap, indexAt, trendGeometry, X_AXIS_HEIGHT, MARGIN, type TrendLayout } from './trendGeometry';
import type { ChartPoint } from './trendPoints';

const layout: TrendLayout = { width: 900, height: 300, countAxisWidth: 48, rateAxisWidth: 44, countTicks: [0, 25, 50, 75, 100], rateTicks: [0, 0.1, 0.2, 0.3, 0.4] };
const point = (period: string, confirmed: number, cancelled: number, rate: number | null): ChartPoint => ({ period, confirmed, cancelled, rate });
// Three days of bookings with a gap (an empty day between), the shape of a real few-days workbook.
const days = [point('2025-10-20', 80, 20, 0.2), point('2025-10-21', 0, 0, null), point('2025-10-22', 30, 10, 0.25), point('2025-10-23', 5, 1, null)];

describe('trendGeometry', () => {
  const g = trendGeometry(days, layout);
  const plotBottom = g.plot.y + g.plot.height;

  it('puts the plot between the two value axes, above the period labels', () => {
    expect(g.plot).toEqual({ x: 48, y: MARGIN.top, width: 900 - 48 - 44 - MARGIN.right, height: 300 - MARGIN.top - MARGIN.bottom - X_AXIS_HEIGHT });
    expect(g.band).toBeCloseTo(g.plot.width / 4);
  });

  it('stacks cancelled on confirmed, each as tall as its count on the count axis, and draws nothing for zero', () => {
    const of = (index: number, status: string) => g.bars.find((b) => b.index === index && b.status === status);
    expect(g.bars.filter((b) => b.index === 1)).toEqual([]);
    const confirmed = of(0, 'confirmed');
    const cancelled = of(0, 'cancelled');
    expect(confirmed?.height).toBeCloseTo((80 / 100) * g.plot.height, 1);
    expect(confirmed && confirmed.y + confirmed.height).toBeCloseTo(plotBottom, 1);
    expect(cancelled?.height).toBeCloseTo((20 / 100) * g.plot.height, 1);
    expect(cancelled && cancelled.y + cancelled.height).toBeCloseTo(confirmed?.y ?? 0, 1);
    // A period at the top tick reaches the top of the plot.
    expect(cancelled?.y).toBeCloseTo(g.plot.y, 1);
  });

  it('centres each bar in its band with the category gap on both sides', () => {
    const gap = g.band * categoryGap(days.length);
    for (const bar of g.bars) {
      expect(bar.x).toBeCloseTo(g.plot.x + bar.index * g.band + gap, 1);
      expect(bar.width).toBeCloseTo(g.band - 2 * gap, 1);
      expect(bar.x + bar.width / 2).toBeCloseTo(bandCentre(bar.index, g.plot, days.length), 1);
    }
  });

  it('breaks the rate line where a period has no rate and scales it on the rate axis', () => {
    // Day 0, then a gap (no rate on day 1), then day 2 alone: two moves, no line drawn across the gap.
    expect(g.ratePath.match(/M/g)).toHaveLength(2);
    expect(g.ratePath).not.toContain('L');
    expect(g.rateDots.map((d) => d.index)).toEqual([0, 2]);
    expect(g.rateDots[0]?.y).toBeCloseTo(plotBottom - (0.2 / 0.4) * g.plot.height, 1);
    const line = trendGeometry([point('2025-01-01', 10, 0, 0), point('2025-01-02', 10, 10, 0.5)], { ...layout, rateTicks: [0, 0.25, 0.5] });
    expect(line.ratePath).toMatch(/^M[\d.]+,[\d.]+L[\d.]+,[\d.]+$/);
  });

  it('places the ticks on their scales: 0 at the bottom, the top tick at the top', () => {
    expect(g.countTickY[0]).toBeCloseTo(plotBottom, 1);
    expect(g.countTickY[4]).toBeCloseTo(g.plot.y, 1);
    expect(g.rateTickY[2]).toBeCloseTo(g.plot.y + g.plot.height / 2, 1);
  });

  it('finds the period under the pointer, and none outside the plot', () => {
    expect(indexAt(g.plot.x + 1, g.plot, 4)).toBe(0);
    expect(indexAt(g.plot.x + g.band * 2.5, g.plot, 4)).toBe(2);
    expect(indexAt(g.plot.x + g.plot.width, g.plot, 4)).toBe(3);
    expect(indexAt(g.plot.x - 1, g.plot, 4)).toBe(-1);
    expect(indexAt(g.plot.x + 5, g.plot, 0)).toBe(-1);
  });

  it('draws hundreds of periods as thin bars that stay inside the plot', () => {
    const many = Array.from({ length: 600 }, (_, i) => point(`${1800 + i}-01-01`, i % 7, i % 3, null));
    const wide = trendGeometry(many, { ...layout, countTicks: [0, 2, 4, 6, 8] });
    expect(wide.bars.length).toBe(many.filter((p) => p.confirmed > 0).length + many.filter((p) => p.cancelled > 0).length);
    for (const bar of wide.bars) {
      expect(bar.x).toBeGreaterThanOrEqual(wide.plot.x);
      expect(bar.x + bar.width).toBeLessThanOrEqual(wide.plot.x + wide.plot.width + 0.01);
      expect(bar.y).toBeGreaterThanOrEqual(wide.plot.y - 0.01);
    }
    expect(wide.ratePath).toBe('');
  });
});
