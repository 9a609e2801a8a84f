/**
 * Where the trend chart draws what: the plot's box, each period's band and stacked bars, the rate
 * line's segments and the ticks' positions. Pure (unit-tested in trendGeometry.test.ts): the chart
 * component only turns these numbers into SVG elements.
 *
 * The scales are recharts' for the same chart (a band per period, `barCategoryGap` of the band on
 * each side of the bar, linear value axes from 0 to the top tick), so the picture is the one the
 * recharts ComposedChart drew before; drawing it ourselves took recharts' store updates, selectors
 * and per-element re-render (100–250 ms per data change at a million rows) out of every redraw.
 */
import type { ChartPoint } from './trendPoints';

export interface TrendLayout {
  width: number;
  height: number;
  /** Width of the count axis's labels, left of the plot. */
  countAxisWidth: number;
  /** Width of the rate axis's labels, right of the plot. */
  rateAxisWidth: number;
  /** Ticks of the count axis (the last is its top), and of the rate axis (same number of steps). */
  countTicks: readonly number[];
  rateTicks: readonly number[];
}

/** Space around the plot and under it for the period labels, in CSS pixels. */
export const MARGIN = { top: 8, right: 8, bottom: 4, left: 0 } as const;
export const X_AXIS_HEIGHT = 30;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface BarRect extends Box {
  index: number;
  status: 'confirmed' | 'cancelled';
}

export interface TrendGeometry {
  plot: Box;
  /** Width of each period's band (bars are centred in theirs). */
  band: number;
  bars: BarRect[];
  /** The rate line as an SVG path ("" when no period has a rate): a gap where a period has none. */
  ratePath: string;
  /** The periods whose rate is drawn, with the point's position (for dots on short charts). */
  rateDots: { index: number; x: number; y: number }[];
  countTickY: number[];
  rateTickY: number[];
}

/** The share of a band left empty on each side of its bar: thinner gaps when the bars are many. */
export function categoryGap(periods: number): number {
  return periods > 60 ? 0.08 : 0.2;
}

/** The period under an x position of the chart (-1 outside the plot). */
export function indexAt(x: number, plot: Box, periods: number): number {
  if (periods <= 0 || x < plot.x || x > plot.x + plot.width) return -1;
  return Math.min(periods - 1, Math.floor(((x - plot.x) / plot.width) * periods));
}

/** Centre of period `index`'s band. */
export function bandCentre(index: number, plot: Box, periods: number): number {
  return plot.x + ((index + 0.5) * plot.width) / periods;
}

const round = (n: number) => Math.round(n * 100) / 100;

export function trendGeometry(points: readonly ChartPoint[], layout: TrendLayout): TrendGeometry {
  const plot: Box = {
    x: MARGIN.left + layout.countAxisWidth,
    y: MARGIN.top,
    width: Math.max(1, layout.width - MARGIN.left - MARGIN.right - layout.countAxisWidth - layout.rateAxisWidth),
    height: Math.max(1, layout.height - MARGIN.top - MARGIN.bottom - X_AXIS_HEIGHT),
  };
  const n = points.length;
  const band = n > 0 ? plot.width / n : plot.width;
  const gap = band * categoryGap(n);
  const barWidth = Math.max(0, band - 2 * gap);
  const countTop = layout.countTicks[layout.countTicks.length - 1] || 1;
  const rateTop = layout.rateTicks[layout.rateTicks.length - 1] || 1;
  const bottom = plot.y + plot.height;
  const yCount = (v: number) => bottom - (v / countTop) * plot.height;
  const yRate = (v: number) => bottom - (v / rateTop) * plot.height;

  const bars: BarRect[] = [];
  let ratePath = '';
  let drawing = false;
  const rateDots: TrendGeometry['rateDots'] = [];
  for (const [index, p] of points.entries()) {
    const x = round(plot.x + index * band + gap);
    if (p.confirmed > 0) bars.push({ index, status: 'confirmed', x, width: round(barWidth), y: round(yCount(p.confirmed)), height: round(yCount(0) - yCount(p.confirmed)) });
    if (p.cancelled > 0) {
      const top = yCount(p.confirmed + p.cancelled);
      bars.push({ index, status: 'cancelled', x, width: round(barWidth), y: round(top), height: round(yCount(p.confirmed) - top) });
    }
    if (p.rate === null) {
      drawing = false;
      continue;
    }
    const cx = round(bandCentre(index, plot, n));
    const cy = round(yRate(p.rate));
    ratePath += `${drawing ? 'L' : 'M'}${cx},${cy}`;
    drawing = true;
    rateDots.push({ index, x: cx, y: cy });
  }
  return {
    plot,
    band,
    bars,
    ratePath,
    rateDots,
    countTickY: layout.countTicks.map((t) => round(yCount(t))),
    rateTickY: layout.rateTicks.map((t) => round(yRate(t))),
  };
}
