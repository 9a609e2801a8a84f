/**
 * The security policy's pure parts: the window preferences, the CSP text, which URLs and frames
 * are ours, and how app:// URLs map to files. That the shell applies them is shown by running it
 * (shell.test.ts), not by reading its source.
 */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, isAppUrl, isTrustedSender, resolveAppFile, secureWebPreferences } from './securityPolicy';

describe('window security', () => {
  it('context isolation, sandbox, no Node in the renderer, web security on, no webview; DevTools only when asked', () => {
    expect(secureWebPreferences('/x/preload.cjs', { devTools: false })).toMatchObject({
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
      devTools: false,
    });
    expect(secureWebPreferences('/x/preload.cjs', { devTools: true }).devTools).toBe(true);
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

  it('app:// never serves files outside the renderer folder, and a malformed URL is a bad request', () => {
    const dir = '/opt/app/renderer';
    const resolve = (url: string) => resolveAppFile(url, dir, path.join, path.normalize);
    expect(resolve('app://healthtech/')).toEqual({ kind: 'file', path: '/opt/app/renderer/index.html' });
    expect(resolve('app://healthtech/assets/a.js')).toEqual({ kind: 'file', path: '/opt/app/renderer/assets/a.js' });
    // Dot segments (plain or percent-encoded) are resolved by the URL parser or refused here: the
    // answer is never a file outside the renderer folder.
    for (const url of ['app://healthtech/../../etc/passwd', 'app://healthtech/%2e%2e/%2e%2e/etc/passwd', 'app://healthtech/assets/..%2f..%2f..%2fetc/passwd', 'app://healthtech/..%5c..%5cwindows']) {
      const file = resolve(url);
      expect(file.kind === 'not_found' || (file.kind === 'file' && file.path.startsWith(`${dir}/`)), url).toBe(true);
    }
    expect(resolve('app://healthtech/%E0%A4%A')).toEqual({ kind: 'bad_request' });
    expect(resolve('app://healthtech/%')).toEqual({ kind: 'bad_request' });
    expect(resolve('app://healthtech/a%00.js')).toEqual({ kind: 'bad_request' });
    expect(resolve('not a url')).toEqual({ kind: 'bad_request' });
    expect(resolve('app://other/index.html')).toEqual({ kind: 'not_found' });
  });
});
