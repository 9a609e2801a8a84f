/**
 * Patient segments for the filter: new against returning (a patient is returning when one of their
 * bookings in the view is after the day of their first booking ever: they came back; new
 * otherwise), patients by number of bookings (1, 2–3, 4+), and patients with repeated
 * cancellations. The definitions are on screen under the figures. One small bar chart of patient
 * counts and the same figures as numbers. A click on a segment's or a visit-count bucket's bar or
 * name lists those patients' bookings in the filter.
 */
import { memo, useCallback, useMemo, useRef, type ReactNode } from 'react';
import type { Segments, VisitBucket } from '../../../shared/contract';
import { formatCount } from '../format';
import { ChartCard } from './ChartCard';
import { HBarChart, type HBar } from './HBarChart';
import { downloadChartPng, downloadCsv } from './exportFiles';
import { formatRate } from './format';
import { CANCELLED_COLOR, NEW_COLOR, RETURNING_COLOR, swatch } from './palette';
import { countTicks } from './ticks';
import type { QueryState } from './useDashboardQuery';

const VISITS_COLOR = '#6b7fa8';
const MARGIN = { top: 4, right: 44, bottom: 4, left: 4 };

interface Bucket {
  key: string;
  testId: string;
  group: string;
  label: string;
  value: number;
  color: string;
  /** What a click on this bar or row lists; none for repeated cancellations. */
  drill?: SegmentDrill;
}

/** A segment's bookings: new or returning patients, or patients by their number of bookings. */
export type SegmentDrill = { segment: 'new' | 'returning' } | { visits: VisitBucket };

function buckets(s: Segments): Bucket[] {
  return [
    { key: 'new', testId: 'segment-new', group: 'Segment', label: 'New patients', value: s.newPatients, color: NEW_COLOR, drill: { segment: 'new' } },
    { key: 'returning', testId: 'segment-returning', group: 'Segment', label: 'Returning patients', value: s.returningPatients, color: RETURNING_COLOR, drill: { segment: 'returning' } },
    { key: 'one', testId: 'bucket-1', group: 'Bookings per patient', label: '1 booking', value: s.visitBuckets.one, color: VISITS_COLOR, drill: { visits: '1' } },
    { key: 'two', testId: 'bucket-2-3', group: 'Bookings per patient', label: '2–3 bookings', value: s.visitBuckets.twoToThree, color: VISITS_COLOR, drill: { visits: '2-3' } },
    { key: 'four', testId: 'bucket-4plus', group: 'Bookings per patient', label: '4+ bookings', value: s.visitBuckets.fourPlus, color: VISITS_COLOR, drill: { visits: '4+' } },
    { key: 'repeat', testId: 'repeated-cancellations', group: 'Cancellations', label: '2+ cancellations', value: s.repeatedCancellations, color: CANCELLED_COLOR },
  ];
}

interface Props {
  query: QueryState<Segments>;
  onDrill: (drill: SegmentDrill) => void;
  caveats: ReactNode;
  fileSlug: string;
  footnote: string;
}

function SegmentTooltip({ bucket, patients }: { bucket: Bucket; patients: number }) {
  return (
    <div className="dash-tooltip">
      <p className="strong">{bucket.label}</p>
      <p>
        {formatCount(bucket.value)} patients{patients > 0 ? ` (${formatRate(bucket.value / patients)} of ${formatCount(patients)})` : ''}
      </p>
      {bucket.drill && bucket.value > 0 ? <p className="dash-tooltip-hint">Click to list their bookings</p> : null}
    </div>
  );
}

