/**
 * A horizontal bar chart drawn as plain SVG: a row per category with its label on the left, its
 * bar (one value, or several stacked), its value on the right, the value axis's grid and ticks
 * (ticks.ts), a cursor band and a tooltip for the row under the pointer. Positions come from
 * barGeometry.ts. The leaderboard, the specialties and the patient segments draw with it.
 *
 * Why not recharts: with the trend chart drawn this way, these three recharts charts were most of
 * what the renderer spent on a filter change at a million rows (every data change re-ran recharts'
 * store selectors and re-rendered each of its elements, in every card); this draws the same bars
 * on the same scales in a few ms.
 *
 * The drawing is one memoised element: moving the pointer re-renders only the cursor and the
 * tooltip. The picture is role="img" with its summary on the card's container, and the SVG is
 * aria-hidden with nothing in it that takes focus: the keyboard path to each bar is the table
 * beside it. A click anywhere on a clickable row (bar, label or band) does what the row's bar does;
 * a click on one segment of a stacked bar says which.
 */
import { memo, useMemo, useRef, type MouseEvent, type ReactNode } from 'react';
import { formatCount } from '../format';
import { barGeometry, labelWidth, rowAt, TICK_GAP, VALUE_LABEL_GAP, type BarLayout } from './barGeometry';
import { AXIS_COLOR, GRID_COLOR } from './palette';
import { FloatingTip } from './tooltip';
import { useChartPointer } from './useChartPointer';
import { useElementWidth } from './useElementWidth';

export interface HBar {
  key: string;
  /** Written left of the bar (already shortened to fit the label column). */
  label: string;
  /** Stacked left to right. */
  values: readonly number[];
  /** One per value. */
  fills: readonly string[];
  /** Around each of the row's rectangles (a selected doctor, a hatched placeholder). */
  stroke?: string | undefined;
  strokeWidth?: number | undefined;
  /** Written right of the bar; null for none. */
  valueLabel: string | null;
  /** Whether a click on the row does something (the pointer shows it). */
  clickable: boolean;
}

type Props = Omit<BarLayout, 'width' | 'valueLabelWidth' | 'tickLabelWidth'> & {
  bars: readonly HBar[];
  /** Patterns the fills refer to. */
  defs?: ReactNode;
  tooltip: (index: number) => ReactNode;
  /** A click on row `index`: on one of its rectangles (`segment`), or elsewhere on the row (null). */
  onRowClick: (index: number, segment: number | null) => void;
};

const TICK_FONT = 12;
const LABEL_FONT = 12.5;
const LABEL_COLOR = '#18212c';
const CATEGORY_AXIS_COLOR = '#c4cbd4';
const CURSOR_COLOR = '#eef2f7';

