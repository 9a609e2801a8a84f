/**
 * Specialty breakdown: confirmed and cancelled appointments per specialty (stacked bars) and a
 * table with doctors, appointments and the cancellation rate. A click on a bar or a row's list
 * button opens those bookings.
 */
import { memo, useCallback, useMemo, useRef, type ReactNode } from 'react';
import type { SpecialtyRow } from '../../../shared/contract';
import { formatCount } from '../format';
import { ChartCard } from './ChartCard';
import { HBarChart, type HBar } from './HBarChart';
import { downloadChartPng, downloadCsv } from './exportFiles';
import { formatRate } from './format';
import { CANCELLED_COLOR, CONFIRMED_COLOR, swatch } from './palette';
import { countTicks } from './ticks';
import { StatusFigures } from './tooltip';
import type { QueryState } from './useDashboardQuery';

const specialtyName = (specialty: string | null) => specialty ?? 'No specialty';
const short = (text: string, max = 20) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const MARGIN = { top: 4, right: 30, bottom: 4, left: 4 };
const FILLS = [CONFIRMED_COLOR, CANCELLED_COLOR];
const STATUS_OF = ['confirmed', 'cancelled'] as const;

interface Props {
  query: QueryState<{ rows: SpecialtyRow[]; ms: number }>;
  colorOf: (specialty: string | null) => string;
  onDrill: (specialty: string | null, status?: 'confirmed' | 'cancelled') => void;
  caveats: ReactNode;
  fileSlug: string;
  footnote: string;
}

function SpecialtyTooltip({ row }: { row: SpecialtyRow }) {
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
  const rows = useMemo(() => (query.data?.rows ?? []).map((row) => ({ ...row, key: row.specialty ?? '' })), [query.data]);
  const height = Math.max(120, rows.length * 28 + 40);
  const xTicks = useMemo(() => countTicks(rows.reduce((m, r) => Math.max(m, r.appointments), 0)), [rows]);
  const bars = useMemo(
    () => rows.map((row): HBar => ({ key: row.key, label: short(specialtyName(row.specialty)), values: [row.confirmed, row.cancelled], fills: FILLS, valueLabel: null, clickable: true })),
    [rows],
  );
  const barTooltip = useCallback((index: number) => {
    const row = rows[index];
    return row ? <SpecialtyTooltip row={row} /> : null;
  }, [rows]);
  // A click on the confirmed or cancelled part of a bar lists those bookings; elsewhere on the row, all of them.
  const onBarClick = useCallback((index: number, segment: number | null) => {
    const row = rows[index];
    if (row) onDrill(row.specialty, segment === null ? undefined : STATUS_OF[segment]);
  }, [rows, onDrill]);
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
            <HBarChart bars={bars} height={height} labelWidth={132} margin={MARGIN} axis="bottom" axisHeight={30} barSize={16} ticks={xTicks} tooltip={barTooltip} onRowClick={onBarClick} />
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
