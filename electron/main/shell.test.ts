/**
 * The Electron shell, run: electron/main/main.ts (with ipc.ts, appProtocol.ts, menu.ts and
 * platform.ts) is imported against an in-memory stand-in of Electron (test/support/fakeElectron.ts)
 * and driven like the renderer, a hostile page and the OS would drive it. What it does is
 * asserted: navigation away prevented, window.open denied, permissions denied, webviews refused,
 * IPC from other frames refused, app:// traversal and malformed URLs refused, the CSP header on
 * every response, and the development switches off when packaged.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, afterAll, describe, expect, it, vi } from 'vitest';
import { CHANNEL_NAMES } from '../../shared/channelNames';
import { CONTENT_SECURITY_POLICY } from './securityPolicy';
import { createFakeElectron, type FakeElectron } from '../../test/support/fakeElectron';

const TOP_FRAME = { url: 'app://healthtech/index.html', parent: null };

let root: string;
let appPath: string;
let running: FakeElectron[] = [];

/** A user-data folder whose settings point at a closed port, so no embedded server is started. */
function userData(name: string): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'settings.json'),
    JSON.stringify({
      version: 1,
      database: { mode: 'server', server: { host: '127.0.0.1', port: 1, database: 'clinic', user: 'analyst', sslMode: 'disable', connectTimeoutSeconds: 2, applicationName: null, certificates: { rootCert: null, cert: null, key: null } } },
      schema: 'healthtech',
      dateOrder: 'auto',
      suspiciousPolicy: 'warn',
    }),
  );
  return dir;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Imports main.ts afresh against a new fake Electron, makes the app ready and waits for its window. */
async function startShell(options: { packaged: boolean; userData: string; env?: Record<string, string>; primary?: boolean; storageBackend?: string; openDialogAnswers?: string[][] }): Promise<FakeElectron> {
  vi.resetModules();
  const fake = createFakeElectron({
    isPackaged: options.packaged,
    paths: { userData: options.userData, documents: root },
    appPath,
    primaryInstance: options.primary ?? true,
    ...(options.storageBackend ? { storageBackend: options.storageBackend } : {}),
    ...(options.openDialogAnswers ? { openDialogAnswers: options.openDialogAnswers } : {}),
  });
  vi.doMock('electron', () => fake.module);
  const saved = { ...process.env };
  Object.assign(process.env, options.env ?? {});
  (process as { resourcesPath?: string }).resourcesPath = appPath;
  try {
    await import('./main');
  } finally {
    process.env = saved;
  }
  running.push(fake);
  fake.ready();
  if (options.primary !== false) await until(() => fake.windows.length > 0, 'the window');
  return fake;
}