export const HBarChart = memo(function HBarChart({ bars, defs, tooltip, onRowClick, ...rest }: Props) {
  const boxRef = useRef<HTMLDivElement>(null);
  const measured = useElementWidth(boxRef, true);
  // Positions are worked out for a guess until the box is measured (before the first paint); the
  // SVG itself is made only at the measured width.
  const width = measured ?? 480;
  const { height, labelWidth: labelColumn, margin, axis, axisHeight, barSize, ticks } = rest;
  const geometry = useMemo(() => {
    const valueLabelWidth = bars.reduce((m, bar) => Math.max(m, bar.valueLabel ? labelWidth(bar.valueLabel, TICK_FONT) : 0), 0);
    const tickLabelWidth = ticks.reduce((m, tick) => Math.max(m, labelWidth(formatCount(tick), TICK_FONT)), 0);
    return barGeometry(
      bars.map((bar) => bar.values),
      { width, height, labelWidth: labelColumn, margin, axis, axisHeight, barSize, ticks, valueLabelWidth, tickLabelWidth },
    );
  }, [bars, width, height, labelColumn, margin, axis, axisHeight, barSize, ticks]);
  const { plot } = geometry;
  const { active, pointerAt, handlers } = useChartPointer((_x, y) => rowAt(y, plot, bars.length));

  const drawing = useMemo(() => {
    const axisY = axis === 'top' ? plot.y : plot.y + plot.height;
    // Tick labels sit clear of the axis line: above it (baseline) or below it (top of the digits).
    const tickY = axis === 'top' ? plot.y - TICK_GAP : plot.y + plot.height + TICK_GAP + TICK_FONT * 0.71;
    return (
      <>
        {defs ? <defs>{defs}</defs> : null}
        <g className="dash-grid">
          {geometry.tickX.map((x, i) => (
            <line key={i} x1={x} x2={x} y1={plot.y} y2={plot.y + plot.height} stroke={GRID_COLOR} />
          ))}
        </g>
        <g className="dash-bars">
          {geometry.rows.map((row, index) => {
            const bar = bars[index];
            if (!bar) return null;
            return row.segments.map((segment) => (
              <rect
                key={`${bar.key}-${segment.segment}`}
                className="dash-bar"
                data-row={index}
                data-segment={segment.segment}
                x={segment.x}
                y={segment.y}
                width={segment.width}
                height={segment.height}
                fill={bar.fills[segment.segment]}
                stroke={bar.stroke}
                strokeWidth={bar.stroke ? bar.strokeWidth : undefined}
              />
            ));
          })}
        </g>
        <g className="dash-value-labels" fill={AXIS_COLOR} fontSize={TICK_FONT} textAnchor="start">
          {geometry.rows.map((row, index) => {
            const label = bars[index]?.valueLabel;
            return label ? (
              <text key={bars[index]?.key} x={row.end + VALUE_LABEL_GAP} y={row.centreY} dy="0.355em">
                {label}
              </text>
            ) : null;
          })}
        </g>
        <line x1={plot.x} x2={plot.x + plot.width} y1={axisY} y2={axisY} stroke={GRID_COLOR} />
        <line x1={plot.x} x2={plot.x} y1={plot.y} y2={plot.y + plot.height} stroke={CATEGORY_AXIS_COLOR} />
        <g className="dash-axis dash-axis-value" fill={AXIS_COLOR} fontSize={TICK_FONT} textAnchor="middle">
          {ticks.map((tick, i) =>
            i % geometry.tickLabelEvery === 0 ? (
              <text key={tick} x={geometry.tickX[i]} y={tickY}>
                {formatCount(tick)}
              </text>
            ) : null,
          )}
        </g>
        <g className="dash-axis dash-axis-category" fill={LABEL_COLOR} fontSize={LABEL_FONT} textAnchor="end">
          {geometry.rows.map((row, index) => (
            <text key={bars[index]?.key} x={plot.x - TICK_GAP} y={row.centreY} dy="0.355em">
              {bars[index]?.label}
            </text>
          ))}
        </g>
      </>
    );
  }, [geometry, bars, defs, plot, axis, ticks]);

  const onClick = (event: MouseEvent<SVGSVGElement>) => {
    const rect = (event.target as Element).closest?.('rect.dash-bar');
    const segment = rect?.getAttribute('data-segment');
    const { index } = pointerAt(event);
    if (index >= 0 && bars[index]?.clickable) onRowClick(index, segment === null || segment === undefined ? null : Number(segment));
  };

  const activeRow = active ? geometry.rows[active.index] : undefined;
  return (
    <div ref={boxRef} className="dash-hbar" style={measured === null ? { height } : undefined}>
      {measured === null ? null : (
        <svg
          className="dash-hbar-svg"
          width={width}
          height={height}
          viewBox={`0 0 ${width} ${height}`}
          aria-hidden="true"
          style={{ cursor: active && bars[active.index]?.clickable ? 'pointer' : 'default', display: 'block' }}
          {...handlers}
          onClick={onClick}
        >
          {activeRow ? <rect className="dash-cursor" x={plot.x} y={activeRow.bandY} width={plot.width} height={geometry.band} fill={CURSOR_COLOR} /> : null}
          {drawing}
        </svg>
      )}
      {active && activeRow ? (
        <FloatingTip x={active.x} y={active.y} width={width} height={height}>
          {tooltip(active.index)}
        </FloatingTip>
      ) : null}
    </div>
  );
});
