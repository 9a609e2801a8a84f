/**
 * Doctor leaderboard: every doctor ranked as question 4 ranks them (confirmed appointments, or
 * cancelled ones when the status filter is Cancelled), as a bar chart coloured by specialty
 * (placeholder doctors hatched and labelled) beside a table with total, confirmed, cancelled and
 * cancellation rate; when a filter leaves bookings out, each doctor's figure over all data is
 * beside it. A click on a bar or a doctor's name filters the whole dashboard to that doctor; the
 * table's list button opens the doctor's bookings.
 */
import { memo, useCallback, useMemo, useRef, type ReactNode } from 'react';
import type { Leaderboard, LeaderboardRow } from '../../../shared/contract';
import { formatCount, plural } from '../format';
import { ChartCard } from './ChartCard';
import { HBarChart, type HBar } from './HBarChart';
import { DrillCell, DrillHeader } from './DrillColumn';
import { downloadChartPng, downloadCsv, type LegendEntry } from './exportFiles';
import { TOP_CHOICES, type TopChoice } from './filters';
import { formatRate } from './format';
import { HATCH_ID, NO_SPECIALTY_COLOR, swatch } from './palette';
import { countTicks } from './ticks';
import { StatusFigures } from './tooltip';
import type { QueryState } from './useDashboardQuery';

interface Props {
  query: QueryState<Leaderboard>;
  colorOf: (specialty: string | null) => string;
  top: TopChoice;
  onTop: (top: TopChoice) => void;
  selectedIds: readonly number[];
  onSelectDoctor: (doctorId: number) => void;
  onDrillDoctor: (row: LeaderboardRow) => void;
  caveats: ReactNode;
  fileSlug: string;
  footnote: string;
}

/** Rows with a second line (specialty and id) for the top 10; one line for longer lists. */
const ROW_PITCH = { roomy: 44, compact: 32 };
const AXIS_HEIGHT = 32;
const MARGIN = { top: 0, right: 36, bottom: 0, left: 4 };
const PLACEHOLDER_STROKE = '#7b8794';
const SELECTED_STROKE = '#18212c';

/** Diagonal stripes for placeholder doctors (grey, so no specialty's colour is taken). */
const hatch = (
  <pattern id={HATCH_ID} patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">
    <rect width="6" height="6" fill="#e3e7ec" />
    <line x1="0" y1="0" x2="0" y2="6" stroke={PLACEHOLDER_STROKE} strokeWidth="2.5" />
  </pattern>
);

const doctorLabel = (row: LeaderboardRow) => (row.placeholder ? `${row.name} · #${row.doctorId}` : row.name);
const short = (text: string, max = 24) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

const MEASURE_WORD = { confirmed: 'Confirmed', cancelled: 'Cancelled' } as const;

function LeaderTooltip({ row, rankedBy }: { row: LeaderboardRow; rankedBy: Leaderboard['rankedBy'] }) {
  return (
    <div className="dash-tooltip">
      <p className="strong">{doctorLabel(row)}</p>
      <p className="muted">
        {row.placeholder ? 'Placeholder doctor (not in the doctors file)' : (row.specialty ?? 'No specialty recorded')} · #{row.doctorId}
      </p>
      <StatusFigures figures={row} />
      {row.allData ? (
        <p className="muted">
          {formatCount(row[rankedBy])} {rankedBy} in this filter · {formatCount(row.allData[rankedBy])} in all data
        </p>
      ) : null}
      <p className="dash-tooltip-hint">Click to filter the dashboard to this doctor</p>
    </div>
  );
}

function Swatch({ row, colorOf }: { row: LeaderboardRow; colorOf: (specialty: string | null) => string }) {
  return <span className={`dash-swatch dash-swatch-small ${row.placeholder ? 'dash-swatch-hatch' : ''}`} style={row.placeholder ? undefined : swatch(colorOf(row.specialty))} />;
}

/** A count in the table; the ranked one is bold, with its figure in all data under it when filtered. */
function MeasureCell({ value, all, ranked }: { value: number; all: number | undefined; ranked: boolean }) {
  return (
    <td className={`num ${ranked ? 'strong' : ''}`}>
      {formatCount(value)}
      {ranked && all !== undefined ? <span className="cell-sub dash-all-data">{formatCount(all)} in all data</span> : null}
    </td>
  );
}

