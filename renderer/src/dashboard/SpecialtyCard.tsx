/**
 * Specialty breakdown: confirmed and cancelled appointments per specialty (stacked bars) and a
 * table with doctors, appointments and the cancellation rate. A click on a bar or a row's list
 * button opens those bookings.
 */
import { memo, useMemo, useRef, type ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import type { SpecialtyRow } from '../../../shared/contract';
import { formatCount } from '../format';
import { ChartCard } from './ChartCard';
import { downloadChartPng, downloadCsv } from './exportFiles';
import { formatRate } from './format';
import { AXIS_COLOR, CANCELLED_COLOR, CONFIRMED_COLOR, GRID_COLOR, swatch } from './palette';
import { countTicks } from './ticks';
import { StatusFigures, tipData } from './tooltip';
import { useChartFocus } from './useChartFocus';
import type { QueryState } from './useDashboardQuery';

const specialtyName = (specialty: string | null) => specialty ?? 'No specialty';
const short = (text: string, max = 20) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

interface Props {
  query: QueryState<{ rows: SpecialtyRow[]; ms: number }>;
  colorOf: (specialty: string | null) => string;
  onDrill: (specialty: string | null, status?: 'confirmed' | 'cancelled') => void;
  caveats: ReactNode;
  fileSlug: string;
  footnote: string;
}

function SpecialtyTooltip({ row }: { row: SpecialtyRow | null }) {
  if (!row) return null;
  return (
    <div className="dash-tooltip">
      <p className="strong">{specialtyName(row.specialty)}</p>
      <p className="muted">{row.doctors === 1 ? '1 doctor' : `${formatCount(row.doctors)} doctors`}</p>
      <StatusFigures figures={row} />
      <p className="dash-tooltip-hint">Click to list these bookings</p>
    </div>
  );
}

export const SpecialtyCard = memo(function SpecialtyCard({ query, colorOf, onDrill, caveats, fileSlug, footnote }: Props) {
  const chartRef = useRef<HTMLDivElement>(null);
  useChartFocus(chartRef);
  const rows = useMemo(() => (query.data?.rows ?? []).map((row) => ({ ...row, key: row.specialty ?? '' })), [query.data]);
  const height = Math.max(120, rows.length * 28 + 40);
  const xTicks = useMemo(() => countTicks(rows.reduce((m, r) => Math.max(m, r.appointments), 0)), [rows]);
  const summary = rows.length
    ? `Stacked bar chart of appointments per specialty. ${rows
        .slice(0, 3)
        .map((r) => `${specialtyName(r.specialty)}: ${formatCount(r.appointments)}`)
        .join('; ')}. The table below lists every specialty.`
    : 'No bookings in this filter.';

  const exportCsv = () =>
    downloadCsv(
      `specialties-${fileSlug}.csv`,
      ['specialty', 'doctors', 'appointments', 'confirmed', 'cancelled', 'cancellation_rate'],
      rows.map((r) => [r.specialty, r.doctors, r.appointments, r.confirmed, r.cancelled, Number(r.cancellationRate.toFixed(4))]),
    );
  const exportPng = async () => {
    if (!chartRef.current) return;
    await downloadChartPng(chartRef.current, `specialties-${fileSlug}.png`, 'Appointments per specialty', [
      { label: 'Confirmed', color: CONFIRMED_COLOR },
      { label: 'Cancelled', color: CANCELLED_COLOR },
    ], footnote);
  };

  return (
    <ChartCard
      id="specialties"
      title="Specialty breakdown"
      intro="Appointments per specialty of the doctor booked. Click a bar or a name for the bookings."
      onCsv={exportCsv}
      onPng={exportPng}
      query={query}
      caveats={caveats}
    >
      {rows.length === 0 ? (
        <p className="dash-nodata">No bookings match the filters.</p>
      ) : (
        <>
          <ul className="dash-legend" aria-hidden="true">
            <li>
              <span className="dash-swatch dash-swatch-confirmed" />
              Confirmed
            </li>
            <li>
              <span className="dash-swatch dash-swatch-cancelled" />
              Cancelled
            </li>
          </ul>
          <div ref={chartRef} className="dash-chart" role="img" aria-label={summary}>
            <BarChart layout="vertical" width="100%" height={height} responsive data={rows} margin={{ top: 4, right: 30, bottom: 4, left: 4 }} barSize={16} accessibilityLayer={false}>
              <CartesianGrid horizontal={false} stroke={GRID_COLOR} />
              {/* niceTicks none: the ticks are ours (ticks.ts); recharts' own, worked out with decimal.js on each of its store updates, cost tens of ms a render. */}
              <XAxis type="number" niceTicks="none" allowDecimals={false} ticks={xTicks} domain={[0, xTicks[xTicks.length - 1] ?? 'auto']} interval={0} tickFormatter={(v: number) => formatCount(v)} tick={{ fill: AXIS_COLOR, fontSize: 12 }} axisLine={{ stroke: GRID_COLOR }} tickLine={false} />
              <YAxis
                type="category"
                dataKey="key"
                width={132}
                interval={0}
                tick={{ fill: '#18212c', fontSize: 12.5 }}
                tickLine={false}
                axisLine={{ stroke: '#c4cbd4' }}
                tickFormatter={(key: string) => short(key === '' ? 'No specialty' : key)}
              />
              <Tooltip content={(props) => <SpecialtyTooltip row={tipData<SpecialtyRow>(props)} />} cursor={{ fill: '#eef2f7' }} isAnimationActive={false} />
              <Bar dataKey="confirmed" stackId="s" fill={CONFIRMED_COLOR} isAnimationActive={false} cursor="pointer" onClick={(item) => onDrill((item.payload as SpecialtyRow).specialty, 'confirmed')} />
              <Bar dataKey="cancelled" stackId="s" fill={CANCELLED_COLOR} isAnimationActive={false} cursor="pointer" onClick={(item) => onDrill((item.payload as SpecialtyRow).specialty, 'cancelled')} />
            </BarChart>
          </div>
          <table className="data-table compact dash-table" data-testid="specialty-table">
            <caption className="visually-hidden">Appointments per specialty</caption>
            <thead>
              <tr>
                <th scope="col">Specialty</th>
                <th scope="col" className="num">
                  Doctors
                </th>
                <th scope="col" className="num">
                  Appts
                </th>
                <th scope="col" className="num">
                  Confirmed
                </th>
                <th scope="col" className="num">
                  Cancel %
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.key} data-testid={`specialty-row-${row.key === '' ? 'none' : row.key}`} data-appointments={row.appointments} data-confirmed={row.confirmed}>
                  <th scope="row">
                    <span className="dash-swatch dash-swatch-small" style={swatch(colorOf(row.specialty))} />
                    <button type="button" className="dash-link" onClick={() => onDrill(row.specialty)} title="List these bookings">
                      {specialtyName(row.specialty)}
                    </button>
                  </th>
                  <td className="num">{formatCount(row.doctors)}</td>
                  <td className="num">{formatCount(row.appointments)}</td>
                  <td className="num">{formatCount(row.confirmed)}</td>
                  <td className="num">{formatRate(row.cancellationRate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </ChartCard>
  );
});
