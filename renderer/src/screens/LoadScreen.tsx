/**
 * Load: what would change against what is loaded now (a confirmation dialog that starts on
 * Cancel, since loading replaces the data, and says "No changes" when nothing would change), then
 * one transaction with progress and Cancel, then the run id with the way on to the dashboard, or a
 * clear failure with the reassurance that the data loaded before is unchanged. Focus follows each
 * step (progress, summary, failure), so it never falls back to the page.
 */
import { useEffect, useRef, type RefObject } from 'react';
import type { DatabaseStatus, LakeSettings, LoadPlan, LoadProgress } from '../../../shared/contract';
import { Dialog } from '../components/Dialog';
import { LakeExportPanel } from '../components/LakeExportPanel';
import { CheckIcon, DatabaseIcon, ErrorIcon, InfoIcon, SpinnerIcon } from '../components/Icons';
import { durationBetween, formatCount, formatDuration, formatTimestamp, plural } from '../format';
import type { PreviewState } from '../state/useImportFlow';
import type { LakeExportFlow } from '../state/useLakeExport';
import type { LoadFlow } from '../state/useLoad';

type Step = Exclude<LoadProgress['step'], 'plan' | 'waiting' | 'finish'>;

const STEPS: { step: Step; label: string }[] = [
  { step: 'prepare', label: 'Prepare new tables beside the loaded ones' },
  { step: 'copy_doctors', label: 'Copy doctors' },
  { step: 'copy_appointments', label: 'Copy appointments' },
  { step: 'copy_rejected', label: 'Copy rejected rows' },
  { step: 'index', label: 'Build keys and indexes' },
  { step: 'verify', label: 'Check counts against the preview' },
  { step: 'swap', label: 'Swap the new tables in and commit' },
];

interface Props {
  load: LoadFlow;
  preview: PreviewState;
  status: DatabaseStatus | null;
  onPreview: () => void;
  onImport: () => void;
  onHistory: () => void;
  onDashboard: () => void;
  onProvidePassword: () => void;
  onReconnect: () => void;
  reconnecting: boolean;
  /** Opens Settings (where the data-lake target is chosen). */
  onSettings?: () => void;
  lakeExport: LakeExportFlow;
  /** The data-lake target saved in Settings. */
  lakeTarget: LakeSettings | null;
}

const CONNECTION_LOST = new Set(['db_connection_lost', 'db_unreachable', 'db_not_ready']);

