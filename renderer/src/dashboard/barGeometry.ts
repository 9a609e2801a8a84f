/**
 * Where a horizontal bar chart draws what: the plot's box between the category labels (left) and
 * the value axis (above or below it), each row's band and its bar (one segment, or several stacked
 * left to right), the value ticks' positions and the room its value labels need on the right. Pure
 * (unit-tested in barGeometry.test.ts): HBarChart only turns these numbers into SVG elements. The
 * leaderboard, the specialties and the patient segments are all this one shape.
 *
 * The scales are the ones recharts drew these charts with (a band per row with the bar centred in
 * it at its fixed thickness, a linear value axis from 0 to the top tick), so the picture stays the
 * same; drawing it ourselves took recharts' store updates and per-element re-renders out of every
 * filter change (see HBarChart.tsx).
 */
import type { Box } from './trendGeometry';

export interface BarLayout {
  /** The whole chart, in CSS pixels. */
  width: number;
  height: number;
  /** Room left of the plot for the category labels. */
  labelWidth: number;
  margin: { top: number; right: number; bottom: number; left: number };
  /** Where the value axis's tick labels go, and their height. */
  axis: 'top' | 'bottom';
  axisHeight: number;
  /** A bar's thickness (thinner when a row's band is thinner than this). */
  barSize: number;
  /** The value axis's ticks from 0; the last is its top. */
  ticks: readonly number[];
  /** The widest label written right of a bar (0 when there are none): the right margin grows to fit it. */
  valueLabelWidth: number;
  /** The widest tick label: half of it overhangs the plot's right edge, and labels closer than it are thinned. */
  tickLabelWidth: number;
}

/** Between a bar's end and its value label, and between the plot and the category labels or tick labels. */
export const VALUE_LABEL_GAP = 5;
export const TICK_GAP = 8;

export interface BarSegment extends Box {
  /** Which of the row's values this is (left to right). */
  segment: number;
}

export interface BarRow {
  /** Top of the row's band, and the middle of its bar (where its labels are). */
  bandY: number;
  centreY: number;
  /** Where the row's last value ends: its value label starts VALUE_LABEL_GAP right of it. */
  end: number;
  /** Only the values above zero get a rectangle. */
  segments: BarSegment[];
}

export interface BarGeometry {
  plot: Box;
  /** Height of each row's band. */
  band: number;
  rows: BarRow[];
  tickX: number[];
  /** Every how many ticks a label is written (1: all), so that neighbours never touch. */
  tickLabelEvery: number;
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * The width of a label of digits and separators at `fontPx` (a tabular digit is ~0.56 em; a little
 * over, so a label never runs past its room). No DOM measuring: that forces a layout per label.
 */
export function labelWidth(text: string, fontPx = 12): number {
  return Math.ceil(text.length * fontPx * 0.58);
}

/** The row under a y position of the chart (-1 outside the plot). */
export function rowAt(y: number, plot: Box, rows: number): number {
  if (rows <= 0 || y < plot.y || y > plot.y + plot.height) return -1;
  return Math.min(rows - 1, Math.floor(((y - plot.y) / plot.height) * rows));
}

/** The bars of `rows` (each a list of values stacked left to right, none negative). */
export function barGeometry(rows: readonly (readonly number[])[], layout: BarLayout): BarGeometry {
  const right = Math.max(layout.margin.right, layout.valueLabelWidth > 0 ? VALUE_LABEL_GAP + layout.valueLabelWidth + 2 : 0, Math.ceil(layout.tickLabelWidth / 2) + 2);
  const x = layout.margin.left + layout.labelWidth;
  const plot: Box = {
    x,
    y: layout.margin.top + (layout.axis === 'top' ? layout.axisHeight : 0),
    width: Math.max(1, layout.width - x - right),
    height: Math.max(1, layout.height - layout.margin.top - layout.margin.bottom - layout.axisHeight),
  };
  const n = rows.length;
  const band = n > 0 ? plot.height / n : plot.height;
  const thickness = Math.min(layout.barSize, band);
  // Whole pixels above the bar, as recharts placed it: the bar's edges stay crisp.
  const offset = Math.floor((band - thickness) / 2);
  const top = layout.ticks[layout.ticks.length - 1] || 1;
  const xOf = (value: number) => plot.x + (Math.min(value, top) / top) * plot.width;

  const bars = rows.map((values, index): BarRow => {
    const bandY = plot.y + index * band;
    const y = round(bandY + offset);
    const segments: BarSegment[] = [];
    let sum = 0;
    for (const [segment, value] of values.entries()) {
      if (value > 0) segments.push({ segment, x: round(xOf(sum)), y, width: round(xOf(sum + value) - xOf(sum)), height: thickness });
      sum += Math.max(0, value);
    }
    return { bandY: round(bandY), centreY: round(bandY + band / 2), end: round(xOf(sum)), segments };
  });
  const steps = Math.max(1, layout.ticks.length - 1);
  const stepPx = plot.width / steps;
  const tickLabelEvery = Math.max(1, Math.ceil((layout.tickLabelWidth + 8) / Math.max(1, stepPx)));
  return { plot, band, rows: bars, tickX: layout.ticks.map((t) => round(xOf(t))), tickLabelEvery };
}