async function quit(fake: FakeElectron): Promise<void> {
  const e = { defaultPrevented: false, preventDefault: () => undefined };
  fake.appEvents.emit('before-quit', e);
  await until(() => fake.record.exitCodes.length > 0, 'the app to exit');
}

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'shell-'));
  appPath = path.join(root, 'app');
  mkdirSync(path.join(appPath, 'dist', 'renderer', 'assets'), { recursive: true });
  writeFileSync(path.join(appPath, 'dist', 'renderer', 'index.html'), '<!doctype html><title>HealthTech ETL</title>');
  writeFileSync(path.join(appPath, 'dist', 'renderer', 'assets', 'app.js'), 'export {};');
  writeFileSync(path.join(root, 'secret.txt'), 'outside the renderer folder');
});
afterEach(async () => {
  for (const fake of running) if (fake.record.exitCodes.length === 0 && fake.windows.length > 0) await quit(fake);
  running = [];
  vi.doUnmock('electron');
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('the window and its contents', () => {
  it('is sandboxed before any window exists, with the secure preferences, and loads app://healthtech', async () => {
    const fake = await startShell({ packaged: true, userData: userData('window') });
    expect(fake.record.sandboxEnabled).toBe(true);
    expect(fake.record.windowBeforeSandbox).toBe(false);
    const [window] = fake.windows;
    expect(window?.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
    expect(window?.webContents.url).toBe('app://healthtech/index.html');
    expect(fake.record.privilegedSchemes).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
  });

  it('prevents navigation and redirects to any other origin, and opens nothing outside', async () => {
    const fake = await startShell({ packaged: true, userData: userData('navigation') });
    const contents = fake.windows[0]?.webContents;
    if (!contents) throw new Error('no window');
    for (const url of ['https://evil.example/', 'http://127.0.0.1:5432/', 'file:///etc/passwd', 'app://other/index.html', 'javascript:alert(1)', 'data:text/html,<script>1</script>', 'not a url']) {
      expect(contents.navigate(url), url).toBe(false);
      expect(contents.redirect(url), url).toBe(false);
    }
    expect(contents.url).toBe('app://healthtech/index.html');
    expect(contents.navigate('app://healthtech/index.html#/dashboard')).toBe(true);
    expect(fake.record.openExternal).toEqual([]);
  });

  it('denies every window.open, refuses webviews, and applies the same to contents created later', async () => {
    const fake = await startShell({ packaged: true, userData: userData('popups') });
    const contents = fake.windows[0]?.webContents;
    if (!contents) throw new Error('no window');
    for (const url of ['https://evil.example/', 'app://healthtech/index.html', 'about:blank']) expect(contents.openWindow(url), url).toBe('deny');
    expect(contents.attachWebview('https://evil.example/')).toBe(false);
    // Any other WebContents (a devtools host, a future window) gets the same treatment.
    const later = new fake.module.BrowserWindow({}).webContents;
    expect(later.openWindow('https://evil.example/')).toBe('deny');
    expect(later.navigate('https://evil.example/')).toBe(false);
    expect(later.attachWebview('about:blank')).toBe(false);
  });

  it('denies every permission request and check', async () => {
    const fake = await startShell({ packaged: true, userData: userData('permissions') });
    const contents = fake.windows[0]?.webContents;
    if (!contents) throw new Error('no window');
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'clipboard-sanitized-write', 'midi', 'pointerLock', 'fullscreen', 'openExternal', 'fileSystem', 'hid', 'serial', 'usb']) {
      expect(await fake.defaultSession.requestPermission(contents, permission), permission).toBe(false);
      expect(fake.defaultSession.checkPermission(contents, permission, 'app://healthtech'), permission).toBe(false);
    }
  });
});

describe('IPC', () => {
  it('registers exactly the contract channels and answers our top frame only', async () => {
    const fake = await startShell({ packaged: true, userData: userData('ipc') });
    expect([...fake.ipcChannels()].sort()).toEqual([...CHANNEL_NAMES].sort());
    expect(await fake.invoke('app/info', {}, TOP_FRAME)).toMatchObject({ ok: true, value: { version: '0.0.0-test' } });
    const refused = { ok: false, error: { code: 'untrusted_sender' } };
    expect(await fake.invoke('app/info', {}, { url: 'app://healthtech/index.html', parent: TOP_FRAME })).toMatchObject(refused);
    expect(await fake.invoke('settings/get', {}, { url: 'https://evil.example/', parent: null })).toMatchObject(refused);
    expect(await fake.invoke('settings/get', {}, { url: 'app://other/index.html', parent: null })).toMatchObject(refused);
    expect(await fake.invoke('settings/get', {}, { url: 'file:///index.html', parent: null })).toMatchObject(refused);
    expect(await fake.invoke('settings/get', {}, null)).toMatchObject(refused);
    await expect(fake.invoke('fs/readFile', { path: '/etc/passwd' }, TOP_FRAME)).rejects.toThrow(/No handler registered/);
    // Validated in main: a malformed request is a usage error, not a crash.
    expect(await fake.invoke('settings/save', { database: { mode: 'server', url: 'postgresql://u@h/db?sslrootcert=/etc/shadow' }, schema: 'x', dateOrder: 'auto', suspiciousPolicy: 'warn' }, TOP_FRAME)).toMatchObject({
      ok: false,
      error: { code: 'db_url_file_parameter' },
    });
  });

  it('sends events to our windows only, and the certificate dialog is opened by main', async () => {
    const ca = path.join(root, 'ca.pem');
    writeFileSync(ca, 'pem');
    const fake = await startShell({ packaged: true, userData: userData('events'), openDialogAnswers: [[ca]] });
    const contents = fake.windows[0]?.webContents;
    await until(() => (contents?.sent ?? []).some((m) => m.channel === 'db/status' && (m.payload as { state: string }).state !== 'starting'), 'a database status event');
    expect(new Set(contents?.sent.map((m) => m.channel))).toEqual(new Set(['db/status']));
    expect(await fake.invoke('settings/pick-certificate', { role: 'rootCert' }, TOP_FRAME)).toEqual({ ok: true, value: { role: 'rootCert', path: ca } });
  });

  it('treats safeStorage on a keyring-less Linux as no secret storage', async () => {
    const fake = await startShell({ packaged: true, userData: userData('basic-text'), storageBackend: 'basic_text' });
    const settings = (await fake.invoke('settings/get', {}, TOP_FRAME)) as { value: { secretStorage: string } };
    expect(settings.value.secretStorage).toBe(process.platform === 'linux' ? 'unavailable' : 'available');
  });
});

describe('app://', () => {
  it('serves the renderer with the security headers, refuses traversal and malformed URLs, all with the CSP', async () => {
    const fake = await startShell({ packaged: true, userData: userData('protocol') });
    const cases: [string, string, number][] = [
      ['app://healthtech/', 'GET', 200],
      ['app://healthtech/index.html', 'GET', 200],
      ['app://healthtech/assets/app.js', 'GET', 200],
      ['app://healthtech/assets/app.js', 'HEAD', 200],
      ['app://healthtech/../secret.txt', 'GET', 404],
      ['app://healthtech/../../../secret.txt', 'GET', 404],
      ['app://healthtech/..%2f..%2f..%2fsecret.txt', 'GET', 404],
      ['app://healthtech/%2e%2e/%2e%2e/%2e%2e/secret.txt', 'GET', 404],
      ['app://healthtech/missing.js', 'GET', 404],
      ['app://healthtech/%E0%A4%A', 'GET', 400],
      ['app://healthtech/%', 'GET', 400],
      ['app://healthtech/index.html%00.js', 'GET', 400],
      ['app://healthtech/index.html', 'POST', 405],
    ];
    for (const [url, method, status] of cases) {
      const response = await fake.fetch(url, { method });
      expect(response.status, `${method} ${url}`).toBe(status);
      expect(response.headers.get('Content-Security-Policy'), url).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers.get('X-Content-Type-Options'), url).toBe('nosniff');
      if (status !== 200) expect(await response.text(), url).not.toContain('outside the renderer folder');
    }
    const page = await fake.fetch('app://healthtech/');
    expect(page.headers.get('Content-Type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<title>HealthTech ETL</title>');
  });
});

describe('development switches', () => {
  it('packaged: no DevTools (window or menu), HEALTHTECH_USER_DATA ignored, no per-request IPC log lines', async () => {
    const data = userData('packaged');
    const elsewhere = path.join(root, 'not-used');
    const fake = await startShell({ packaged: true, userData: data, env: { HEALTHTECH_USER_DATA: elsewhere } });
    expect(fake.record.setPathCalls).toEqual([]);
    expect(fake.windows[0]?.options.webPreferences?.devTools).toBe(false);
    expect(JSON.stringify(fake.record.applicationMenu?.template)).not.toMatch(/toggleDevTools/i);
    await fake.invoke('app/info', {}, TOP_FRAME);
    await quit(fake);
    expect(existsSync(elsewhere)).toBe(false);
    const log = readFileSync(path.join(data, 'logs', 'app.log'), 'utf8');
    expect(log).toMatch(/INFO/);
    expect(log).not.toMatch(/DEBUG/);
    expect(log).not.toMatch(/handled/);
  });

  it('development: DevTools, the test hook and the verbose log are there', async () => {
    const data = userData('development-default');
    const hooked = userData('development-hooked');
    const fake = await startShell({ packaged: false, userData: data, env: { HEALTHTECH_USER_DATA: hooked } });
    expect(fake.record.setPathCalls).toEqual([['userData', hooked]]);
    expect(fake.windows[0]?.options.webPreferences?.devTools).toBe(true);
    expect(JSON.stringify(fake.record.applicationMenu?.template)).toMatch(/toggleDevTools/);
    await fake.invoke('app/info', {}, TOP_FRAME);
    await quit(fake);
    expect(readFileSync(path.join(hooked, 'logs', 'app.log'), 'utf8')).toMatch(/DEBUG handled channel=app\/info/);
  });
});

describe('the embedded database as root', () => {
  it('the desktop shell refuses it, saying why, without creating users or folders', async () => {
    const fakeForPlatform = createFakeElectron({ isPackaged: true, paths: { userData: root, documents: root }, appPath });
    vi.resetModules();
    vi.doMock('electron', () => fakeForPlatform.module);
    const { electronPlatform } = await import('./platform');
    expect(electronPlatform(appPath).embeddedAsRoot).toBe('refuse');
    if (process.getuid?.() !== 0) {
      process.stdout.write('shell.test: not running as root: the refusal itself is shown in test/app/hostileSettings.test.ts (resolveServerUser)\n');
      return;
    }
    const data = userData('as-root');
    rmSync(path.join(data, 'settings.json'));
    const fake = await startShell({ packaged: true, userData: data });
    const contents = fake.windows[0]?.webContents;
    await until(() => (contents?.sent ?? []).some((m) => m.channel === 'db/status' && (m.payload as { state: string }).state === 'error'), 'the refusal');
    const status = contents?.sent.findLast((m) => m.channel === 'db/status')?.payload;
    expect(status).toMatchObject({ state: 'error', mode: 'embedded', error: { code: 'embedded_as_root' } });
    expect(existsSync(path.join(data, 'postgres', 'pgdata'))).toBe(false);
  });
});

describe('lifecycle', () => {
  it('a second instance exits before creating anything', async () => {
    const fake = await startShell({ packaged: true, userData: userData('second'), primary: false });
    await until(() => fake.record.exitCodes.length > 0, 'exit');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.record.exitCodes).toEqual([0]);
    expect(fake.windows).toHaveLength(0);
    expect(fake.ipcChannels()).toEqual([]);
  });

  it('quitting shuts the application down and exits 0', async () => {
    const fake = await startShell({ packaged: true, userData: userData('quit') });
    await quit(fake);
    expect(fake.record.exitCodes).toEqual([0]);
  });
});
