/**
 * Settings: where data goes (the embedded database, or a server by URL with its password kept
 * apart, and TLS certificate files chosen with the file dialog), the schema, and the cleaning
 * defaults. "Test connection" changes nothing; Save does. The URL is checked here with the same
 * rules the main process applies (shared/serverSettings.ts), so a mistake shows at once.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { AppInfo, DatabaseStatus, Settings } from '../../../shared/contract';
import type { DateOrderOption, SuspiciousPolicy } from '../../../shared/domain';
import { CERTIFICATE_LABELS, CERTIFICATE_ROLES, NO_CERTIFICATES, parseServerUrl, type CertificateRole, type ServerCertificates } from '../../../shared/serverSettings';
import { call, toErrorData } from '../api';
import { CheckIcon, ErrorIcon, LockIcon, SpinnerIcon, WarningIcon } from '../components/Icons';
import { DATE_ORDER_LABEL, POLICY_LABEL } from '../format';

interface Props {
  settings: Settings | null;
  status: DatabaseStatus | null;
  info: AppInfo | null;
  onSaved: (settings: Settings) => void;
  onProvidePassword: () => void;
}

interface Draft {
  mode: 'embedded' | 'server';
  url: string;
  password: string;
  forgetPassword: boolean;
  certificates: ServerCertificates;
  schema: string;
  dateOrder: DateOrderOption;
  suspiciousPolicy: SuspiciousPolicy;
  lake: { parquetDir: string; s3Url: string; region: string; endpoint: string };
  /** '' for the day of each run. */
  runDate: string;
}

type Outcome = { tone: 'ok' | 'bad'; text: string } | null;

function draftFrom(settings: Settings): Draft {
  return {
    mode: settings.database.mode,
    url: settings.database.mode === 'server' ? settings.database.url : '',
    password: '',
    forgetPassword: false,
    certificates: settings.database.mode === 'server' ? { ...settings.database.certificates } : { ...NO_CERTIFICATES },
    schema: settings.schema,
    dateOrder: settings.dateOrder,
    suspiciousPolicy: settings.suspiciousPolicy,
    lake: {
      parquetDir: settings.lake.parquetDir ?? '',
      s3Url: settings.lake.s3Url ?? '',
      region: settings.lake.region ?? '',
      endpoint: settings.lake.endpoint ?? '',
    },
    runDate: settings.runDate ?? '',
  };
}

