/**
 * The end-to-end test bridge answers only the page it served: loopback, the right Host, no foreign
 * Origin, the start's token, JSON calls only, files only from inside the renderer folder. What a
 * web page open in another tab could send (a text/plain form post, a request with its own Origin,
 * a DNS-rebound Host) is refused before it reaches the handler table.
 */
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, TOKEN_HEADER, type RunningBridge } from '../../e2e/bridge/server';

let root: string;
let bridge: RunningBridge;
let port: number;

interface Answer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** A raw HTTP request, so Host, Origin and the rest are exactly what a test says. */
function request(method: string, pathname: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: pathname, headers: { Host: `127.0.0.1:${port}`, ...headers }, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const own = () => ({ Origin: `http://127.0.0.1:${port}`, 'Content-Type': 'application/json', [TOKEN_HEADER]: bridge.token });

function settingsPointingNowhere(dir: string): void {
  writeFileSync(
    path.join(dir, 'settings.json'),
    JSON.stringify({
      version: 1,
      database: { mode: 'server', server: { host: '127.0.0.1', port: 1, database: 'x', user: 'x', sslMode: 'disable', connectTimeoutSeconds: 2, applicationName: null, certificates: { rootCert: null, cert: null, key: null } } },
      schema: 'healthtech',
      dateOrder: 'auto',
      suspiciousPolicy: 'warn',
    }),
  );
}

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'bridge-guard-'));
  const rendererDir = path.join(root, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>');
  // A sibling whose name starts like the renderer folder's.
  mkdirSync(path.join(root, 'renderer-private'));
  writeFileSync(path.join(root, 'renderer-private', 'secret.txt'), 'private');
  const userDataDir = path.join(root, 'user-data');
  mkdirSync(userDataDir);
  settingsPointingNowhere(userDataDir);
  bridge = await startBridge({ userDataDir, rendererDir });
  port = Number(new URL(bridge.url).port);
});
afterAll(async () => {
  await bridge?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the e2e bridge', () => {
  it('listens on 127.0.0.1 and puts a fresh token in the page it serves, for that page only', async () => {
    expect(new URL(bridge.url).hostname).toBe('127.0.0.1');
    expect(bridge.token).toMatch(/^[0-9a-f]{64}$/);
    const page = await request('GET', '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain(`<meta name="healthtech-bridge-token" content="${bridge.token}">`);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(page.headers['access-control-allow-origin']).toBeUndefined();

    const other = await startBridge({ userDataDir: path.join(root, 'user-data'), rendererDir: path.join(root, 'renderer') });
    try {
      expect(other.token).not.toBe(bridge.token);
    } finally {
      await other.close();
    }
  });

  it('answers a call from its own page', async () => {
    const answer = await request('POST', '/__invoke/app/info', own(), '{}');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ ok: true, value: { version: 'test' } });
  });

  it('refuses what another page could send, before the handler table sees it', async () => {
    const before = bridge.logger.lines.length;
    const cases: [string, Record<string, string>, string, number][] = [
      ['no token', { ...own(), [TOKEN_HEADER]: '' }, '{}', 403],
      ['a wrong token', { ...own(), [TOKEN_HEADER]: '0'.repeat(64) }, '{}', 403],
      ['a form post as text/plain', { ...own(), 'Content-Type': 'text/plain' }, '{}', 415],
      ['a form post, urlencoded', { ...own(), 'Content-Type': 'application/x-www-form-urlencoded' }, 'a=1', 415],
      ['no content type', { Origin: own().Origin, [TOKEN_HEADER]: bridge.token }, '{}', 415],
      ['another Origin', { ...own(), Origin: 'https://evil.example' }, '{}', 403],
      ['a null Origin', { ...own(), Origin: 'null' }, '{}', 403],
      ['a cross-site fetch', { ...own(), 'Sec-Fetch-Site': 'cross-site' }, '{}', 403],
      ['a same-site fetch from another port', { ...own(), 'Sec-Fetch-Site': 'same-site' }, '{}', 403],
      ['a DNS-rebound Host', { ...own(), Host: `evil.example:${port}` }, '{}', 421],
      ['localhost instead of 127.0.0.1', { ...own(), Host: `localhost:${port}` }, '{}', 421],
      ['not JSON', own(), '{"unfinished', 400],
    ];
    for (const [name, headers, body, status] of cases) {
      const answer = await request('POST', '/__invoke/settings/save', headers, body);
      expect(answer.status, name).toBe(status);
      expect(answer.body, name).not.toMatch(/"ok"/);
    }
    expect(bridge.logger.lines.slice(before).filter((l) => l.message === 'handled' || l.message === 'request rejected')).toEqual([]);
    expect((await request('GET', '/__invoke/app/info', own())).status).toBe(405);
  });

  it('guards uploads and the event stream with the same token', async () => {
    const upload = { Origin: own().Origin, 'Content-Type': 'application/octet-stream', [TOKEN_HEADER]: bridge.token };
    expect((await request('POST', '/__upload?name=a.xlsx', { ...upload, [TOKEN_HEADER]: 'x' }, 'PK')).status).toBe(403);
    expect((await request('POST', '/__upload?name=a.xlsx', { ...upload, 'Content-Type': 'text/plain' }, 'PK')).status).toBe(415);
    const stored = await request('POST', '/__upload?name=../../a.xlsx', upload, 'PK');
    expect(stored.status).toBe(200);
    expect(path.dirname(path.dirname((JSON.parse(stored.body) as { path: string }).path))).toBe(path.join(root, 'user-data', 'uploads'));
    expect((await request('GET', '/__events')).status).toBe(403);
    expect((await request('GET', '/__events?token=nope')).status).toBe(403);
  });

  it('serves files only from inside the renderer folder', async () => {
    for (const url of ['/..%2frenderer-private/secret.txt', '/../renderer-private/secret.txt', '/%2e%2e/renderer-private/secret.txt', '/..%2f..%2fetc/passwd', '/index.html%00.js']) {
      const answer = await request('GET', url);
      expect([400, 404], url).toContain(answer.status);
      expect(answer.body, url).not.toContain('private');
    }
    expect((await request('GET', '/%E0%A4%A')).status).toBe(400);
    expect((await request('GET', '/index.html')).status).toBe(200);
  });
});
