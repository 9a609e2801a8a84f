/**
 * Electron main process: a thin shell. It serves the renderer from app://, applies the security
 * checklist to every window, registers the contract's IPC handlers, and hosts the application
 * layer (ETL worker, database) that is otherwise plain Node.
 *
 * Development switches are off when packaged: no DevTools (webPreferences and menu), no
 * HEALTHTECH_USER_DATA test hook, no per-request IPC lines in the log. shell.test.ts runs this
 * file against an in-memory stand-in of Electron and holds it to all of that.
 */
import path from 'node:path';
import { app, BrowserWindow, Menu, session, type WebContents } from 'electron';
import { createApp, type App } from '../app/createApp';
import { FileLogger } from '../etl/fileLogger';
import { stopAllEmbeddedServers } from '../db/embeddedPostgres';
import { setWorkerScript } from '../etl/worker/runInWorker';
import { registerAppScheme, serveRenderer } from './appProtocol';
import { registerIpc, sendEvent } from './ipc';
import { buildMenu } from './menu';
import { electronPlatform } from './platform';
import { APP_ORIGIN, isAppUrl, secureWebPreferences } from './securityPolicy';

// Every renderer is sandboxed, whatever a window's options say.
app.enableSandbox();
const development = !app.isPackaged;
// End-to-end tests give each run its own data folder (and so its own embedded database); a
// packaged app ignores the variable, so nothing outside can move its data.
if (development && process.env.HEALTHTECH_USER_DATA) app.setPath('userData', process.env.HEALTHTECH_USER_DATA);
registerAppScheme();

// A second launch focuses the first window (see 'second-instance') and ends at once, before it
// could touch the data folder or the database of the first.
const primary = app.requestSingleInstanceLock();
if (!primary) app.exit(0);

const appRoot = app.getAppPath();
const bundleDir = __dirname;
const resourcesDir = app.isPackaged ? process.resourcesPath : appRoot;
if (app.isPackaged) setWorkerScript(path.join(`${appRoot}.unpacked`, 'dist', 'node', 'etl-worker.cjs'));

const logger = new FileLogger(path.join(app.getPath('userData'), 'logs', 'app.log'), () => undefined, 'info', development ? 'debug' : 'info');
let application: App | undefined;
let quitting = false;

function windows(): WebContents[] {
  return BrowserWindow.getAllWindows().map((w) => w.webContents);
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1360,
    height: 900,
    minWidth: 960,
    minHeight: 640,
    title: 'HealthTech ETL',
    show: false,
    backgroundColor: '#f6f7f9',
    webPreferences: secureWebPreferences(path.join(bundleDir, 'preload.cjs'), { devTools: development }),
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}

function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // No new windows; links never open from renderer-provided text.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

app.on('web-contents-created', (_event, contents) => hardenContents(contents));

app.on('second-instance', () => {
  const [window] = BrowserWindow.getAllWindows();
  if (window) {
    if (window.isMinimized()) window.restore();
    window.focus();
  }
});

app.whenReady().then(async () => {
  if (!primary) return;
  // No camera, microphone, notifications, geolocation, ... ever.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  serveRenderer(path.join(appRoot, 'dist', 'renderer'));
  Menu.setApplicationMenu(buildMenu(process.platform === 'darwin', { devTools: development }));
  application = await createApp(electronPlatform(resourcesDir), (event, payload) => sendEvent(windows(), event, payload), logger);
  registerIpc(application.handlers, logger);
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}, (error: unknown) => {
  logger.log('error', `startup failed: ${(error as Error)?.stack ?? String(error)}`);
  app.exit(1);
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// Stop the embedded database cleanly before the process ends.
app.on('before-quit', (event) => {
  if (quitting) return;
  quitting = true;
  event.preventDefault();
  void (async () => {
    try {
      await application?.shutdown();
      await stopAllEmbeddedServers();
    } catch (error) {
      logger.log('error', `shutdown failed: ${String(error)}`);
    } finally {
      app.exit(0);
    }
  })();
});