export const LeaderboardCard = memo(function LeaderboardCard({ query, colorOf, top, onTop, selectedIds, onSelectDoctor, onDrillDoctor, caveats, fileSlug, footnote }: Props) {
  const chartRef = useRef<HTMLDivElement>(null);
  const data = query.data;
  const rankedBy = data?.rankedBy ?? 'confirmed';
  const measureWord = MEASURE_WORD[rankedBy];
  const rows = useMemo(() => (data?.rows ?? []).map((row) => ({ ...row, key: String(row.doctorId) })), [data]);
  // The chart's rows line up with the table's: the same row pitch, the axis where the table's
  // header is (see .dash-lb-table in dashboard.css).
  const compact = top > 10;
  const xTicks = useMemo(() => countTicks(rows.reduce((m, r) => Math.max(m, r[rankedBy]), 0)), [rows, rankedBy]);
  const height = AXIS_HEIGHT + rows.length * (compact ? ROW_PITCH.compact : ROW_PITCH.roomy);
  const bars = useMemo(
    () =>
      rows.map((row): HBar => {
        const selected = selectedIds.includes(row.doctorId);
        return {
          key: row.key,
          label: short(doctorLabel(row)),
          values: [row[rankedBy]],
          fills: [row.placeholder ? `url(#${HATCH_ID})` : colorOf(row.specialty)],
          stroke: selected ? SELECTED_STROKE : row.placeholder ? PLACEHOLDER_STROKE : undefined,
          strokeWidth: selected ? 2 : 1,
          valueLabel: formatCount(row[rankedBy]),
          clickable: true,
        };
      }),
    [rows, rankedBy, selectedIds, colorOf],
  );
  const barTooltip = useCallback((index: number) => {
    const row = rows[index];
    return row ? <LeaderTooltip row={row} rankedBy={rankedBy} /> : null;
  }, [rows, rankedBy]);
  const onBarClick = useCallback((index: number) => {
    const row = rows[index];
    if (row) onSelectDoctor(row.doctorId);
  }, [rows, onSelectDoctor]);

  const legend = useMemo(() => {
    const seen = new Map<string, LegendEntry>();
    let placeholder = false;
    for (const row of rows) {
      if (row.placeholder) placeholder = true;
      else {
        const label = row.specialty ?? 'No specialty';
        if (!seen.has(label)) seen.set(label, { label, color: colorOf(row.specialty) });
      }
    }
    return { entries: [...seen.values()], placeholder };
  }, [rows, colorOf]);

  const summary = rows.length
    ? `Bar chart of ${rankedBy} appointments for the top ${rows.length} doctors. ${rows
        .slice(0, 3)
        .map((r, i) => `${i + 1}. ${doctorLabel(r)}: ${formatCount(r[rankedBy])}`)
        .join('; ')}. The table beside it lists every bar.`
    : 'No doctors match this filter.';
  const filtered = rows.some((r) => r.allData !== null);

  const exportCsv = () =>
    downloadCsv(
      `doctor-leaderboard-${fileSlug}.csv`,
      ['rank', 'ranked_by', 'doctor_id', 'name', 'specialty', 'placeholder', 'total', 'confirmed', 'cancelled', 'cancellation_rate', 'all_data_total', 'all_data_confirmed', 'all_data_cancelled'],
      rows.map((r, i) => [
        i + 1,
        rankedBy,
        r.doctorId,
        r.name,
        r.specialty,
        r.placeholder,
        r.total,
        r.confirmed,
        r.cancelled,
        Number(r.cancellationRate.toFixed(4)),
        r.allData?.total ?? r.total,
        r.allData?.confirmed ?? r.confirmed,
        r.allData?.cancelled ?? r.cancelled,
      ]),
    );
  const exportPng = async () => {
    if (!chartRef.current) return;
    const entries = [...legend.entries, ...(legend.placeholder ? [{ label: 'Placeholder doctor (hatched)', color: NO_SPECIALTY_COLOR }] : [])];
    await downloadChartPng(chartRef.current, `doctor-leaderboard-${fileSlug}.png`, `${measureWord} appointments per doctor (top ${top})`, entries, footnote);
  };

  const controls = (
    <label className="dash-inline-field">
      <span>Show top</span>
      <select value={top} onChange={(event) => onTop(Number(event.target.value) as TopChoice)}>
        {TOP_CHOICES.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <ChartCard
      id="leaderboard"
      title="Doctor leaderboard"
      intro={
        data
          ? `${measureWord} appointments per doctor${filtered ? ' in this filter' : ''}, ranked${rankedBy === 'confirmed' ? ' as question 4 ranks them' : ''}. Top ${formatCount(rows.length)} of ${plural(data.doctors, 'doctor')}${filtered ? '; each with its figure in all data' : ''}.`
          : 'Appointments per doctor, ranked.'
      }
      controls={controls}
      onCsv={exportCsv}
      onPng={exportPng}
      query={query}
      caveats={caveats}
    >
      {rows.length === 0 ? (
        <p className="dash-nodata">No bookings match the filters. Clear a filter or widen the date range.</p>
      ) : (
        <div className="dash-split">
          <div className="dash-chart-col">
            <div ref={chartRef} className="dash-chart" role="img" aria-label={summary}>
              <HBarChart
                bars={bars}
                height={height}
                labelWidth={168}
                margin={MARGIN}
                axis="top"
                axisHeight={AXIS_HEIGHT}
                barSize={compact ? 16 : 20}
                ticks={xTicks}
                defs={hatch}
                tooltip={barTooltip}
                onRowClick={onBarClick}
              />
            </div>
            <ul className="dash-legend" aria-label="Colours">
              {legend.entries.map((entry) => (
                <li key={entry.label}>
                  <span className="dash-swatch" style={swatch(entry.color)} />
                  {entry.label}
                </li>
              ))}
              {legend.placeholder ? (
                <li>
                  <span className="dash-swatch dash-swatch-hatch" />
                  Placeholder doctor (“Unknown”, not in the doctors file)
                </li>
              ) : null}
            </ul>
          </div>
          <div className="dash-table-col">
            <table className={`data-table compact dash-table dash-lb-table ${compact ? 'dash-lb-compact' : ''}`} data-testid="leaderboard-table">
              <caption className="visually-hidden">
                Doctor leaderboard: top {rows.length} doctors by {rankedBy} appointments
              </caption>
              <thead>
                <tr>
                  <th scope="col">Doctor</th>
                  <th scope="col" className="num">
                    Total
                  </th>
                  <th scope="col" className="num" aria-sort={rankedBy === 'confirmed' ? 'descending' : undefined}>
                    Confirmed
                  </th>
                  <th scope="col" className="num" aria-sort={rankedBy === 'cancelled' ? 'descending' : undefined}>
                    Cancelled
                  </th>
                  <th scope="col" className="num">
                    Cancel %
                  </th>
                  <DrillHeader />
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => {
                  const selected = selectedIds.includes(row.doctorId);
                  return (
                    <tr
                      key={row.key}
                      data-testid={`leaderboard-row-${row.doctorId}`}
                      data-confirmed={row.confirmed}
                      data-cancelled={row.cancelled}
                      data-total={row.total}
                      data-all={row.allData ? row.allData[rankedBy] : undefined}
                      className={selected ? 'dash-row-selected' : undefined}
                    >
                      <th scope="row" className="dash-doctor-cell">
                        {compact ? <Swatch row={row} colorOf={colorOf} /> : null}
                        <button
                          type="button"
                          className="dash-link"
                          onClick={() => onSelectDoctor(row.doctorId)}
                          aria-pressed={selected}
                          title={selected ? 'Filtered to this doctor' : 'Filter the dashboard to this doctor'}
                        >
                          {short(row.name, 30)}
                        </button>
                        {compact && row.placeholder ? <span className="dash-tag">placeholder</span> : null}
                        <span className={compact ? 'visually-hidden' : 'cell-sub'}>
                          {compact ? ', ' : <Swatch row={row} colorOf={colorOf} />}
                          {row.placeholder ? `Placeholder · #${row.doctorId}` : `${row.specialty ?? 'No specialty'} · #${row.doctorId}`}
                        </span>
                      </th>
                      <td className="num">{formatCount(row.total)}</td>
                      <MeasureCell value={row.confirmed} all={row.allData?.confirmed} ranked={rankedBy === 'confirmed'} />
                      <MeasureCell value={row.cancelled} all={row.allData?.cancelled} ranked={rankedBy === 'cancelled'} />
                      <td className="num">{formatRate(row.cancellationRate)}</td>
                      <DrillCell of={doctorLabel(row)} title="List this doctor’s bookings" onClick={() => onDrillDoctor(row)} />
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </ChartCard>
  );
});
