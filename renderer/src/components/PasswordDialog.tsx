/** Asks for the server password for this session (none stored, or the stored one was refused). */
import { useId, useState, type FormEvent } from 'react';
import type { DatabaseStatus, Settings } from '../../../shared/contract';
import { call, toErrorData } from '../api';
import { Dialog } from './Dialog';

interface Props {
  /** The status when the dialog opened; it stays open while the database restarts with the password. */
  status: Extract<DatabaseStatus, { state: 'needs_password' }>;
  secretStorage: Settings['secretStorage'];
  onClose: () => void;
  onStatus: (status: DatabaseStatus) => void;
}

export function PasswordDialog({ status, secretStorage, onClose, onStatus }: Props) {
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();
  const descriptionId = useId();
  const formId = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!password) {
      setError('Enter the password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const next = await call('db/provide-password', { password });
      onStatus(next);
      if (next.state === 'ready') onClose();
      else if (next.state === 'needs_password') setError(next.error?.message ?? 'The server refused the password.');
      else if (next.state === 'error') setError(next.error.message);
    } catch (reason) {
      setError(toErrorData(reason).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      title="Server password needed"
      onClose={onClose}
      describedBy={descriptionId}
      busy={busy}
      testId="password-dialog"
      footer={
        <>
          <button type="button" className="btn" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" form={formId} className="btn btn-primary" disabled={busy}>
            {busy ? 'Connecting…' : 'Connect'}
          </button>
        </>
      }
    >
      <div id={descriptionId}>
        <p>
          Enter the password for <span className="mono">{status.display}</span>.
        </p>
        {secretStorage === 'unavailable' ? <p className="muted">This computer cannot store the password securely, so it is asked once each session and kept only in memory.</p> : null}
        {status.error && !error ? <p className="notice notice-error">{status.error.message}</p> : null}
      </div>
      <form id={formId} onSubmit={(event) => void submit(event)} className="form-stack">
        <div className="field">
          <label htmlFor={inputId}>Password</label>
          <input id={inputId} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} data-autofocus aria-invalid={error ? true : undefined} aria-describedby={error ? `${inputId}-error` : undefined} />
        </div>
        {error ? (
          <p id={`${inputId}-error`} className="notice notice-error" role="alert">
            {error}
          </p>
        ) : null}
      </form>
    </Dialog>
  );
}
