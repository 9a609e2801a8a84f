/**
 * Serves the renderer from app://healthtech/ instead of file://, so the page has a real origin,
 * our security headers (CSP included), and cannot read other files on disk.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { protocol } from 'electron';
import { APP_SCHEME, SECURITY_HEADERS, resolveAppFile } from './securityPolicy';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/**
 * Every answer carries the security headers, errors included; a malformed URL is a 400, a path
 * outside the renderer folder or a missing file a 404, anything but GET or HEAD a 405.
 */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => answerAppRequest(request, rendererDir));
}

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS } });
}

export async function answerAppRequest(request: Pick<Request, 'url' | 'method'>, rendererDir: string): Promise<Response> {
  try {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed');
    const target = resolveAppFile(request.url, rendererDir, path.join, path.normalize);
    if (target.kind === 'bad_request') return plain(400, 'Bad request');
    if (target.kind === 'not_found') return plain(404, 'Not found');
    const body = await readFile(target.path);
    return new Response(request.method === 'HEAD' ? null : body, { headers: { 'Content-Type': TYPES[path.extname(target.path)] ?? 'application/octet-stream', ...SECURITY_HEADERS } });
  } catch {
    return plain(404, 'Not found');
  }
}