export const SegmentsCard = memo(function SegmentsCard({ query, onDrill, caveats, fileSlug, footnote }: Props) {
  const chartRef = useRef<HTMLDivElement>(null);
  const segments = query.data;
  const rows = useMemo(() => (segments ? buckets(segments) : []), [segments]);
  const patients = segments?.patients ?? 0;
  const xTicks = useMemo(() => countTicks(rows.reduce((m, r) => Math.max(m, r.value), 0)), [rows]);
  const bars = useMemo(
    () => rows.map((row): HBar => ({ key: row.key, label: row.label, values: [row.value], fills: [row.color], valueLabel: formatCount(row.value), clickable: Boolean(row.drill && row.value > 0) })),
    [rows],
  );
  const barTooltip = useCallback((index: number) => {
    const bucket = rows[index];
    return bucket ? <SegmentTooltip bucket={bucket} patients={patients} /> : null;
  }, [rows, patients]);
  const onBarClick = useCallback((index: number) => {
    const drill = rows[index]?.drill;
    if (drill) onDrill(drill);
  }, [rows, onDrill]);
  const share = (value: number) => (patients > 0 ? formatRate(value / patients) : '—');
  const summary = segments
    ? `Bar chart of patient counts: ${rows.map((r) => `${r.label} ${formatCount(r.value)}`).join(', ')}; ${formatCount(patients)} patients in all.`
    : '';

  const exportCsv = () =>
    downloadCsv(
      `patient-segments-${fileSlug}.csv`,
      ['group', 'measure', 'patients', 'share_of_patients'],
      [['All', 'patients with a booking', patients, 1], ...rows.map((r) => [r.group, r.label, r.value, patients > 0 ? Number((r.value / patients).toFixed(4)) : 0])],
    );
  const exportPng = async () => {
    if (!chartRef.current) return;
    await downloadChartPng(
      chartRef.current,
      `patient-segments-${fileSlug}.png`,
      `Patients (${formatCount(patients)} in all)`,
      [
        { label: 'New', color: NEW_COLOR },
        { label: 'Returning', color: RETURNING_COLOR },
        { label: 'Bookings per patient', color: VISITS_COLOR },
        { label: 'Repeated cancellations', color: CANCELLED_COLOR },
      ],
      footnote,
    );
  };

  return (
    <ChartCard
      id="segments"
      title="Patient segments"
      intro={segments ? `${formatCount(patients)} patients with a booking in the filter.` : 'Patients with a booking in the filter.'}
      onCsv={exportCsv}
      onPng={exportPng}
      query={query}
      caveats={caveats}
    >
      {segments ? (
        <div data-testid="segments" data-patients={patients} className="dash-segments">
          {patients === 0 ? <p className="dash-nodata">No patients match the filters.</p> : null}
          {patients > 0 ? (
            <div ref={chartRef} className="dash-chart" role="img" aria-label={summary}>
              <HBarChart bars={bars} height={rows.length * 30 + 34} labelWidth={132} margin={MARGIN} axis="bottom" axisHeight={30} barSize={16} ticks={xTicks} tooltip={barTooltip} onRowClick={onBarClick} />
            </div>
          ) : null}
          <table className="data-table compact dash-table">
            <caption className="visually-hidden">Patient segments</caption>
            <thead>
              <tr>
                <th scope="col">Patients</th>
                <th scope="col" className="num">
                  Count
                </th>
                <th scope="col" className="num">
                  Share
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.key}>
                  <th scope="row">
                    <span className="dash-swatch dash-swatch-small" style={swatch(row.color)} />
                    {row.drill && row.value > 0 ? (
                      <button type="button" className="dash-link" onClick={() => row.drill && onDrill(row.drill)} title="List their bookings">
                        {row.label}
                      </button>
                    ) : (
                      row.label
                    )}
                  </th>
                  <td className="num">
                    <span data-testid={row.testId} data-value={row.value}>
                      {formatCount(row.value)}
                    </span>
                  </td>
                  <td className="num muted">{share(row.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <dl className="dash-definitions" data-testid="segment-definitions">
            <div>
              <dt>New</dt>
              <dd>every booking of theirs in this view is on the day of their first booking ever (one visit so far).</dd>
            </div>
            <div>
              <dt>Returning</dt>
              <dd>a booking in this view after the day of their first booking ever: they came back.</dd>
            </div>
            <div>
              <dt>Bookings per patient, cancellations</dt>
              <dd>counted among their bookings in this view.</dd>
            </div>
          </dl>
        </div>
      ) : null}
    </ChartCard>
  );
});
