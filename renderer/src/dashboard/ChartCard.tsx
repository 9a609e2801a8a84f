/**
 * The frame every dashboard chart shares: title and controls, exports (data as CSV, chart as PNG),
 * loading and error states, and the caveats line under the chart.
 */
import { useState, type ReactNode } from 'react';
import { DownloadIcon, RefreshIcon, SpinnerIcon } from '../components/Icons';
import type { QueryState } from './useDashboardQuery';

interface CardProps {
  id: string;
  title: string;
  /** A short line under the title (what is measured). */
  intro?: ReactNode;
  controls?: ReactNode;
  onCsv?: (() => void) | undefined;
  onPng?: (() => Promise<void>) | undefined;
  /** The chart's figures as useDashboardQuery gives them: the last answer, loading, error and retry. */
  query: QueryState<unknown>;
  caveats: ReactNode;
  className?: string;
  children: ReactNode;
}

export function ChartCard({ id, title, intro, controls, onCsv, onPng, query, caveats, className, children }: CardProps) {
  const { loading, error } = query;
  // True when there is something to show (the first answer arrived).
  const hasData = query.data !== null;
  const [pngError, setPngError] = useState<string | null>(null);
  const [pngBusy, setPngBusy] = useState(false);
  const titleId = `${id}-title`;
  const png = () => {
    if (!onPng) return;
    setPngBusy(true);
    setPngError(null);
    onPng()
      .catch((reason: unknown) => setPngError(reason instanceof Error ? reason.message : 'The picture could not be made.'))
      .finally(() => setPngBusy(false));
  };
  return (
    <section className={`panel dash-card ${className ?? ''}`} aria-labelledby={titleId} aria-busy={loading} data-loading={loading || undefined}>
      <div className="dash-card-head">
        <h2 id={titleId} className="panel-title">
          {title}
          {loading && hasData ? <SpinnerIcon className="dash-card-spinner" /> : null}
        </h2>
        <div className="dash-card-tools">
          {controls}
          {onCsv || onPng ? (
            <div className="dash-exports" role="group" aria-label={`Export ${title.toLowerCase()}`}>
              {onCsv ? (
                <button type="button" className="btn btn-quiet btn-small" onClick={onCsv} disabled={!hasData} aria-label={`Export ${title.toLowerCase()} data as CSV`}>
                  <DownloadIcon /> CSV
                </button>
              ) : null}
              {onPng ? (
                <button type="button" className="btn btn-quiet btn-small" onClick={png} disabled={!hasData || pngBusy} aria-label={`Export ${title.toLowerCase()} chart as PNG`}>
                  {pngBusy ? <SpinnerIcon /> : <DownloadIcon />} PNG
                </button>
              ) : null}
            </div>
          ) : null}
        </div>
      </div>
      {intro ? <p className="dash-card-intro">{intro}</p> : null}
      {error ? (
        <RetryNotice
          message={`Couldn’t compute ${title.toLowerCase()}: ${error.message}`}
          hint="Try again; if it keeps failing, check the database status at the top right or open Settings."
          onRetry={query.retry}
        />
      ) : null}
      {pngError ? (
        <p className="notice notice-error" role="alert">
          {pngError}
        </p>
      ) : null}
      {!hasData && loading ? <div className="dash-skeleton" aria-hidden="true" /> : null}
      {!hasData && loading ? <p className="visually-hidden">Loading {title.toLowerCase()}…</p> : null}
      {hasData ? <div className={loading ? 'dash-stale' : undefined}>{children}</div> : null}
      {caveats}
    </section>
  );
}

/** A dashboard figure that could not be computed: why, what to do, and a button to ask again. */
export function RetryNotice({ message, hint, onRetry }: { message: string; hint?: string; onRetry: () => void }) {
  return (
    <div className="notice notice-error dash-card-error" role="alert">
      <div>
        <span>{message}</span>
        {hint ? <span>{hint}</span> : null}
      </div>
      <button type="button" className="btn btn-small" onClick={onRetry}>
        <RefreshIcon /> Try again
      </button>
    </div>
  );
}

/** What to keep in mind when reading a chart (caveats.ts), as one line of small text. */
export function Caveats({ notes, testId }: { notes: readonly string[]; testId: string }) {
  return (
    <p className="dash-caveats" data-testid={testId}>
      <span className="visually-hidden">Caveats: </span>
      {notes.map((note, i) => (
        <span key={i} className="dash-caveat">
          {note}
        </span>
      ))}
    </p>
  );
}
