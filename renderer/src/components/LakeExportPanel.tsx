/**
 * "Export for the data lake" after a load: the loaded run as Parquet to the target chosen in
 * Settings (a folder, S3, or both), with progress (rows written, then bytes uploaded), Cancel,
 * and what was written where.
 */
import { useState } from 'react';
import type { ErrorData, LakeExportOutcome, LakeProgress } from '../../../shared/contract';
import { call, isCancelled, toErrorData, useEvent } from '../api';
import { formatCount, formatDuration } from '../format';
import { CheckIcon, SpinnerIcon } from './Icons';

type State =
  | { status: 'idle' }
  | { status: 'running'; progress: LakeProgress | null; cancelling: boolean }
  | { status: 'done'; outcome: LakeExportOutcome }
  | { status: 'cancelled' }
  | { status: 'failed'; error: ErrorData };

export function LakeExportPanel({ onSettings }: { onSettings?: () => void }) {
  const [state, setState] = useState<State>({ status: 'idle' });
  useEvent('lake/progress', (progress) => setState((s) => (s.status === 'running' ? { ...s, progress } : s)));

  const start = async () => {
    setState({ status: 'running', progress: null, cancelling: false });
    try {
      setState({ status: 'done', outcome: await call('lake/export', {}) });
    } catch (error) {
      setState(isCancelled(error) ? { status: 'cancelled' } : { status: 'failed', error: toErrorData(error) });
    }
  };
  const cancel = () => {
    setState((s) => (s.status === 'running' ? { ...s, cancelling: true } : s));
    void call('lake/cancel', {}).catch(() => undefined);
  };

  const running = state.status === 'running';
  const progress = running ? state.progress : null;
  const percent = progress && progress.total > 0 ? Math.round((progress.done / progress.total) * 100) : 0;
  return (
    <div className="lake-export" data-testid="lake-export" data-state={state.status}>
      <div className="button-row">
        <button type="button" className="btn" onClick={() => void start()} disabled={running}>
          Export for the data lake
        </button>
        {running ? (
          <button type="button" className="btn btn-quiet" onClick={cancel} disabled={state.cancelling}>
            {state.cancelling ? 'Cancelling…' : 'Cancel export'}
          </button>
        ) : null}
      </div>
      {running ? (
        <div data-testid="lake-progress">
          <p className="hint">
            <SpinnerIcon /> {progress ? (progress.phase === 'write' ? `Writing Parquet: ${progress.current}` : `Uploading to S3: ${progress.current}`) : 'Checking the target…'}
          </p>
          <progress aria-label="Data-lake export progress" max={100} value={percent} />
          {progress ? (
            <p className="hint num">
              {formatCount(progress.done)} of {formatCount(progress.total)} {progress.unit}
            </p>
          ) : null}
        </div>
      ) : state.status === 'done' ? (
        <p className="hint" data-testid="lake-done" role="status">
          <CheckIcon className="tone-ok" /> Run {state.outcome.runId} exported: {formatCount(state.outcome.files)} files ({formatCount(state.outcome.rows.appointments ?? 0)} appointments)
          {state.outcome.localDir ? (
            <>
              {' '}
              to <code data-testid="lake-local-dir">{state.outcome.localDir}</code>
            </>
          ) : null}
          {state.outcome.s3Prefix ? (
            <>
              {' '}
              and <code data-testid="lake-s3-prefix">{state.outcome.s3Prefix}</code> ({formatCount(state.outcome.uploaded)} uploaded)
            </>
          ) : null}{' '}
          in {formatDuration(state.outcome.ms)}. The Athena and Redshift SQL is in its warehouse folder.
        </p>
      ) : state.status === 'cancelled' ? (
        <p className="hint" role="status">
          Export cancelled: no _SUCCESS marker was written, and the previous export stays current.
        </p>
      ) : state.status === 'failed' ? (
        <div className="notice notice-error" role="alert" data-testid="lake-error" data-code={state.error.code}>
          <p>{state.error.message}</p>
          {state.error.code === 'no_lake_target' && onSettings ? (
            <button type="button" className="btn btn-small" onClick={onSettings}>
              Open Settings
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