export function LoadScreen({ load, preview, status, onPreview, onImport, onHistory, onDashboard, onProvidePassword, onReconnect, reconnecting, onSettings, lakeExport, lakeTarget }: Props) {
  const { state } = load;
  // Each step's heading takes the focus when the step starts (the dialog that had it is gone).
  const stepHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (state.status === 'running' || state.status === 'succeeded' || state.status === 'failed' || state.status === 'cancelled') stepHeading.current?.focus();
  }, [state.status]);
  const summary = preview.status === 'done' ? preview.summary : null;
  const busy = state.status === 'running' || state.status === 'planning';

  // A load that failed because the database went away is old news once it is back: clear the
  // notice (which names the old connection) so the screen offers the load again.
  const failedCode = state.status === 'failed' ? state.error.code : null;
  const { dismiss } = load;
  useEffect(() => {
    if (failedCode && CONNECTION_LOST.has(failedCode) && status?.state === 'ready') dismiss();
  }, [failedCode, status?.state, dismiss]);

  return (
    <section className="screen" aria-labelledby="load-title">
      <div className="screen-head">
        <div>
          <h1 id="load-title" tabIndex={-1}>
            Load into the database
          </h1>
          <p className="lead">
            The new doctors and appointments are built beside the loaded ones and swapped in with one commit; dashboards keep showing the loaded data meanwhile. If anything fails, the data loaded
            before stays exactly as it was.
          </p>
        </div>
      </div>

      <section className="panel target-panel" aria-labelledby="target-title">
        <h2 id="target-title" className="panel-title">
          <DatabaseIcon /> Target database
        </h2>
        {status ? (
          <dl className="facts facts-inline">
            <div>
              <dt>Database</dt>
              <dd className="mono break">{status.display}</dd>
            </div>
            <div>
              <dt>Schema</dt>
              <dd className="mono">{status.state === 'ready' ? status.schema : '—'}</dd>
            </div>
            <div>
              <dt>State</dt>
              <dd>
                {status.state === 'ready' ? `Ready (PostgreSQL ${status.serverVersion})` : status.state === 'starting' ? 'Starting…' : status.state === 'needs_password' ? 'Password needed' : status.error.message}
              </dd>
            </div>
          </dl>
        ) : (
          <p className="muted">Checking…</p>
        )}
        {status?.state === 'needs_password' ? (
          <button type="button" className="btn btn-small btn-primary" onClick={onProvidePassword}>
            Enter password…
          </button>
        ) : null}
      </section>

      {state.status === 'running' ? (
        <LoadProgressPanel progress={state.progress} cancelling={state.cancelling} onCancel={load.cancel} headingRef={stepHeading} />
      ) : state.status === 'succeeded' ? (
        <section className="panel result-ok" aria-labelledby="load-done-title" data-testid="load-success">
          <h2 id="load-done-title" className="panel-title" tabIndex={-1} ref={stepHeading}>
            <CheckIcon className="tone-ok" /> Loaded
          </h2>
          <p className="big-fact">
            Run <span data-testid="load-run-id">{state.outcome.runId}</span>
          </p>
          <dl className="facts facts-inline">
            <div>
              <dt>Doctors</dt>
              <dd className="num" data-testid="load-doctors" data-value={state.outcome.doctors}>
                {formatCount(state.outcome.doctors)}
              </dd>
            </div>
            <div>
              <dt>Appointments</dt>
              <dd className="num" data-testid="load-appointments" data-value={state.outcome.appointments}>
                {formatCount(state.outcome.appointments)}
              </dd>
            </div>
            <div>
              <dt>Rejected rows recorded</dt>
              <dd className="num" data-testid="load-rejected" data-value={state.outcome.rejected}>
                {formatCount(state.outcome.rejected)}
              </dd>
            </div>
            <div>
              <dt>Took</dt>
              <dd className="num" data-testid="load-duration">
                {formatDuration(durationBetween(state.outcome.startedAt, state.outcome.finishedAt) ?? state.outcome.ms)}
              </dd>
            </div>
          </dl>
          <div className="button-row">
            <button type="button" className="btn btn-primary" onClick={onDashboard}>
              Open dashboard
            </button>
            <button type="button" className="btn" onClick={onHistory}>
              View history
            </button>
          </div>
          <LakeExportPanel flow={lakeExport} target={lakeTarget} runId={state.outcome.runId} {...(onSettings ? { onSettings } : {})} />
        </section>
      ) : state.status === 'failed' ? (
        <div className="notice notice-error" role="alert" data-testid="load-error" data-code={state.error.code}>
          <ErrorIcon />
          <div>
            <h2 className="notice-title" tabIndex={-1} ref={stepHeading}>
              {state.stage === 'plan' ? 'Could not work out what would change' : 'The load failed'}
            </h2>
            <p data-testid="load-error-message">{state.error.message}</p>
            <p className="strong">The data that was loaded before is unchanged.</p>
            {status?.state === 'error' ? (
              <div className="button-row">
                <button type="button" className="btn btn-small" onClick={onReconnect} disabled={reconnecting}>
                  {reconnecting ? 'Reconnecting…' : 'Reconnect to the database'}
                </button>
              </div>
            ) : null}
          </div>
        </div>
      ) : state.status === 'cancelled' ? (
        <div className="notice notice-info" role="status" data-testid="load-cancelled">
          <InfoIcon />
          <div>
            <h2 className="notice-title" tabIndex={-1} ref={stepHeading}>
              Cancelled
            </h2>
            <p>The load was stopped and rolled back. The data that was loaded before is unchanged.</p>
          </div>
        </div>
      ) : null}

      {!summary && !busy ? (
        <div className="empty-state">
          <InfoIcon className="empty-icon" />
          <h2>Nothing to load yet</h2>
          <p>{preview.status === 'running' ? 'The preview is still running.' : 'Import both workbooks and check the preview first.'}</p>
          <button type="button" className="btn btn-primary" onClick={preview.status === 'running' ? onPreview : onImport}>
            {preview.status === 'running' ? 'Show the preview' : 'Go to Import'}
          </button>
        </div>
      ) : summary && !busy ? (
        <section className="panel" aria-labelledby="ready-title">
          <h2 id="ready-title" className="panel-title">
            {state.status === 'succeeded' ? 'Load again' : 'Ready to load'}
          </h2>
          <p>
            From the current preview: <strong>{plural(summary.counts.appointments, 'appointment')}</strong> and <strong>{plural(summary.counts.doctors, 'doctor')}</strong>
            {summary.counts.placeholders > 0 ? ` (${plural(summary.counts.placeholders, 'placeholder')})` : ''}; <strong>{plural(summary.counts.rejected, 'rejected row')}</strong> recorded with the run.
          </p>
          <div className="button-row">
            {/* After a load, the way on is the dashboard: loading again is the secondary choice. */}
            <button type="button" className={`btn ${state.status === 'succeeded' ? '' : 'btn-primary'}`} onClick={() => void load.plan(summary.previewId)} disabled={status?.state !== 'ready'}>
              Review changes and load…
            </button>
            <button type="button" className="btn btn-quiet" onClick={onPreview}>
              Back to the preview
            </button>
          </div>
          {status?.state !== 'ready' ? <p className="hint">The database must be ready first.</p> : null}
        </section>
      ) : null}

      {state.status === 'planning' ? (
        <section className="panel" aria-labelledby="planning-title" aria-busy="true">
          <h2 id="planning-title" className="panel-title">
            <SpinnerIcon /> Comparing with what is loaded now…
          </h2>
          <progress aria-labelledby="planning-title" />
        </section>
      ) : null}

      {state.status === 'confirm' ? <ConfirmDialog plan={state.plan} onConfirm={() => void load.confirm()} onClose={load.dismiss} /> : null}
    </section>
  );
}

