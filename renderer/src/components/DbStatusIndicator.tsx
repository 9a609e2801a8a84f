/** The database state in the header: where data goes, and what to do when it is not ready. */
import type { DatabaseStatus } from '../../../shared/contract';
import { CheckIcon, ErrorIcon, LockIcon, SpinnerIcon } from './Icons';

interface Props {
  status: DatabaseStatus | null;
  onProvidePassword: () => void;
  onOpenSettings: () => void;
  /** Connects again (restarting the embedded server), e.g. after it crashed. */
  onReconnect: () => void;
  reconnecting: boolean;
}

export function DbStatusIndicator({ status, onProvidePassword, onOpenSettings, onReconnect, reconnecting }: Props) {
  return (
    <div className="db-status" data-testid="db-status" data-state={status?.state ?? 'unknown'}>
      <div className="db-status-text" role="status" aria-live="polite">
        {!status || status.state === 'starting' ? (
          <>
            <SpinnerIcon className="tone-muted" />
            <span className="db-status-label">Database starting…</span>
          </>
        ) : status.state === 'ready' ? (
          <>
            <CheckIcon className="tone-ok" />
            <span className="db-status-label">Database ready</span>
          </>
        ) : status.state === 'needs_password' ? (
          <>
            <LockIcon className="tone-warn" />
            <span className="db-status-label">Password needed</span>
          </>
        ) : (
          <>
            <ErrorIcon className="tone-error" />
            <span className="db-status-label">Database error</span>
          </>
        )}
        {status ? (
          <span className="db-status-target" title={status.display}>
            {status.state === 'error' ? status.error.message : status.display}
          </span>
        ) : null}
      </div>
      {status?.state === 'needs_password' ? (
        <button type="button" className="btn btn-small btn-primary" onClick={onProvidePassword}>
          Enter password…
        </button>
      ) : null}
      {status?.state === 'error' ? (
        <>
          <button type="button" className="btn btn-small btn-primary" onClick={onReconnect} disabled={reconnecting}>
            {reconnecting ? 'Reconnecting…' : 'Reconnect'}
          </button>
          <button type="button" className="btn btn-small" onClick={onOpenSettings}>
            Open settings
          </button>
        </>
      ) : null}
    </div>
  );
}
