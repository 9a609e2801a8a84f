/**
 * The key figures for the filter, each with its raw value for tests (data-value), the change
 * against the period of equal length just before (when a range is set), and a click-through to
 * the bookings behind it.
 */
import { memo } from 'react';
import type { ReactNode } from 'react';
import type { ErrorData, Kpis } from '../../../shared/contract';
import { formatCount, plural } from '../format';
import { RetryNotice } from './ChartCard';
import { daysInclusive, formatRange } from './dates';
import { countDelta, formatRate, rateDelta, type Delta } from './format';

export type KpiDrill = 'all' | 'confirmed' | 'cancelled';

interface Props {
  kpis: Kpis | null;
  /** The same figures over every loaded booking, when the filter leaves some out (else null). */
  all: Kpis | null;
  /** Whether a filter leaves bookings out. */
  filtered: boolean;
  /** Where most of the filtered bookings are (the trend's axis), when it is known. */
  mainSpan: { from: string; to: string } | null;
  loading: boolean;
  error: ErrorData | null;
  onRetry: () => void;
  onDrill: (kind: KpiDrill, title: string) => void;
}

interface Card {
  key: string;
  label: string;
  display: string;
  raw: string | number;
  note: ReactNode;
  delta?: Delta | null;
  /** The figure over all loaded data, when a filter changes it. */
  allData?: string | null;
  drill?: KpiDrill;
  drillTitle?: string;
}

function DeltaText({ delta }: { delta: Delta }) {
  const arrow = delta.direction === 'up' ? '▲' : delta.direction === 'down' ? '▼' : '■';
  return (
    <span className={`dash-delta dash-delta-${delta.direction}`}>
      <span aria-hidden="true">{arrow}</span> {delta.text}
    </span>
  );
}

export const KpiCards = memo(function KpiCards({ kpis, all, filtered, mainSpan, loading, error, onRetry, onDrill }: Props) {
  if (!kpis) {
    return (
      <section aria-labelledby="kpi-title" aria-busy={loading}>
        <h2 id="kpi-title" className="visually-hidden">
          Key figures
        </h2>
        {error ? (
          <RetryNotice message={`Couldn’t compute the key figures: ${error.message}`} hint="Try again; if it keeps failing, check the database status at the top right." onRetry={onRetry} />
        ) : (
          <ul className="dash-kpis" aria-hidden="true">
            {Array.from({ length: 7 }, (_, i) => (
              <li key={i} className="stat dash-kpi dash-kpi-skeleton" />
            ))}
          </ul>
        )}
      </section>
    );
  }
  const previous = kpis.previous;
  // "115 in this filter · 165 in all data": said in the figure a filter changes.
  const inAll = (value: (k: Kpis) => number, format: (n: number) => string = formatCount) => (all && value(all) !== value(kpis) ? `${format(value(all))} in all data` : null);
  // The previous period of equal length: "vs previous" beside a change, or why there is none.
  const vsPrevious = previous ? (previous.appointments === 0 ? 'previous period empty' : 'vs previous period') : null;
  const cards: Card[] = [
    {
      key: 'appointments',
      label: 'Appointments',
      display: formatCount(kpis.appointments),
      raw: kpis.appointments,
      note: vsPrevious ?? (filtered ? 'in this filter' : 'all loaded'),
      delta: previous ? countDelta(kpis.appointments, previous.appointments) : null,
      allData: inAll((k) => k.appointments),
      drill: 'all',
      drillTitle: 'All bookings in the filter',
    },
    {
      key: 'confirmed',
      label: 'Confirmed',
      display: formatCount(kpis.confirmed),
      raw: kpis.confirmed,
      note: vsPrevious ?? 'appointments',
      delta: previous ? countDelta(kpis.confirmed, previous.confirmed) : null,
      allData: inAll((k) => k.confirmed),
      drill: 'confirmed',
      drillTitle: 'Confirmed bookings',
    },
    {
      key: 'cancelled',
      label: 'Cancelled',
      display: formatCount(kpis.cancelled),
      raw: kpis.cancelled,
      note: vsPrevious ?? 'appointments',
      delta: previous ? countDelta(kpis.cancelled, previous.cancelled) : null,
      allData: inAll((k) => k.cancelled),
      drill: 'cancelled',
      drillTitle: 'Cancelled bookings',
    },
    {
      key: 'cancellation-rate',
      label: 'Cancellation rate',
      display: formatRate(kpis.cancellationRate),
      raw: kpis.cancellationRate,
      note: vsPrevious ?? 'of appointments',
      delta: previous ? rateDelta(kpis.cancellationRate, previous.cancellationRate, previous.appointments) : null,
      allData: inAll((k) => k.cancellationRate, formatRate),
      drill: 'cancelled',
      drillTitle: 'Cancelled bookings',
    },
    { key: 'patients', label: 'Unique patients', display: formatCount(kpis.uniquePatients), raw: kpis.uniquePatients, note: 'with a booking', allData: inAll((k) => k.uniquePatients) },
    {
      key: 'doctors',
      label: 'Doctors',
      display: formatCount(kpis.doctors),
      raw: kpis.doctors,
      note: (
        <>
          incl.{' '}
          <span data-testid="kpi-placeholders" data-value={kpis.placeholderDoctors}>
            {formatCount(kpis.placeholderDoctors)}
          </span>{' '}
          {kpis.placeholderDoctors === 1 ? 'placeholder' : 'placeholders'}
        </>
      ),
      allData: inAll((k) => k.doctors),
    },
    {
      key: 'span',
      label: 'Date span',
      display: kpis.span ? formatRange(kpis.span.from, kpis.span.to) : '—',
      raw: kpis.span ? `${kpis.span.from}/${kpis.span.to}` : '',
      note: kpis.span
        ? mainSpan && (mainSpan.from !== kpis.span.from || mainSpan.to !== kpis.span.to)
          ? `first to last booking; most are ${formatRange(mainSpan.from, mainSpan.to)}`
          : `first to last booking, ${plural(daysInclusive(kpis.span.from, kpis.span.to), 'day')}`
        : 'no bookings',
    },
  ];

  return (
    <section aria-labelledby="kpi-title" aria-busy={loading}>
      <h2 id="kpi-title" className="visually-hidden">
        Key figures
      </h2>
      {error ? <RetryNotice message={`Couldn’t update the key figures: ${error.message}`} onRetry={onRetry} /> : null}
      <ul className={`dash-kpis ${loading ? 'dash-stale' : ''}`}>
        {cards.map((card) => {
          const body = (
            <>
              <span className="stat-label">{card.label}</span>
              <span className={`stat-value dash-kpi-value ${card.key === 'span' ? 'dash-kpi-span' : ''}`} data-testid={`kpi-${card.key}`} data-value={card.raw}>
                {card.display}
              </span>
              <span className="stat-note">
                {card.delta ? <DeltaText delta={card.delta} /> : null} {card.note}
              </span>
              {card.allData ? (
                <span className="stat-note dash-kpi-all" data-testid={`kpi-${card.key}-all`}>
                  {card.allData}
                </span>
              ) : null}
            </>
          );
          return (
            <li key={card.key} className="dash-kpi-item">
              {card.drill ? (
                <button
                  type="button"
                  className="stat dash-kpi dash-kpi-button"
                  onClick={() => onDrill(card.drill ?? 'all', card.drillTitle ?? card.label)}
                  title="Show the bookings behind this figure"
                >
                  {body}
                </button>
              ) : (
                <div className="stat dash-kpi">{body}</div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
});