function Change({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td className="num" data-testid={testId} data-value={value}>
        {formatCount(value)}
      </td>
    </tr>
  );
}

/** Whether loading the plan would leave the tables exactly as they are. */
export function changesNothing(plan: LoadPlan): boolean {
  const { changes, current, incoming } = plan;
  return current.lastRun !== null && current.appointments === incoming.appointments && current.doctors === incoming.doctors && Object.values(changes).every((n) => n === 0);
}

function ConfirmDialog({ plan, onConfirm, onClose }: { plan: LoadPlan; onConfirm: () => void; onClose: () => void }) {
  const { changes, current, incoming, target } = plan;
  const lastRun = current.lastRun;
  const same = changesNothing(plan);
  return (
    <Dialog
      title={same ? 'No changes: load again?' : 'Load into the database?'}
      onClose={onClose}
      testId="load-confirm"
      describedBy="load-confirm-summary"
      wide
      footer={
        <>
          {/* Loading replaces the data: the safe choice has the focus, so Enter does not load. */}
          <button type="button" className="btn" onClick={onClose} data-autofocus>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" onClick={onConfirm}>
            {same ? 'Load again' : 'Load now'}
          </button>
        </>
      }
    >
      {same ? (
        <p id="load-confirm-summary" className="notice notice-info" data-testid="plan-no-changes">
          <InfoIcon />
          <span>
            <strong>No changes.</strong> The preview has the same {plural(incoming.appointments, 'appointment')} and {plural(incoming.doctors, 'doctor')} as the data loaded now
            {lastRun ? ` (run ${lastRun.runId})` : ''}. Loading again records a new run; the tables stay as they are.
          </span>
        </p>
      ) : (
        <p id="load-confirm-summary">
          This replaces the {plural(current.appointments, 'appointment')} and {plural(current.doctors, 'doctor')} loaded now with {plural(incoming.appointments, 'appointment')} and {plural(incoming.doctors, 'doctor')} from the
          preview, in one transaction. Dashboards keep showing the loaded data until the new data is swapped in.
        </p>
      )}
      <dl className="facts facts-inline">
        <div>
          <dt>Database</dt>
          <dd className="mono break" data-testid="plan-target">
            {target.display}
          </dd>
        </div>
        <div>
          <dt>Schema</dt>
          <dd className="mono" data-testid="plan-schema">
            {target.schema}
          </dd>
        </div>
        <div>
          <dt>Last load</dt>
          <dd data-testid="plan-last-run">{lastRun ? `Run ${lastRun.runId}, ${formatTimestamp(lastRun.finishedAt ?? lastRun.startedAt)}` : 'None yet'}</dd>
        </div>
      </dl>
      <div className="plan-grid">
        <table className="data-table compact">
          <caption>Bookings</caption>
          <tbody>
            <Change label="Added" value={changes.bookingsAdded} testId="plan-bookings-added" />
            <Change label="Removed" value={changes.bookingsRemoved} testId="plan-bookings-removed" />
            <Change label="Status changed" value={changes.bookingsStatusChanged} testId="plan-bookings-status-changed" />
            <Change label="Otherwise changed" value={changes.bookingsOtherwiseChanged} testId="plan-bookings-otherwise-changed" />
          </tbody>
        </table>
        <table className="data-table compact">
          <caption>Doctors</caption>
          <tbody>
            <Change label="Added" value={changes.doctorsAdded} testId="plan-doctors-added" />
            <Change label="Removed" value={changes.doctorsRemoved} testId="plan-doctors-removed" />
            <Change label="Renamed" value={changes.doctorsRenamed} testId="plan-doctors-renamed" />
          </tbody>
        </table>
        <table className="data-table compact">
          <caption>Table sizes</caption>
          <thead>
            <tr>
              <td />
              <th scope="col" className="num">
                Now
              </th>
              <th scope="col" className="num">
                After
              </th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">Appointments</th>
              <td className="num" data-testid="plan-current-appointments" data-value={current.appointments}>
                {formatCount(current.appointments)}
              </td>
              <td className="num" data-testid="plan-incoming-appointments" data-value={incoming.appointments}>
                {formatCount(incoming.appointments)}
              </td>
            </tr>
            <tr>
              <th scope="row">Doctors</th>
              <td className="num" data-testid="plan-current-doctors" data-value={current.doctors}>
                {formatCount(current.doctors)}
              </td>
              <td className="num" data-testid="plan-incoming-doctors" data-value={incoming.doctors}>
                {formatCount(incoming.doctors)}
              </td>
            </tr>
            <tr>
              <th scope="row">Rejected rows</th>
              <td className="num">—</td>
              <td className="num" data-testid="plan-incoming-rejected" data-value={incoming.rejected}>
                {formatCount(incoming.rejected)}
              </td>
            </tr>
          </tbody>
        </table>
      </div>
      <p className="hint">If anything fails, everything is rolled back and the data loaded now stays as it is.</p>
    </Dialog>
  );
}