export function SettingsScreen({ settings, status, info, onSaved, onProvidePassword }: Props) {
  const id = useId();
  const [draft, setDraft] = useState<Draft | null>(settings ? draftFrom(settings) : null);
  const [testing, setTesting] = useState(false);
  const [testOutcome, setTestOutcome] = useState<Outcome>(null);
  const [saving, setSaving] = useState(false);
  const [saveOutcome, setSaveOutcome] = useState<Outcome>(null);
  const [urlError, setUrlError] = useState<string | null>(null);

  useEffect(() => {
    if (settings) setDraft((current) => current ?? draftFrom(settings));
  }, [settings]);

  if (!settings || !draft) {
    return (
      <section className="screen" aria-labelledby="settings-title">
        <h1 id="settings-title" tabIndex={-1}>
          Settings
        </h1>
        <p className="muted">Loading settings…</p>
      </section>
    );
  }

  const change = (update: Partial<Draft>) => {
    setDraft({ ...draft, ...update });
    setSaveOutcome(null);
    if ('url' in update || 'password' in update || 'mode' in update || 'certificates' in update) setTestOutcome(null);
    if ('url' in update) setUrlError(null);
  };
  const hasStoredPassword = settings.database.mode === 'server' && settings.database.hasPassword && draft.url === settings.database.url;
  const draftAddress = draft.mode === 'server' ? parseServerUrl(draft.url) : null;
  const tls = draftAddress?.ok ? draftAddress.address.sslMode : null;
  const unavailable = settings.secretStorage === 'unavailable';

  /** The URL's problem, shown under the field; null when it is fine (or not used). */
  function checkUrl(): string | null {
    if (draft?.mode !== 'server') return null;
    const parsed = parseServerUrl(draft.url);
    const problem = parsed.ok ? null : draft.url.trim() === '' ? 'Enter the server URL, for example postgresql://analyst@db.example.org:5432/healthtech.' : parsed.problem.message;
    setUrlError(problem);
    return problem;
  }

  async function chooseCertificate(role: CertificateRole) {
    try {
      const chosen = await call('settings/pick-certificate', { role });
      if (chosen.path && draft) change({ certificates: { ...draft.certificates, [role]: chosen.path } });
    } catch (reason) {
      setSaveOutcome({ tone: 'bad', text: toErrorData(reason).message });
    }
  }

  async function testConnection() {
    if (!draft) return;
    const problem = checkUrl();
    if (problem) {
      setTestOutcome({ tone: 'bad', text: problem });
      return;
    }
    setTesting(true);
    setTestOutcome(null);
    try {
      const result = await call('settings/test-connection', {
        url: draft.url.trim(),
        schema: draft.schema.trim(),
        certificates: draft.certificates,
        ...(draft.password ? { password: draft.password } : {}),
      });
      setTestOutcome({ tone: 'ok', text: `Connected to ${result.display}: PostgreSQL ${result.serverVersion}.` });
    } catch (reason) {
      setTestOutcome({ tone: 'bad', text: toErrorData(reason).message });
    } finally {
      setTesting(false);
    }
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!draft || checkUrl()) return;
    setSaving(true);
    setSaveOutcome(null);
    try {
      const password = draft.password ? draft.password : draft.forgetPassword ? null : undefined;
      const saved = await call('settings/save', {
        database: draft.mode === 'embedded' ? { mode: 'embedded' } : { mode: 'server', url: draft.url.trim(), certificates: draft.certificates, ...(password === undefined ? {} : { password }) },
        schema: draft.schema.trim(),
        dateOrder: draft.dateOrder,
        suspiciousPolicy: draft.suspiciousPolicy,
        lake: {
          parquetDir: draft.lake.parquetDir.trim() || null,
          s3Url: draft.lake.s3Url.trim() || null,
          region: draft.lake.region.trim() || null,
          endpoint: draft.lake.endpoint.trim() || null,
        },
        runDate: draft.runDate === '' ? null : draft.runDate,
      });
      onSaved(saved);
      setDraft(draftFrom(saved));
      setSaveOutcome({ tone: 'ok', text: 'Settings saved.' });
    } catch (reason) {
      setSaveOutcome({ tone: 'bad', text: toErrorData(reason).message });
    } finally {
      setSaving(false);
    }
  }

  return (
    <section className="screen" aria-labelledby="settings-title">
      <div className="screen-head">
        <div>
          <h1 id="settings-title" tabIndex={-1}>
            Settings
          </h1>
          <p className="lead">Where the data is loaded, and how the workbooks are read by default.</p>
        </div>
      </div>

      {settings.notice ? (
        <div className="notice notice-warn" role="alert" data-testid="settings-notice">
          <WarningIcon />
          <p>{settings.notice.message}</p>
        </div>
      ) : null}

      <form className="settings-form" onSubmit={(event) => void save(event)} noValidate>
        <section className="panel" aria-labelledby={`${id}-db-title`}>
          <h2 id={`${id}-db-title`} className="panel-title">
            Database
          </h2>
          <DatabaseState status={status} onProvidePassword={onProvidePassword} />
          <fieldset className="radio-cards">
            <legend>Where to load</legend>
            <label className={`radio-card ${draft.mode === 'embedded' ? 'checked' : ''}`}>
              <input type="radio" name={`${id}-mode`} value="embedded" checked={draft.mode === 'embedded'} onChange={() => change({ mode: 'embedded' })} />
              <span>
                <span className="radio-card-title">Embedded database (recommended)</span>
                <span className="radio-card-text">A private PostgreSQL the app runs itself, in its own data folder{info ? <> under <span className="mono break">{info.userDataDir}</span></> : null}. Nothing to set up.</span>
              </span>
            </label>
            <label className={`radio-card ${draft.mode === 'server' ? 'checked' : ''}`}>
              <input type="radio" name={`${id}-mode`} value="server" checked={draft.mode === 'server'} onChange={() => change({ mode: 'server' })} />
              <span>
                <span className="radio-card-title">PostgreSQL server</span>
                <span className="radio-card-text">A server you connect to by URL (PostgreSQL 13 or newer, also RDS or Aurora).</span>
              </span>
            </label>
          </fieldset>

          {draft.mode === 'embedded' && status?.mode === 'embedded' ? (
            <p className="hint" data-testid="embedded-folder">
              Now: <span className="mono break">{status.display}</span>
            </p>
          ) : null}

          {draft.mode === 'server' ? (
            <div className="form-stack server-fields">
              <div className="field">
                <label htmlFor={`${id}-url`}>Server URL</label>
                <input
                  id={`${id}-url`}
                  type="text"
                  inputMode="url"
                  value={draft.url}
                  onChange={(e) => change({ url: e.target.value })}
                  placeholder="postgresql://user@host:5432/database"
                  autoComplete="off"
                  spellCheck={false}
                  aria-describedby={`${id}-url-hint${urlError ? ` ${id}-url-error` : ''}`}
                  aria-invalid={urlError ? true : undefined}
                />
                <p className="hint" id={`${id}-url-hint`}>
                  Without the password: it is kept apart, below. A password pasted in the URL is taken out before the URL is stored. Add <span className="mono">?sslmode=require</span> (or{' '}
                  <span className="mono">verify-ca</span>, <span className="mono">verify-full</span>) for an encrypted connection.
                </p>
                {urlError ? (
                  <p className="field-error" id={`${id}-url-error`}>
                    {urlError}
                  </p>
                ) : null}
              </div>
              <div className="field">
                <label htmlFor={`${id}-password`}>Password</label>
                <input
                  id={`${id}-password`}
                  type="password"
                  value={draft.password}
                  onChange={(e) => change({ password: e.target.value, forgetPassword: false })}
                  autoComplete="new-password"
                  aria-describedby={`${id}-password-hint`}
                />
                <p className="hint" id={`${id}-password-hint`}>
                  {hasStoredPassword ? 'A password is set for this server. Leave empty to keep it.' : unavailable ? 'Used for this session only.' : 'Stored encrypted by the operating system.'}
                </p>
              </div>
              {hasStoredPassword ? (
                <label className="check">
                  <input type="checkbox" checked={draft.forgetPassword} onChange={(e) => change({ forgetPassword: e.target.checked, password: '' })} />
                  Forget the stored password
                </label>
              ) : null}
              {unavailable ? (
                <div className="notice notice-warn" data-testid="secret-storage-unavailable">
                  <LockIcon />
                  <p>This computer cannot store the password securely (no system keyring is available), so it is not saved: the app asks for it once each session and keeps it only in memory.</p>
                </div>
              ) : null}
              <fieldset className="certificates" aria-describedby={`${id}-cert-hint`}>
                <legend>TLS certificate files</legend>
                <p className="hint" id={`${id}-cert-hint`}>
                  {tls && tls !== 'disable'
                    ? `Used with sslmode=${tls}. Chosen here, never typed: the app reads only the files you pick.`
                    : 'Only needed with sslmode=require, verify-ca or verify-full in the URL.'}
                </p>
                <ul className="certificate-list">
                  {CERTIFICATE_ROLES.map((role) => {
                    const file = draft.certificates[role];
                    const label = CERTIFICATE_LABELS[role].label;
                    return (
                      <li key={role} className="certificate-row" data-testid={`certificate-${role}`}>
                        <span className="certificate-label">{label[0]?.toUpperCase() + label.slice(1)}</span>
                        <span className={file ? 'mono break' : 'muted'}>{file ?? 'None'}</span>
                        <span className="certificate-actions">
                          <button type="button" className="btn btn-small" onClick={() => void chooseCertificate(role)} aria-label={`Choose the ${label} file`}>
                            Choose…
                          </button>
                          {file ? (
                            <button type="button" className="btn btn-small" onClick={() => change({ certificates: { ...draft.certificates, [role]: null } })} aria-label={`Remove the ${label} file`}>
                              Remove
                            </button>
                          ) : null}
                        </span>
                      </li>
                    );
                  })}
                </ul>
              </fieldset>
              <div className="test-connection">
                <button type="button" className="btn" onClick={() => void testConnection()} disabled={testing}>
                  {testing ? <SpinnerIcon /> : null}
                  {testing ? 'Testing…' : 'Test connection'}
                </button>
                <div aria-live="polite" data-testid="test-connection-result">
                  {testOutcome ? (
                    <p className={`notice ${testOutcome.tone === 'ok' ? 'notice-ok' : 'notice-error'}`}>
                      {testOutcome.tone === 'ok' ? <CheckIcon /> : <ErrorIcon />}
                      <span>{testOutcome.text}</span>
                    </p>
                  ) : null}
                </div>
              </div>
            </div>
          ) : null}

          <div className="field field-narrow">
            <label htmlFor={`${id}-schema`}>Schema</label>
            <input id={`${id}-schema`} type="text" value={draft.schema} onChange={(e) => change({ schema: e.target.value })} autoComplete="off" spellCheck={false} maxLength={63} aria-describedby={`${id}-schema-hint`} />
            <p className="hint" id={`${id}-schema-hint`}>
              The tables are created in this schema (default healthtech).
            </p>
          </div>
        </section>

        <section className="panel" aria-labelledby={`${id}-defaults-title`}>
          <h2 id={`${id}-defaults-title`} className="panel-title">
            Cleaning defaults
          </h2>
          <p className="hint">Used for the next import; the options on the Import screen can change them for one preview.</p>
          <div className="field-row">
            <div className="field">
              <label htmlFor={`${id}-date-order`}>Date order</label>
              <select id={`${id}-date-order`} value={draft.dateOrder} onChange={(e) => change({ dateOrder: e.target.value as DateOrderOption })}>
                {(Object.keys(DATE_ORDER_LABEL) as DateOrderOption[]).map((value) => (
                  <option key={value} value={value}>
                    {DATE_ORDER_LABEL[value]}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${id}-suspicious`}>Suspicious dates</label>
              <select id={`${id}-suspicious`} value={draft.suspiciousPolicy} onChange={(e) => change({ suspiciousPolicy: e.target.value as SuspiciousPolicy })}>
                {(Object.keys(POLICY_LABEL) as SuspiciousPolicy[]).map((value) => (
                  <option key={value} value={value}>
                    {POLICY_LABEL[value]}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${id}-run-date`}>Run date</label>
              <div className="run-date-inputs">
                <input id={`${id}-run-date`} type="date" value={draft.runDate} onChange={(e) => change({ runDate: e.target.value })} aria-describedby={`${id}-run-date-hint`} />
                {draft.runDate ? (
                  <button type="button" className="btn btn-small btn-quiet" onClick={() => change({ runDate: '' })}>
                    Use today
                  </button>
                ) : null}
              </div>
              <p className="hint" id={`${id}-run-date-hint`}>
                The day suspicious dates are measured from (more than a year after it), as --run_date on the command line. Empty: the day of each run. A fixed date makes reruns give the same result.
              </p>
            </div>
          </div>
        </section>

        <section className="panel" aria-labelledby={`${id}-lake-title`}>
          <h2 id={`${id}-lake-title`} className="panel-title">
            Data-lake export
          </h2>
          <p className="hint">
            Where “Export for the data lake” writes the loaded run as Parquet: a folder, an S3 location, or both. AWS credentials come from this computer’s AWS setup (environment, profile or SSO) and are never stored by the app.
          </p>
          <div className="field">
            <label htmlFor={`${id}-lake-dir`}>Parquet folder</label>
            <input id={`${id}-lake-dir`} type="text" spellCheck={false} placeholder="/data/healthtech-lake" value={draft.lake.parquetDir} onChange={(e) => change({ lake: { ...draft.lake, parquetDir: e.target.value } })} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-lake-s3`}>S3 location</label>
            <input id={`${id}-lake-s3`} type="text" spellCheck={false} placeholder="s3://bucket/prefix" value={draft.lake.s3Url} onChange={(e) => change({ lake: { ...draft.lake, s3Url: e.target.value } })} />
          </div>
          <div className="field-row">
            <div className="field">
              <label htmlFor={`${id}-lake-region`}>Region (optional)</label>
              <input id={`${id}-lake-region`} type="text" spellCheck={false} placeholder="eu-west-1" value={draft.lake.region} onChange={(e) => change({ lake: { ...draft.lake, region: e.target.value } })} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-lake-endpoint`}>Endpoint (S3-compatible stores)</label>
              <input id={`${id}-lake-endpoint`} type="text" spellCheck={false} placeholder="https://minio.example.com:9000" value={draft.lake.endpoint} onChange={(e) => change({ lake: { ...draft.lake, endpoint: e.target.value } })} />
            </div>
          </div>
        </section>

        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={saving}>
            {saving ? 'Saving…' : 'Save'}
          </button>
          <p className="inline-result" aria-live="polite" data-testid="settings-save-result">
            {saveOutcome ? (
              <span className={`status ${saveOutcome.tone === 'ok' ? 'status-ok' : 'status-bad'}`}>
                {saveOutcome.tone === 'ok' ? <CheckIcon /> : <ErrorIcon />} {saveOutcome.text}
              </span>
            ) : null}
          </p>
        </div>
      </form>
    </section>
  );
}

function DatabaseState({ status, onProvidePassword }: { status: DatabaseStatus | null; onProvidePassword: () => void }) {
  if (!status) return null;
  return (
    <div className={`db-now db-now-${status.state}`} data-testid="settings-db-status">
      {status.state === 'ready' ? (
        <p className="status status-ok">
          <CheckIcon /> Connected: PostgreSQL {status.serverVersion}, schema <span className="mono">{status.schema}</span>
        </p>
      ) : status.state === 'starting' ? (
        <p className="status status-muted">
          <SpinnerIcon /> Starting…
        </p>
      ) : status.state === 'needs_password' ? (
        <div className="status status-warn">
          <LockIcon /> The server needs its password for this session.
          <button type="button" className="btn btn-small btn-primary" onClick={onProvidePassword}>
            Enter password…
          </button>
        </div>
      ) : (
        <p className="status status-bad">
          <WarningIcon /> {status.error.message}
        </p>
      )}
    </div>
  );
}
