/**
 * The trend's chart drawn as plain SVG: stacked bars of confirmed and cancelled bookings per
 * period, the cancellation rate as a line on the right axis, the grid and both axes' ticks
 * (ticks.ts), a tooltip and a cursor band for the period under the pointer. Positions come from
 * trendGeometry.ts.
 *
 * Why not recharts here: CPU profiles of the dashboard at a million rows showed every change of the
 * trend's data re-running recharts' store selectors and re-rendering each of its elements (100–250
 * ms a redraw, on top of the bars); this component draws the same points on the same scales in a
 * few ms. The other cards' bar charts are drawn the same way (HBarChart.tsx).
 *
 * The bars, line and axes are one memoised element: moving the pointer re-renders only the cursor
 * and the tooltip. The picture is role="img" with its summary on the container (TrendCard); the
 * keyboard path to each period is the table under it, so nothing in the SVG takes focus.
 */
import { memo, useMemo, type MouseEvent, type ReactNode } from 'react';
import type { Period } from './dates';
import { periodTick } from './dates';
import { formatCount } from '../format';
import { formatRateShort } from './format';
import { AXIS_COLOR, CANCELLED_COLOR, CONFIRMED_COLOR, GRID_COLOR, RATE_COLOR } from './palette';
import { FloatingTip } from './tooltip';
import { bandCentre, indexAt, trendGeometry, X_AXIS_HEIGHT, type TrendLayout } from './trendGeometry';
import type { ChartPoint } from './trendPoints';
import { useChartPointer } from './useChartPointer';

interface Props extends TrendLayout {
  points: readonly ChartPoint[];
  /** The period each point is (what the bars are drawn per). */
  granularity: Period;
  /** Labels carry the year when the points span several. */
  manyYears: boolean;
  /** The periods labelled on the time axis (periodTicks). */
  xTicks: readonly string[];
  onDrill: (period: string, granularity: Period, status?: 'confirmed' | 'cancelled') => void;
  tooltip: (point: ChartPoint) => ReactNode;
}

const TICK_FONT = 12;

export const TrendChart = memo(function TrendChart({ points, granularity, manyYears, xTicks, onDrill, tooltip, ...layout }: Props) {
  const { width, height, countAxisWidth, rateAxisWidth, countTicks, rateTicks } = layout;
  const geometry = useMemo(
    () => trendGeometry(points, { width, height, countAxisWidth, rateAxisWidth, countTicks, rateTicks }),
    [points, width, height, countAxisWidth, rateAxisWidth, countTicks, rateTicks],
  );
  const { plot } = geometry;
  const n = points.length;
  const { active, pointerAt, handlers } = useChartPointer((x, y) => (y >= plot.y && y <= plot.y + plot.height ? indexAt(x, plot, n) : -1));

  const drawing = useMemo(() => {
    const indexOf = new Map(points.map((p, i) => [p.period, i]));
    return (
      <>
        <defs>
          <clipPath id="trend-plot-clip">
            <rect x={plot.x} y={plot.y} width={plot.width} height={plot.height} />
          </clipPath>
        </defs>
        <g className="dash-grid">
          {geometry.countTickY.map((y, i) => (
            <line key={i} x1={plot.x} x2={plot.x + plot.width} y1={y} y2={y} stroke={GRID_COLOR} />
          ))}
        </g>
        <g className="dash-bars">
          {geometry.bars.map((bar) => (
            <rect
              key={`${bar.index}-${bar.status}`}
              className="dash-bar"
              data-status={bar.status}
              data-period={points[bar.index]?.period}
              x={bar.x}
              y={bar.y}
              width={bar.width}
              height={bar.height}
              fill={bar.status === 'confirmed' ? CONFIRMED_COLOR : CANCELLED_COLOR}
            />
          ))}
        </g>
        {geometry.ratePath ? <path className="dash-rate-line" d={geometry.ratePath} fill="none" stroke={RATE_COLOR} strokeWidth={2} strokeLinejoin="round" clipPath="url(#trend-plot-clip)" /> : null}
        {n <= 40 ? (
          <g className="dash-rate-dots">
            {geometry.rateDots.map((dot) => (
              <circle key={dot.index} cx={dot.x} cy={dot.y} r={3} fill={RATE_COLOR} />
            ))}
          </g>
        ) : null}
        <line x1={plot.x} x2={plot.x + plot.width} y1={plot.y + plot.height} y2={plot.y + plot.height} stroke="#c4cbd4" />
        <g className="dash-axis dash-axis-x" fill={AXIS_COLOR} fontSize={TICK_FONT} textAnchor="middle">
          {xTicks.map((period) => {
            const index = indexOf.get(period);
            if (index === undefined) return null;
            return (
              <text key={period} x={Math.round(bandCentre(index, plot, n))} y={plot.y + plot.height + X_AXIS_HEIGHT / 2 + 4}>
                {periodTick(period, granularity, manyYears)}
              </text>
            );
          })}
        </g>
        <g className="dash-axis dash-axis-count" fill={AXIS_COLOR} fontSize={TICK_FONT} textAnchor="end">
          {countTicks.map((tick, i) => (
            <text key={tick} x={plot.x - 6} y={(geometry.countTickY[i] ?? 0) + 4}>
              {formatCount(tick)}
            </text>
          ))}
        </g>
        <g className="dash-axis dash-axis-rate" fill={RATE_COLOR} fontSize={TICK_FONT} textAnchor="start">
          {rateTicks.map((tick, i) => (
            <text key={tick} x={plot.x + plot.width + 6} y={(geometry.rateTickY[i] ?? 0) + 4}>
              {formatRateShort(tick)}
            </text>
          ))}
        </g>
      </>
    );
  }, [geometry, points, plot, n, xTicks, granularity, manyYears, countTicks, rateTicks]);

  const onClick = (event: MouseEvent<SVGSVGElement>) => {
    const target = event.target as Element;
    const bar = target.closest?.('rect.dash-bar');
    const status = bar?.getAttribute('data-status');
    const period = bar?.getAttribute('data-period');
    if (period && (status === 'confirmed' || status === 'cancelled')) {
      onDrill(period, granularity, status);
      return;
    }
    const { index } = pointerAt(event);
    const point = index >= 0 ? points[index] : undefined;
    if (point) onDrill(point.period, granularity);
  };

  const point = active ? points[active.index] : undefined;
  return (
    <>
      <svg
        className="dash-trend-svg"
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        aria-hidden="true"
        style={{ cursor: 'pointer', display: 'block' }}
        {...handlers}
        onClick={onClick}
      >
        {active && point ? <rect className="dash-cursor" x={plot.x + active.index * geometry.band} y={plot.y} width={geometry.band} height={plot.height} fill="#eef2f7" /> : null}
        {drawing}
      </svg>
      {active && point ? (
        <FloatingTip x={active.x} y={active.y} width={width} height={height}>
          {tooltip(point)}
        </FloatingTip>
      ) : null}
    </>
  );
});
