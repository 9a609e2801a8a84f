/**
 * The database state in the header, in the analyst's words ("Database ready"); the technical
 * details (folder, host, port, version) are in its tooltip and in Settings. When it is not ready,
 * what is wrong and what to do.
 */
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
      <div className="db-status-text" role="status" aria-live="polite" title={status ? technicalDetails(status) : undefined}>
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
        {status?.state === 'error' ? (
          <span className="db-status-target" title={status.error.message}>
            {status.error.message}
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

/** Where the data goes, for the tooltip: "embedded PostgreSQL (…/postgres, port 5433) · PostgreSQL 18.1 · schema healthtech". */
function technicalDetails(status: DatabaseStatus): string {
  if (status.state === 'ready') return `${status.display} · PostgreSQL ${status.serverVersion} · schema ${status.schema}`;
  return status.display;
}
