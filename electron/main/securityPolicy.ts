/**
 * The window's security settings and checks, kept free of Electron imports so tests can hold
 * them to the checklist (https://www.electronjs.org/docs/latest/tutorial/security): a test
 * fails if any of these is switched off.
 */

/** The renderer is served from this private scheme (not file://), with the headers below. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'healthtech';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** No remote code, no inline script, no eval, no plugins, no framing, no form posts elsewhere. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  // React, the charts and the virtual lists set styles through the CSSOM, which CSP allows; no
  // inline <style> or style="" markup, no stylesheets from elsewhere.
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * The webPreferences of every window. DevTools only in development: a packaged app has no way
 * to open them (no menu item, no shortcut).
 */
export function secureWebPreferences(preload: string, { devTools }: { devTools: boolean }) {
  return {
    preload,
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
    safeDialogs: true,
    spellcheck: false,
    // Middle-click would otherwise try to open links in new windows.
    disableBlinkFeatures: 'Auxclick',
    devTools,
  };
}

/** Only our own pages may run in the window; everything else is refused. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** IPC is answered only for our own top-level page. */
export function isTrustedSender(frame: { url: string; parent: unknown } | null | undefined): boolean {
  return !!frame && frame.parent === null && isAppUrl(frame.url);
}

export type AppFile = { kind: 'file'; path: string } | { kind: 'not_found' } | { kind: 'bad_request' };

/**
 * Maps an app:// URL to a file inside the renderer folder, refusing anything that escapes it.
 * Never throws: a URL that is not one, or whose percent-encoding is malformed, is a bad request.
 */
export function resolveAppFile(url: string, rendererDir: string, join: (...parts: string[]) => string, normalize: (p: string) => string): AppFile {
  let pathname: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return { kind: 'not_found' };
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return { kind: 'bad_request' };
  }
  if (pathname.includes('\0')) return { kind: 'bad_request' };
  if (pathname === '/' || pathname === '') pathname = '/index.html';
  const full = normalize(join(rendererDir, pathname));
  const root = normalize(rendererDir.endsWith('/') || rendererDir.endsWith('\\') ? rendererDir : `${rendererDir}/`);
  return full.startsWith(root) ? { kind: 'file', path: full } : { kind: 'not_found' };
}
