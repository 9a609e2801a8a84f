/**
 * The shell: header with the database status, a sidebar to move between screens, the screen, and
 * the state that outlives a screen (files and preview, the load, settings). Files dropped anywhere
 * on the window are identified and placed, whatever screen is showing.
 */
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import type { AppInfo, DatabaseStatus, LoadActivity, Settings } from '../../shared/contract';
import { call, toErrorData, useEvent } from './api';
import { DbStatusIndicator } from './components/DbStatusIndicator';
import { DropOverlay } from './components/DropOverlay';
import { LoadActivityNotice } from './components/LoadActivityNotice';
import { PasswordDialog } from './components/PasswordDialog';
import { formatCount } from './format';
import { HistoryScreen } from './screens/HistoryScreen';
import { ImportScreen } from './screens/ImportScreen';
import { LoadScreen } from './screens/LoadScreen';
import { PreviewScreen } from './screens/PreviewScreen';
import { SettingsScreen } from './screens/SettingsScreen';
import { useImportFlow, type ImportOptions } from './state/useImportFlow';
import { useLakeExport } from './state/useLakeExport';
import { useLoad } from './state/useLoad';

// The dashboard (and its charting library, ~500 kB) is a chunk of its own, fetched and parsed
// once the app is idle after it starts (so the first screen is not held up) and not on the
// first click on Dashboard, where parsing it cost ~300 ms before the first request went out.
const loadDashboard = () => import('./dashboard/DashboardScreen');
const DashboardScreen = lazy(() => loadDashboard().then((module) => ({ default: module.DashboardScreen })));
const whenIdle = (run: () => void) => (typeof window.requestIdleCallback === 'function' ? window.requestIdleCallback(run, { timeout: 3000 }) : window.setTimeout(run, 1000));

export type Screen = 'import' | 'preview' | 'load' | 'history' | 'dashboard' | 'settings';

const NAV: { key: Screen; label: string }[] = [
  { key: 'import', label: 'Import' },
  { key: 'preview', label: 'Preview' },
  { key: 'load', label: 'Load' },
  { key: 'history', label: 'History' },
  { key: 'dashboard', label: 'Dashboard' },
  { key: 'settings', label: 'Settings' },
];

