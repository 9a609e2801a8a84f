import { describe, expect, it } from 'vitest';
import { formatCount } from '../format';
import { barGeometry, labelWidth, rowAt, VALUE_LABEL_GAP, type BarLayout } from './barGeometry';
import { countTicks } from './ticks';

// The leaderboard's layout: the value axis on top, 168 px of doctor names, a 44 px row pitch.
const leaderboard = (rows: number, ticks: readonly number[], valueLabelWidth = 25): BarLayout => ({
  width: 600,
  height: 32 + rows * 44,
  labelWidth: 168,
  margin: { top: 0, right: 36, bottom: 0, left: 4 },
  axis: 'top',
  axisHeight: 32,
  barSize: 20,
  ticks,
  valueLabelWidth,
  tickLabelWidth: 30,
});

describe('barGeometry', () => {
  it('puts the plot right of the labels and under a top axis, one band per row of the table’s pitch', () => {
    const g = barGeometry([[120], [80], [0]], leaderboard(3, [0, 50, 100, 150]));
    expect(g.plot).toEqual({ x: 4 + 168, y: 32, width: 600 - 172 - 36, height: 3 * 44 });
    expect(g.band).toBe(44);
    expect(g.rows.map((r) => r.bandY)).toEqual([32, 76, 120]);
    // The bar is centred in its band on whole pixels, as the table's row is.
    expect(g.rows.map((r) => r.segments[0]?.y)).toEqual([44, 88, undefined]);
    expect(g.rows[0]?.centreY).toBe(54);
  });

  it('puts a bottom axis under the plot', () => {
    const g = barGeometry([[5], [3]], { ...leaderboard(2, [0, 5]), axis: 'bottom', margin: { top: 4, right: 30, bottom: 4, left: 4 }, axisHeight: 30, height: 100 });
    expect(g.plot.y).toBe(4);
    expect(g.plot.height).toBe(100 - 8 - 30);
  });

  it('draws each bar as long as its value on the axis up to the top tick, and a value at the top tick reaches the plot’s end', () => {
    const g = barGeometry([[150], [75]], leaderboard(2, [0, 50, 100, 150]));
    const [top, half] = g.rows;
    expect(top?.segments[0]?.x).toBe(g.plot.x);
    expect(top?.segments[0]?.width).toBeCloseTo(g.plot.width, 1);
    expect(top?.end).toBeCloseTo(g.plot.x + g.plot.width, 1);
    expect(half?.segments[0]?.width).toBeCloseTo(g.plot.width / 2, 1);
    expect(g.tickX).toEqual([0, 1, 2, 3].map((i) => Math.round((g.plot.x + (i * g.plot.width) / 3) * 100) / 100));
  });

  it('stacks a row’s values left to right and draws nothing for a zero, keeping each segment’s index', () => {
    const g = barGeometry(
      [
        [30, 10],
        [0, 20],
        [0, 0],
      ],
      leaderboard(3, [0, 20, 40]),
    );
    const [both, cancelledOnly, none] = g.rows;
    expect(both?.segments.map((s) => s.segment)).toEqual([0, 1]);
    expect(both?.segments[1]?.x).toBeCloseTo((both?.segments[0]?.x ?? 0) + (both?.segments[0]?.width ?? 0), 1);
    expect(both?.end).toBeCloseTo(g.plot.x + g.plot.width, 1);
    expect(cancelledOnly?.segments.map((s) => s.segment)).toEqual([1]);
    expect(cancelledOnly?.segments[0]?.x).toBe(g.plot.x);
    // A row of zeros has no rectangle, and its value label starts at the axis.
    expect(none?.segments).toEqual([]);
    expect(none?.end).toBe(g.plot.x);
  });

  it('keeps one doctor’s bar its fixed thickness, and thins bars only when the band is thinner', () => {
    const one = barGeometry([[7]], leaderboard(1, countTicks(7)));
    expect(one.rows[0]?.segments[0]?.height).toBe(20);
    const crowded = barGeometry([[1], [2], [3]], { ...leaderboard(3, [0, 5]), height: 32 + 3 * 12 });
    expect(crowded.band).toBe(12);
    expect(crowded.rows.map((r) => r.segments[0]?.height)).toEqual([12, 12, 12]);
  });

  it('widens the right margin so the widest value label (a huge count) fits inside the chart', () => {
    const max = 12_345_678;
    const ticks = countTicks(max);
    const text = formatCount(max);
    const g = barGeometry([[max], [1]], leaderboard(2, ticks, labelWidth(text)));
    const row = g.rows[0];
    expect(row && row.end + VALUE_LABEL_GAP + labelWidth(text)).toBeLessThanOrEqual(600);
    // A short label keeps the usual margin.
    expect(barGeometry([[9]], leaderboard(1, [0, 10], labelWidth('9'))).plot.width).toBe(600 - 172 - 36);
  });

  it('writes every tick label when they have room, and every other one when they would touch', () => {
    const ticks = [0, 250_000, 500_000, 750_000, 1_000_000];
    const roomy = barGeometry([[1]], { ...leaderboard(1, ticks), tickLabelWidth: labelWidth('1,000,000') });
    expect(roomy.tickLabelEvery).toBe(1);
    const narrow = barGeometry([[1]], { ...leaderboard(1, ticks), width: 380, tickLabelWidth: labelWidth('1,000,000') });
    expect(narrow.tickLabelEvery).toBeGreaterThan(1);
    const step = (narrow.tickX[1] ?? 0) - (narrow.tickX[0] ?? 0);
    expect(step * narrow.tickLabelEvery).toBeGreaterThan(labelWidth('1,000,000'));
  });

  it('has no bars and a whole plot for no rows', () => {
    const g = barGeometry([], leaderboard(0, [0, 1]));
    expect(g.rows).toEqual([]);
    expect(g.plot.height).toBeGreaterThanOrEqual(1);
  });
});

describe('rowAt', () => {
  const plot = { x: 100, y: 32, width: 400, height: 132 };
  it('finds the row under the pointer, and none above or below the plot', () => {
    expect(rowAt(32, plot, 3)).toBe(0);
    expect(rowAt(75.9, plot, 3)).toBe(0);
    expect(rowAt(76, plot, 3)).toBe(1);
    expect(rowAt(164, plot, 3)).toBe(2);
    expect(rowAt(31, plot, 3)).toBe(-1);
    expect(rowAt(165, plot, 3)).toBe(-1);
    expect(rowAt(50, plot, 0)).toBe(-1);
  });
});
