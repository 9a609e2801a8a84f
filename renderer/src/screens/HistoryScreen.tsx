/** History: the runs recorded in etl_runs, newest first (loads from this app and from the CLI). */
import { useCallback, useEffect, useState } from 'react';
import type { DatabaseStatus, ErrorData, RunSummary } from '../../../shared/contract';
import { call, toErrorData } from '../api';
import { ScrollRegion } from '../components/ScrollRegion';
import { CheckIcon, ClockIcon, ErrorIcon, RefreshIcon, SpinnerIcon } from '../components/Icons';
import { baseName, durationBetween, formatCount, formatDuration, formatTimestamp, plural, splitTimestamp } from '../format';

interface Props {
  /** Bumped after every load, so the list refreshes. */
  version: number;
  status: DatabaseStatus | null;
}

export function HistoryScreen({ version, status }: Props) {
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  const [error, setError] = useState<ErrorData | null>(null);
  const [loading, setLoading] = useState(false);
  const ready = status?.state === 'ready';

  const refresh = useCallback(async () => {
    setLoading(true);
    try {
      setRuns(await call('runs/list', { limit: 200 }));
      setError(null);
    } catch (reason) {
      setError(toErrorData(reason));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    if (ready) void refresh();
  }, [ready, version, refresh]);

  return (
    <section className="screen" aria-labelledby="history-title">
      <div className="screen-head">
        <div>
          <h1 id="history-title" tabIndex={-1}>
            History
          </h1>
          <p className="lead">Every load recorded in the database, newest first, from this app and from the command line.</p>
        </div>
        <button type="button" className="btn" onClick={() => void refresh()} disabled={loading || !ready}>
          {loading ? <SpinnerIcon /> : <RefreshIcon />}
          Refresh
        </button>
      </div>

      <p className="visually-hidden" aria-live="polite">
        {loading ? 'Loading history…' : runs ? `${runs.length} runs listed.` : ''}
      </p>

      {!ready ? (
        <p className="notice notice-info" role="status">
          The database is not ready yet{status?.state === 'error' ? `: ${status.error.message}` : '.'}
        </p>
      ) : null}
      {error ? (
        <p className="notice notice-error" role="alert">
          {error.message}
        </p>
      ) : null}

      {runs && runs.length === 0 ? (
        <div className="empty-state">
          <ClockIcon className="empty-icon" />
          <h2>No loads yet</h2>
          <p>Runs appear here after the first load.</p>
        </div>
      ) : null}

      {runs && runs.length > 0 ? (
        <ScrollRegion label="Load history" className="panel panel-flush">
          <table className="data-table history" data-testid="table-history">
            <caption className="visually-hidden">Load history, newest first</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  Run
                </th>
                <th scope="col">Started</th>
                <th scope="col" className="num">
                  Duration
                </th>
                <th scope="col">Outcome</th>
                <th scope="col">Files</th>
                <th scope="col" className="num">
                  Rows loaded
                </th>
                <th scope="col" className="num">
                  Rejected
                </th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <RunRow key={run.runId} run={run} />
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      ) : null}
    </section>
  );
}

function Outcome({ outcome }: { outcome: RunSummary['outcome'] }) {
  if (outcome === 'succeeded')
    return (
      <span className="status status-ok">
        <CheckIcon /> Succeeded
      </span>
    );
  if (outcome === 'failed')
    return (
      <span className="status status-bad">
        <ErrorIcon /> Failed
      </span>
    );
  return (
    <span className="status status-muted">
      <ClockIcon /> Running
    </span>
  );
}

function RunRow({ run }: { run: RunSummary }) {
  const ms = durationBetween(run.startedAt, run.finishedAt);
  const started = splitTimestamp(run.startedAt);
  const { counts } = run;
  return (
    <tr data-testid={`run-${run.runId}`} data-outcome={run.outcome}>
      <td className="num">
        <span className="strong">{run.runId}</span>
        <span className="cell-sub">{run.source}</span>
      </td>
      <td className="nowrap">
        {started ? (
          <time dateTime={run.startedAt} title={formatTimestamp(run.startedAt)}>
            <span className="block">{started.day}</span>
            <span className="cell-sub">{started.time}</span>
          </time>
        ) : (
          formatTimestamp(run.startedAt)
        )}
      </td>
      <td className="num nowrap">{ms === null ? '—' : formatDuration(ms)}</td>
      <td className="nowrap">
        <Outcome outcome={run.outcome} />
      </td>
      <td className="files-cell">
        {run.doctorsFile ? <span className="block" title={run.doctorsFile}>{baseName(run.doctorsFile)}</span> : null}
        {run.appointmentsFile ? <span className="block" title={run.appointmentsFile}>{baseName(run.appointmentsFile)}</span> : null}
        {!run.doctorsFile && !run.appointmentsFile ? '—' : null}
      </td>
      <td className="num nowrap">
        {counts.appointmentsLoaded === null && counts.doctorsLoaded === null ? (
          '—'
        ) : (
          <>
            <span className="block">{counts.appointmentsLoaded === null ? '—' : plural(counts.appointmentsLoaded, 'appointment')}</span>
            <span className="block cell-sub">{counts.doctorsLoaded === null ? '—' : plural(counts.doctorsLoaded, 'doctor')}</span>
          </>
        )}
      </td>
      <td className="num">{formatCount(counts.rejected)}</td>
      <td className="error-cell">{run.outcome === 'failed' ? run.error ?? 'No message recorded.' : ''}</td>
    </tr>
  );
}