export function App() {
  const [screen, setScreen] = useState<Screen>('import');
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [status, setStatus] = useState<DatabaseStatus | null>(null);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [defaults, setDefaults] = useState<ImportOptions | null>(null);
  const [bootError, setBootError] = useState<string | null>(null);
  const [booted, setBooted] = useState(false);
  const [historyVersion, setHistoryVersion] = useState(0);
  /** Bumped when the loaded run changes (a load from here or anywhere committed): the dashboard reads again. */
  const [dataVersion, setDataVersion] = useState(0);
  const [activity, setActivity] = useState<LoadActivity | null>(null);
  /** The needs_password status the password dialog was opened for (it stays open across restarts). */
  const [askPassword, setAskPassword] = useState<Extract<DatabaseStatus, { state: 'needs_password' }> | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const statusFromEvent = useRef(false);
  const moveFocus = useRef(false);

  const go = useCallback((next: Screen) => {
    moveFocus.current = true;
    setScreen(next);
  }, []);

  const flow = useImportFlow(
    defaults,
    useCallback(() => go('preview'), [go]),
  );
  const load = useLoad(
    useCallback(() => {
      setHistoryVersion((v) => v + 1);
      setDataVersion((v) => v + 1);
    }, []),
  );
  const lakeExport = useLakeExport();

  useEffect(() => {
    whenIdle(() => void loadDashboard().catch(() => undefined));
  }, []);

  // Boot: app info, database status and settings, then the ready marker tests wait on.
  useEffect(() => {
    let live = true;
    void Promise.allSettled([call('app/info', {}), call('db/status', {}), call('settings/get', {})]).then(([appInfo, dbStatus, saved]) => {
      if (!live) return;
      const problems: string[] = [];
      if (appInfo.status === 'fulfilled') setInfo(appInfo.value);
      else problems.push(toErrorData(appInfo.reason).message);
      // An event that arrived meanwhile is newer than this answer.
      if (dbStatus.status === 'fulfilled') {
        if (!statusFromEvent.current) setStatus(dbStatus.value);
      } else problems.push(toErrorData(dbStatus.reason).message);
      if (saved.status === 'fulfilled') {
        setSettings(saved.value);
        setDefaults({ dateOrder: saved.value.dateOrder, suspiciousPolicy: saved.value.suspiciousPolicy, runDate: saved.value.runDate });
      } else {
        problems.push(toErrorData(saved.reason).message);
        setDefaults({ dateOrder: 'auto', suspiciousPolicy: 'warn', runDate: null });
      }
      setBootError(problems.length > 0 ? problems.join(' ') : null);
      setBooted(true);
    });
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    if (booted) document.body.dataset.appReady = 'true';
  }, [booted]);

  useEvent('db/status', (next) => {
    statusFromEvent.current = true;
    setStatus(next);
  });

  // Loads from anywhere (this app, another one, the command line): say one is under way, and
  // read again when the loaded run changes.
  const ready = status?.state === 'ready';
  useEffect(() => {
    if (ready) call('load/activity', {}).then(setActivity, () => undefined);
  }, [ready]);
  useEvent('load/activity', setActivity);
  const seenActivity = useRef<LoadActivity | null>(null);
  useEffect(() => {
    const before = seenActivity.current;
    seenActivity.current = activity;
    if (!before || !activity || before.schema !== activity.schema) return;
    setHistoryVersion((v) => v + 1);
    if (before.liveRunId !== activity.liveRunId) setDataVersion((v) => v + 1);
  }, [activity]);

  // After moving screens, put focus on the new screen's heading so keyboard and screen-reader
  // users start at the top of what changed.
  useEffect(() => {
    if (!moveFocus.current) return;
    moveFocus.current = false;
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [screen]);

  // One polite announcement per finished step, from a live region that is always present.
  const { preview } = flow;
  useEffect(() => {
    if (preview.status === 'done') {
      const { counts } = preview.summary;
      setAnnouncement(`Preview ready: ${formatCount(counts.appointments)} appointments and ${formatCount(counts.doctors)} doctors would be loaded; ${formatCount(counts.rejected)} rows rejected.`);
    } else if (preview.status === 'cancelled') setAnnouncement('Preview cancelled.');
    else if (preview.status === 'failed') setAnnouncement(`Preview failed: ${preview.error.message}`);
    else if (preview.status === 'running') setAnnouncement('Reading the workbooks…');
  }, [preview]);
  const loadState = load.state;
  useEffect(() => {
    if (loadState.status === 'succeeded') setAnnouncement(`Load finished: run ${loadState.outcome.runId}.`);
    else if (loadState.status === 'failed') setAnnouncement(`Load failed: ${loadState.error.message}`);
    else if (loadState.status === 'cancelled') setAnnouncement('Load cancelled; nothing was changed.');
  }, [loadState]);
  const lakeState = lakeExport.state;
  useEffect(() => {
    if (lakeState.status === 'running' && lakeState.progress === null) setAnnouncement('Exporting for the data lake…');
    else if (lakeState.status === 'done') setAnnouncement(`Export finished: run ${lakeState.outcome.runId}, ${formatCount(lakeState.outcome.files)} files.`);
    else if (lakeState.status === 'failed') setAnnouncement(`Export failed: ${lakeState.error.message}`);
    else if (lakeState.status === 'cancelled') setAnnouncement('Export cancelled.');
  }, [lakeState]);

  // Drop workbooks anywhere in the window.
  const [dragging, setDragging] = useState(false);
  const { drop } = flow;
  useEffect(() => {
    let depth = 0;
    const hasFiles = (event: DragEvent) => Array.from(event.dataTransfer?.types ?? []).includes('Files');
    const onEnter = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth++;
      setDragging(true);
    };
    const onOver = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const onLeave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onDrop = (event: DragEvent) => {
      event.preventDefault();
      depth = 0;
      setDragging(false);
      const files = Array.from(event.dataTransfer?.files ?? []);
      if (files.length === 0) return;
      // Show what was found; a complete pair moves on to the preview by itself.
      moveFocus.current = true;
      setScreen('import');
      void drop(files);
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, [drop]);

  const providePassword = useCallback(() => {
    if (status?.state === 'needs_password') setAskPassword(status);
  }, [status]);

  // Reconnect after the database went away (db/reconnect restarts the embedded server, recovering
  // a stale lock). The new status also arrives as an event; a failed attempt shows as a status.
  const [reconnecting, setReconnecting] = useState(false);
  const reconnect = useCallback(() => {
    setReconnecting(true);
    call('db/reconnect', {})
      .then((next) => setStatus(next))
      .catch((error: unknown) => setStatus((now) => (now ? { state: 'error', mode: now.mode, display: now.display, error: toErrorData(error) } : now)))
      .finally(() => setReconnecting(false));
  }, []);

  const startLoad = useCallback(() => {
    if (preview.status !== 'done') return;
    go('load');
    void load.plan(preview.summary.previewId);
  }, [preview, go, load]);

  // A word beside a nav item about work in progress or done there.
  const navNote: Partial<Record<Screen, string>> = {};
  if (preview.status === 'running') navNote.preview = 'Reading…';
  else if (preview.status === 'done') navNote.preview = 'Ready';
  if (loadState.status === 'running') navNote.load = 'Loading…';
  else if (lakeState.status === 'running') navNote.load = 'Exporting…';
  else if (loadState.status === 'succeeded') navNote.load = `Run ${loadState.outcome.runId}`;

  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            H
          </span>
          <span className="brand-name">HealthTech ETL</span>
          {info ? <span className="brand-version">v{info.version}</span> : null}
        </div>
        <DbStatusIndicator status={status} onProvidePassword={providePassword} onOpenSettings={() => go('settings')} onReconnect={reconnect} reconnecting={reconnecting} />
      </header>

      <nav className="sidebar" aria-label="Main">
        <ul className="nav-list">
          {NAV.map((item) => (
            <li key={item.key}>
              <button type="button" className="nav-item" aria-current={screen === item.key ? 'page' : undefined} onClick={() => go(item.key)}>
                <span>{item.label}</span>
                {navNote[item.key] ? <span className="nav-note">{navNote[item.key]}</span> : null}
              </button>
            </li>
          ))}
        </ul>
      </nav>

      <main className="content">
        {bootError ? (
          <p className="notice notice-error" role="alert">
            {bootError}
          </p>
        ) : null}
        {settings?.notice && screen !== 'settings' ? (
          <div className="notice notice-warn" role="alert" data-testid="settings-notice-banner">
            <p>
              {settings.notice.message}{' '}
              <button type="button" className="btn btn-small" onClick={() => go('settings')}>
                Open Settings
              </button>
            </p>
          </div>
        ) : null}
        {screen === 'import' ? <ImportScreen flow={flow} onShowPreview={() => go('preview')} /> : null}
        {screen === 'preview' ? <PreviewScreen flow={flow} onLoad={startLoad} onImport={() => go('import')} loadBusy={loadState.status === 'running' || loadState.status === 'planning'} /> : null}
        {screen === 'load' ? <LoadScreen load={load} preview={preview} status={status} onPreview={() => go('preview')} onImport={() => go('import')} onHistory={() => go('history')} onDashboard={() => go('dashboard')} onProvidePassword={providePassword} onReconnect={reconnect} reconnecting={reconnecting} onSettings={() => go('settings')} lakeExport={lakeExport} lakeTarget={settings?.lake ?? null} /> : null}
        {screen === 'history' || screen === 'dashboard' ? <LoadActivityNotice activity={ready ? activity : null} /> : null}
        {screen === 'history' ? <HistoryScreen version={historyVersion} status={status} /> : null}
        {screen === 'dashboard' ? (
          <Suspense fallback={<p className="muted" aria-busy="true">Loading the dashboard…</p>}>
            <DashboardScreen status={status} version={dataVersion} onImport={() => go('import')} onSettings={() => go('settings')} />
          </Suspense>
        ) : null}
        {screen === 'settings' ? <SettingsScreen settings={settings} status={status} info={info} onSaved={setSettings} onProvidePassword={providePassword} /> : null}
      </main>

      <div className="visually-hidden" aria-live="polite" role="status">
        {announcement}
      </div>

      {dragging ? <DropOverlay /> : null}
      {askPassword ? <PasswordDialog status={askPassword} secretStorage={settings?.secretStorage ?? 'available'} onClose={() => setAskPassword(null)} onStatus={setStatus} /> : null}
    </div>
  );
}
