/**
 * "Export for the data lake" after a load: where the run will go (the target chosen in Settings:
 * a folder, S3, or both), then progress (rows written, then bytes uploaded) with Cancel, and what
 * was written where. The state lives in useLakeExport, above the screens.
 */
import type { LakeSettings } from '../../../shared/contract';
import { formatBytes, formatCount, formatDuration } from '../format';
import type { LakeExportFlow } from '../state/useLakeExport';
import { CheckIcon, ErrorIcon, SpinnerIcon } from './Icons';

interface Props {
  flow: LakeExportFlow;
  /** The target saved in Settings (null while settings are not known yet). */
  target: LakeSettings | null;
  runId: number;
  onSettings?: () => void;
}

export function LakeExportPanel({ flow, target, runId, onSettings }: Props) {
  const { state } = flow;
  const running = state.status === 'running';
  const hasTarget = Boolean(target?.parquetDir || target?.s3Url);
  return (
    <section className="lake-export" aria-labelledby="lake-export-title" data-testid="lake-export" data-state={state.status}>
      <h3 id="lake-export-title" className="sub-title">
        Data-lake export
      </h3>
      <p className="hint">
        Run {runId} as Parquet: appointments partitioned by booking year and month, doctors, rejected rows and the run itself, with a manifest, a _SUCCESS marker and the Athena and Redshift SQL.
      </p>
      {hasTarget && target ? (
        <dl className="facts facts-inline" data-testid="lake-target">
          {target.parquetDir ? (
            <div>
              <dt>Folder</dt>
              <dd className="mono break">{target.parquetDir}</dd>
            </div>
          ) : null}
          {target.s3Url ? (
            <div>
              <dt>S3</dt>
              <dd className="mono break">
                {target.s3Url}
                {target.region ? ` (${target.region})` : ''}
              </dd>
            </div>
          ) : null}
        </dl>
      ) : (
        <p data-testid="lake-no-target">No target yet: choose a folder or an S3 location in Settings.</p>
      )}
      <div className="button-row">
        {hasTarget ? (
          <button type="button" className="btn" onClick={() => void flow.start()} disabled={running}>
            Export for the data lake
          </button>
        ) : null}
        {onSettings && !running ? (
          <button type="button" className="btn btn-quiet" onClick={onSettings}>
            {hasTarget ? 'Change the target in Settings' : 'Choose a target in Settings'}
          </button>
        ) : null}
      </div>

      {state.status === 'running' ? (
        <div className="lake-progress" data-testid="lake-progress">
          <p id="lake-progress-label" className="hint">
            <SpinnerIcon />{' '}
            {state.cancelling
              ? 'Cancelling…'
              : state.progress
                ? state.progress.phase === 'write'
                  ? `Writing Parquet: ${state.progress.current}`
                  : `Uploading to S3: ${state.progress.current}`
                : 'Checking the target…'}
          </p>
          <progress aria-labelledby="lake-progress-label" max={100} value={percentOf(state.progress)} />
          <div className="button-row">
            {state.progress ? (
              <span className="hint num" data-testid="lake-progress-figures">
                {state.progress.unit === 'bytes' ? `${formatBytes(state.progress.done)} of ${formatBytes(state.progress.total)}` : `${formatCount(state.progress.done)} of ${formatCount(state.progress.total)} rows`}
              </span>
            ) : null}
            <button type="button" className="btn btn-small" onClick={flow.cancel} disabled={state.cancelling}>
              {state.cancelling ? 'Cancelling…' : 'Cancel export'}
            </button>
          </div>
        </div>
      ) : state.status === 'done' ? (
        <div className="lake-result" data-testid="lake-done">
          <p>
            <CheckIcon className="tone-ok" /> Run {state.outcome.runId} exported: {formatCount(state.outcome.files)} files, {formatBytes(state.outcome.bytes)}, in {formatDuration(state.outcome.ms)}.
          </p>
          <dl className="facts facts-inline">
            {(['appointments', 'doctors', 'rejected_rows'] as const).map((table) => (
              <div key={table}>
                <dt>{table === 'rejected_rows' ? 'Rejected rows' : table === 'doctors' ? 'Doctors' : 'Appointments'}</dt>
                <dd className="num" data-testid={`lake-rows-${table}`} data-value={state.outcome.rows[table] ?? 0}>
                  {formatCount(state.outcome.rows[table] ?? 0)}
                </dd>
              </div>
            ))}
            {state.outcome.localDir ? (
              <div>
                <dt>Written to</dt>
                <dd className="mono break" data-testid="lake-local-dir">
                  {state.outcome.localDir}
                </dd>
              </div>
            ) : null}
            {state.outcome.s3Prefix ? (
              <div>
                <dt>Uploaded to</dt>
                <dd className="mono break" data-testid="lake-s3-prefix">
                  {state.outcome.s3Prefix} ({formatCount(state.outcome.uploaded)} sent)
                </dd>
              </div>
            ) : null}
          </dl>
          <p className="hint">The Athena and Redshift SQL is in the run’s warehouse folder; readers should wait for _SUCCESS.</p>
        </div>
      ) : state.status === 'cancelled' ? (
        <p className="hint" data-testid="lake-cancelled">
          Export cancelled: no _SUCCESS marker was written, and the previous export stays current.
        </p>
      ) : state.status === 'failed' ? (
        <div className="notice notice-error" role="alert" data-testid="lake-error" data-code={state.error.code}>
          <ErrorIcon />
          <div>
            <p className="notice-title">The export failed</p>
            <p data-testid="lake-error-message">{state.error.message}</p>
            <p className="strong">The database is unchanged, and no run was marked complete (no _SUCCESS).</p>
          </div>
        </div>
      ) : null}
    </section>
  );
}

function percentOf(progress: { done: number; total: number } | null): number {
  return progress && progress.total > 0 ? Math.min(100, Math.round((progress.done / progress.total) * 100)) : 0;
}