function LoadProgressPanel({ progress, cancelling, onCancel, headingRef }: { progress: LoadProgress | null; cancelling: boolean; onCancel: () => void; headingRef: RefObject<HTMLHeadingElement | null> }) {
  const index = progress?.step === 'finish' ? STEPS.length : progress && progress.step !== 'plan' ? STEPS.findIndex((s) => s.step === progress.step) : -1;
  const waitingFor = progress?.step === 'waiting' ? progress.waitingFor : undefined;
  const within = progress && progress.total > 0 ? Math.min(1, progress.rows / progress.total) : 0;
  const overall = Math.round(((Math.max(index, 0) + within) / STEPS.length) * 100);
  const current = index >= 0 ? STEPS[index] : undefined;
  return (
    <section className="panel progress-panel" aria-labelledby="loading-title" data-testid="load-progress">
      <div className="panel-head">
        <h2 id="loading-title" className="panel-title" tabIndex={-1} ref={headingRef}>
          <SpinnerIcon /> {cancelling ? 'Cancelling and rolling back…' : 'Loading…'}
        </h2>
        <button type="button" className="btn" onClick={onCancel} disabled={cancelling}>
          {cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
      <progress aria-labelledby="loading-title" max={100} value={overall} />
      {waitingFor ? (
        <p className="notice notice-info" role="status" data-testid="load-waiting">
          <InfoIcon />
          <span>
            Waiting for another load to finish
            {waitingFor.runId !== null ? ` (run ${waitingFor.runId}${waitingFor.source ? `, from the ${waitingFor.source === 'cli' ? 'command line' : 'app'}` : ''}${waitingFor.startedAt ? `, started ${formatTimestamp(waitingFor.startedAt)}` : ''})` : ''}. This
            load starts as soon as it is done; nothing is changed until then.
          </span>
        </p>
      ) : null}
      <p className="visually-hidden" aria-live="polite">
        {waitingFor ? 'Waiting for another load to finish' : current ? current.label : 'Starting'}
      </p>
      <ol className="steps">
        {STEPS.map((s, i) => {
          const state = i < index ? 'done' : i === index ? 'active' : 'todo';
          return (
            <li key={s.step} className={`step step-${state}`} aria-current={state === 'active' ? 'step' : undefined}>
              <span className="step-mark" aria-hidden="true">
                {state === 'done' ? <CheckIcon /> : state === 'active' ? <SpinnerIcon /> : <span className="step-dot" />}
              </span>
              <span className="step-label">{s.label}</span>
              <span className="step-state visually-hidden">{state === 'done' ? '(done)' : state === 'active' ? '(in progress)' : '(waiting)'}</span>
              {state === 'active' && progress && progress.total > 0 ? (
                <span className="step-figures num">
                  {formatCount(progress.rows)} of {formatCount(progress.total)}
                </span>
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
