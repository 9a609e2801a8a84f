/**
 * The Electron security checklist as tests: if any switch is turned off, this fails.
 */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, isAppUrl, isTrustedSender, resolveAppFile, secureWebPreferences } from './securityPolicy';

describe('window security', () => {
  it('context isolation, sandbox, no Node in the renderer, web security on, no webview', () => {
    expect(secureWebPreferences('/x/preload.cjs')).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    });
  });

  it('a strict Content-Security-Policy: no remote or inline script, no eval, no objects, no framing', () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:|\*/);
  });

  it('the renderer page carries the same policy', () => {
    const html = readFileSync(path.resolve('renderer/index.html'), 'utf8');
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}"`);
  });

  it('only app:// pages are ours; IPC only from our top frame', () => {
    expect(isAppUrl('app://healthtech/index.html')).toBe(true);
    expect(isAppUrl('https://example.org')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('app://other/index.html')).toBe(false);
    expect(isTrustedSender({ url: 'app://healthtech/index.html', parent: null })).toBe(true);
    expect(isTrustedSender({ url: 'app://healthtech/index.html', parent: {} })).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example', parent: null })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
  });

  it('app:// never serves files outside the renderer folder', () => {
    const dir = '/opt/app/renderer';
    expect(resolveAppFile('app://healthtech/', dir, path.join, path.normalize)).toBe('/opt/app/renderer/index.html');
    expect(resolveAppFile('app://healthtech/assets/a.js', dir, path.join, path.normalize)).toBe('/opt/app/renderer/assets/a.js');
    // Dot segments (plain or percent-encoded) are resolved by the URL parser or refused here: the
    // answer is never a file outside the renderer folder.
    for (const url of ['app://healthtech/../../etc/passwd', 'app://healthtech/%2e%2e/%2e%2e/etc/passwd', 'app://healthtech/assets/..%2f..%2f..%2fetc/passwd']) {
      const file = resolveAppFile(url, dir, path.join, path.normalize);
      expect(file === null || file.startsWith(`${dir}/`)).toBe(true);
    }
  });
});

describe('the shell applies the policy (read from its source: Electron cannot run here)', () => {
  const main = readFileSync(path.resolve('electron/main/main.ts'), 'utf8');
  const preload = readFileSync(path.resolve('electron/preload.ts'), 'utf8');
  const ipc = readFileSync(path.resolve('electron/main/ipc.ts'), 'utf8');

  it('sandboxes every renderer, uses the secure preferences, serves app:// with the headers', () => {
    expect(main).toMatch(/app\.enableSandbox\(\)/);
    expect(main).toMatch(/webPreferences: secureWebPreferences\(/);
    expect(main).toMatch(/serveRenderer\(/);
    expect(main).toMatch(/loadURL\(`\$\{APP_ORIGIN\}\/index\.html`\)/);
  });

  it('denies navigation away, new windows, webviews and every permission', () => {
    expect(main).toMatch(/'will-navigate', \(event, url\) => \{\s*if \(!isAppUrl\(url\)\) event\.preventDefault\(\);/);
    expect(main).toMatch(/'will-redirect'/);
    expect(main).toMatch(/'will-attach-webview', \(event\) => event\.preventDefault\(\)/);
    expect(main).toMatch(/setWindowOpenHandler\(\(\) => \(\{ action: 'deny' \}\)\)/);
    expect(main).toMatch(/setPermissionRequestHandler\(\(_contents, _permission, callback\) => callback\(false\)\)/);
    expect(main).toMatch(/setPermissionCheckHandler\(\(\) => false\)/);
    expect(main).not.toMatch(/openExternal/);
  });

  it('checks the sender of every IPC request and exposes only the fixed bridge', () => {
    expect(ipc).toMatch(/if \(!isTrustedSender\(event\.senderFrame\)\)/);
    expect(preload).toMatch(/contextBridge\.exposeInMainWorld\('healthtech', bridge\)/);
    expect(preload).toMatch(/if \(!channels\.has\(channel\)\) return refuse/);
    expect(preload).not.toMatch(/ipcRenderer\.(send|sendSync)\(|exposeInMainWorld\('ipcRenderer'/);
  });
});
