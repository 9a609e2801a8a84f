/**
 * Confirmed and cancelled appointments over time as stacked bars, with the cancellation rate as a
 * line on a second axis where a period has enough bookings for it to mean something. The axis
 * spans where the bookings are (main decides it: timeAxis.ts); bookings far outside it, such as a
 * date dragged down for centuries, are a marker beside the chart ("330 bookings after Oct 24,
 * 2025 — show") that lists them, never a stretched axis. Day / week / month (auto picks from the
 * axis and says which); the period-over-period comparison in words; a table of the same figures
 * behind a "Show as a table" button (made only when asked for). A click on a bar opens the
 * bookings of that period (and status); a click elsewhere in a period opens all of its bookings.
 */
import { memo, useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import type { DenseSpan, Granularity, Kpis, Trend, TrendPoint } from '../../../shared/contract';
import { formatCount, plural } from '../format';
import { ChartCard } from './ChartCard';
import { bucketEnd, daysInclusive, formatDay, formatRange, periodLabel, type Period } from './dates';
import { downloadChartPng, downloadCsv } from './exportFiles';
import type { TrendChoice } from './filters';
import { comparisonSentence, formatRate } from './format';
import { CANCELLED_COLOR, CONFIRMED_COLOR, RATE_COLOR } from './palette';
import { axisTicks, periodTicks } from './ticks';
import { TrendChart } from './TrendChart';
import { TrendTable } from './TrendTable';
import { drawnPoints, MIN_RATE_BOOKINGS, type ChartPoint } from './trendPoints';
import { useElementWidth } from './useElementWidth';
import type { QueryState } from './useDashboardQuery';

const CHOICES: { key: TrendChoice; label: string }[] = [
  { key: 'auto', label: 'Auto' },
  { key: 'day', label: 'Day' },
  { key: 'week', label: 'Week' },
  { key: 'month', label: 'Month' },
];

const ADVERB: Record<Granularity, string> = { day: 'daily', week: 'weekly', month: 'monthly' };

/**
 * The narrowest bar drawn, in CSS pixels: more periods than the chart has room for are summed
 * (trendPoints.ts). Also what a redraw costs: each bar is an SVG element or two.
 */
const MIN_BAR_PX = 5;

const CHART_HEIGHT = 300;
/** The rate axis's labels ("25%"), right of the plot. */
const RATE_AXIS_WIDTH = 44;

interface Props {
  query: QueryState<Trend>;
  kpis: Kpis | null;
  /** The filter's dates (for the comparison sentence). */
  range: { from?: string | undefined; to?: string | undefined };
  /** The first booking ever loaded: no period is named before it. */
  firstBooking: string | null;
  choice: TrendChoice;
  onChoice: (choice: TrendChoice) => void;
  onDrill: (period: string, granularity: Period, status?: 'confirmed' | 'cancelled') => void;
  /** Lists the bookings before the axis's first day or after its last. */
  onDrillOutside: (side: 'before' | 'after', day: string) => void;
  caveats: ReactNode;
  fileSlug: string;
  footnote: string;
}

export const TrendCard = memo(function TrendCard({ query, kpis, range, firstBooking, choice, onChoice, onDrill, onDrillOutside, caveats, fileSlug, footnote }: Props) {
  const chartRef = useRef<HTMLDivElement>(null);
  const tableBoxRef = useRef<HTMLDivElement>(null);
  const [showTable, setShowTable] = useState(false);
  const trend = query.data;
  const granularity: Granularity = trend?.granularity ?? 'month';
  const floor = MIN_RATE_BOOKINGS;
  const measured = useElementWidth(chartRef, Boolean(trend && trend.points.length > 0));
  // The bars are chosen for a guess until the box is measured (before the first paint); the chart
  // itself is drawn only at the measured width.
  const width = measured ?? 900;
  // A bar needs a few pixels to be seen apart from its neighbours; the axes take ~100.
  const maxBars = Math.max(24, Math.floor((width - 100) / MIN_BAR_PX));
  const {
    points,
    filled,
    granularity: drawn,
  } = useMemo(() => (trend ? drawnPoints(trend.points, trend.granularity, maxBars, floor) : { points: [], filled: true, granularity: 'month' as const }), [trend, maxBars, floor]);
  const unrated = useMemo(() => points.filter((p) => p.confirmed + p.cancelled > 0 && p.confirmed + p.cancelled < floor).length, [points, floor]);
  const manyYears = points.length > 0 && points[0]?.period.slice(0, 4) !== points[points.length - 1]?.period.slice(0, 4);
  const comparison = kpis ? comparisonSentence(kpis, range, firstBooking, formatRange, formatDay) : null;
  const axis = trend?.axis ?? null;
  const tall = (trend?.points.length ?? 0) > TALL_TABLE_ROWS;
  const totals = useMemo(() => (trend?.points ?? []).reduce((sum, p) => ({ confirmed: sum.confirmed + p.confirmed, cancelled: sum.cancelled + p.cancelled }), { confirmed: 0, cancelled: 0 }), [trend]);
  const ticks = useMemo(
    () =>
      axisTicks(
        points.reduce((m, p) => Math.max(m, p.confirmed + p.cancelled), 0),
        points.reduce((m, p) => Math.max(m, p.rate ?? 0), 0),
      ),
    [points],
  );
  const yTicks = ticks.counts;
  // Wide enough for the top tick's label ("120,000" at 12 px), which a fixed 48 px clipped.
  const countAxisWidth = Math.max(48, formatCount(yTicks[yTicks.length - 1] ?? 0).length * 7 + 10);
  // The plot is the chart less its two value axes and margin.
  const xTicks = useMemo(() => periodTicks(points.map((p) => p.period), width - countAxisWidth - RATE_AXIS_WIDTH - 8), [points, width, countAxisWidth]);
  const rTicks = ticks.rates;
  const busiest = useMemo(() => (trend?.points ?? []).reduce<TrendPoint | null>((best, p) => (!best || p.confirmed + p.cancelled > best.confirmed + best.cancelled ? p : best), null), [trend]);

  const tooltip = useCallback((point: ChartPoint) => <TrendTooltip point={point} granularity={drawn} />, [drawn]);
  // The chart is memoised on what it draws: a new key figure, caveat or loading state re-renders
  // the card, not its bars.
  const chart = (
    <TrendChart
      points={points}
      granularity={drawn}
      manyYears={manyYears}
      xTicks={xTicks}
      width={width}
      height={CHART_HEIGHT}
      countAxisWidth={countAxisWidth}
      rateAxisWidth={RATE_AXIS_WIDTH}
      countTicks={yTicks}
      rateTicks={rTicks}
      onDrill={onDrill}
      tooltip={tooltip}
    />
  );

  const summary =
    trend && trend.points.length > 0
      ? `Stacked bar chart of confirmed and cancelled appointments per ${granularity}, from ${periodLabel(trend.points[0]?.period ?? '', granularity)} to ${periodLabel(trend.points[trend.points.length - 1]?.period ?? '', granularity)}, with the cancellation rate as a line. ${formatCount(totals.confirmed)} confirmed and ${formatCount(totals.cancelled)} cancelled in all${busiest ? `; busiest ${granularity}: ${periodLabel(busiest.period, granularity)} with ${formatCount(busiest.confirmed + busiest.cancelled)}` : ''}. Every ${granularity}'s figures are in a table: use the "Show as a table" button below the chart.`
      : 'No bookings in this filter.';

  const exportCsv = () =>
    downloadCsv(
      `appointment-trend-${granularity}-${fileSlug}.csv`,
      ['period_start', 'period_end', 'granularity', 'confirmed', 'cancelled', 'cancellation_rate'],
      (trend?.points ?? []).map((p) => [p.period, bucketEnd(p.period, granularity), granularity, p.confirmed, p.cancelled, Number(p.cancellationRate.toFixed(4))]),
    );
  const exportPng = async () => {
    if (!chartRef.current) return;
    await downloadChartPng(
      chartRef.current,
      `appointment-trend-${granularity}-${fileSlug}.png`,
      `Confirmed vs cancelled appointments per ${granularity}`,
      [
        { label: 'Confirmed', color: CONFIRMED_COLOR },
        { label: 'Cancelled', color: CANCELLED_COLOR },
        { label: 'Cancellation rate (right axis)', color: RATE_COLOR },
      ],
      footnote,
    );
  };

  const controls = (
    <fieldset className="choice-group dash-granularity">
      <legend className="visually-hidden">Period</legend>
      <div className="segmented">
        {CHOICES.map((c) => (
          <label key={c.key} className="segment">
            <input type="radio" name="trend-granularity" value={c.key} checked={choice === c.key} onChange={() => onChoice(c.key)} />
            <span className="segment-label">{c.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );

  const intro = trend ? (
    <>
      Appointments per {drawn}
      {axis ? `, ${formatRange(axis.from, axis.to)}` : ''}
      {choice === 'auto' ? <span className="dash-auto-note"> (auto: {ADVERB[granularity]}, fitted to where the bookings are)</span> : null}. Click a bar to see its bookings.
    </>
  ) : (
    'Appointments over time.'
  );

  return (
    <ChartCard
      id="trend"
      title="Appointments over time"
      intro={intro}
      controls={controls}
      onCsv={exportCsv}
      onPng={exportPng}
      query={query}
      caveats={caveats}
    >
      {comparison ? <p className="dash-comparison" data-testid="trend-comparison">{comparison}</p> : null}
      {trend && trend.points.length === 0 ? <p className="dash-nodata">No bookings match the filters. Clear a filter or widen the date range.</p> : null}
      {trend && trend.points.length > 0 ? (
        <>
          {axis && (axis.before > 0 || axis.after > 0) ? <OutsideMarkers axis={axis} granularity={granularity} onShow={onDrillOutside} /> : null}
          <ul className="dash-legend" aria-hidden="true">
            <li>
              <span className="dash-swatch dash-swatch-confirmed" />
              Confirmed
            </li>
            <li>
              <span className="dash-swatch dash-swatch-cancelled" />
              Cancelled
            </li>
            <li>
              <span className="dash-swatch dash-swatch-line" />
              Cancellation rate (right axis)
            </li>
          </ul>
          <div ref={chartRef} className="dash-chart" role="img" aria-label={summary} data-testid="trend-chart" data-granularity={granularity} data-drawn={drawn}>
            {measured === null ? null : chart}
          </div>
          {drawn !== granularity ? (
            <p className="hint" data-testid="trend-drawn-note">
              Drawn per {drawn}: {plural(periodsSpanned(points[0]?.period ?? '', bucketEnd(points[points.length - 1]?.period ?? '', drawn), granularity), granularity)} are more bars than the chart has room
              for, so each bar sums a {drawn} (every booking is counted, each rate is its {drawn}&apos;s own). The table lists every {granularity}.
            </p>
          ) : null}
          {unrated > 0 ? (
            <p className="hint">
              The cancellation rate is drawn only for a {drawn} with at least {formatCount(floor)} bookings: {unrated === 1 ? '1 has' : `${formatCount(unrated)} have`} fewer. The table lists every rate.
            </p>
          ) : null}
          {!filled ? <p className="hint">Periods without bookings are left out of this chart (the range has too many of them to draw); pick a longer period or a shorter range.</p> : null}
        </>
      ) : null}
      {trend ? (
        <div className="dash-table-toggle">
          <button type="button" className="btn btn-quiet btn-small" aria-expanded={showTable} aria-controls="trend-table" onClick={() => setShowTable((v) => !v)} data-testid="trend-table-toggle">
            {showTable ? 'Hide the table' : 'Show as a table'}
          </button>
        </div>
      ) : null}
      {/* The table exists only while shown: kept in the DOM for screen readers, centuries of months
          were ~19,000 elements that React removed and made again on every filter change (250-785 ms
          tasks at a million rows) and that slowed every query of the page. The chart's summary
          points to the button, the pattern charting libraries use for their accessible tables.
          A tall table scrolls in its box, which takes the focus so the keyboard scrolls it too
          (only the rows in view are rendered: TrendTable.tsx). */}
      <div
        id="trend-table"
        ref={tableBoxRef}
        className={showTable ? `dash-trend-table${tall ? ' dash-trend-table-tall' : ''}` : undefined}
        hidden={!showTable}
        tabIndex={showTable && tall ? 0 : undefined}
        data-testid="trend-table-box"
      >
        {trend && showTable ? <TrendTable trend={trend} onDrill={onDrill} scrollRef={tableBoxRef} /> : null}
      </div>
    </ChartCard>
  );
});

/** Rows beyond which the table overflows its box (320 px of ~30 px rows): the box then has a fixed height (dash-trend-table-tall). */
const TALL_TABLE_ROWS = 9;

/** How many periods of `granularity` the days from `from` to `to` span (days, or the months touched; weeks are never summed). */
function periodsSpanned(from: string, to: string, granularity: Granularity): number {
  if (granularity !== 'month') return daysInclusive(from, to);
  const months = (iso: string) => Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7));
  return months(to) - months(from) + 1;
}

/**
 * Bookings left off the axis, each side in one line with a way to list them: "330 bookings after
 * Oct 24, 2025 — show".
 */
function OutsideMarkers({ axis, granularity, onShow }: { axis: DenseSpan; granularity: Granularity; onShow: (side: 'before' | 'after', day: string) => void }) {
  const when = (day: string) => (granularity === 'month' ? periodLabel(`${day.slice(0, 7)}-01`, 'month') : formatDay(day));
  return (
    <div className="dash-outside" data-testid="trend-outside">
      {axis.before > 0 ? (
        <p className="dash-outside-marker dash-outside-before" data-testid="trend-outside-before" data-count={axis.before}>
          <span aria-hidden="true">←</span> {plural(axis.before, 'booking')} before {when(axis.from)} —{' '}
          <button type="button" className="dash-link" onClick={() => onShow('before', axis.from)}>
            show
          </button>
        </p>
      ) : (
        <span />
      )}
      {axis.after > 0 ? (
        <p className="dash-outside-marker dash-outside-after" data-testid="trend-outside-after" data-count={axis.after}>
          {plural(axis.after, 'booking')} after {when(axis.to)} —{' '}
          <button type="button" className="dash-link" onClick={() => onShow('after', axis.to)}>
            show
          </button>{' '}
          <span aria-hidden="true">→</span>
        </p>
      ) : null}
    </div>
  );
}

function TrendTooltip({ point, granularity }: { point: ChartPoint; granularity: Period }) {
  const total = point.confirmed + point.cancelled;
  return (
    <div className="dash-tooltip">
      <p className="strong">{periodLabel(point.period, granularity)}</p>
      {granularity !== 'day' ? <p className="muted">{formatRange(point.period, bucketEnd(point.period, granularity))}</p> : null}
      <dl className="dash-tooltip-figures">
        <dt>
          <span className="dash-swatch dash-swatch-small dash-swatch-confirmed" />
          Confirmed
        </dt>
        <dd>{formatCount(point.confirmed)}</dd>
        <dt>
          <span className="dash-swatch dash-swatch-small dash-swatch-cancelled" />
          Cancelled
        </dt>
        <dd>{formatCount(point.cancelled)}</dd>
        <dt>Cancellation rate</dt>
        <dd>{point.rate === null ? '—' : formatRate(point.rate)}</dd>
      </dl>
      <p className="dash-tooltip-hint">{total > 0 ? 'Click to list these bookings' : 'No bookings'}</p>
    </div>
  );
}
