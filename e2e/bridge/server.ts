/**
 * The end-to-end test bridge: serves the built renderer to a real browser and answers its calls
 * with the same handler table the Electron main process registers (createApp + dispatch), over
 * HTTP and server-sent events. Only the shell differs: dialogs are scripted and secrets use a
 * test store (see test/support/nodePlatform.ts).
 *
 * It is test-only (never packaged: test/packaging/shippedFiles.test.ts), and while it runs it
 * answers only the page it served, so another web page open on the machine cannot drive it:
 * - it listens on 127.0.0.1 and answers only loopback peers whose Host is 127.0.0.1:<port>
 *   (no DNS rebinding);
 * - every call carries a random token made at each start, which only the served page knows (it
 *   is in index.html, which another origin cannot read); events take it as a query parameter;
 * - a request with an Origin (or Sec-Fetch-Site) from anywhere else is refused;
 * - calls are `application/json` only (a cross-site form can post text/plain without asking),
 *   uploads `application/octet-stream` only, both with a size cap;
 * - static files come only from inside the renderer folder (checked with the separator).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build } from 'esbuild';
import { CHANNEL_NAMES } from '../../shared/channelNames';
import type { EventName, Events } from '../../shared/contract';
import { createApp, type App } from '../../electron/app/createApp';
import { dispatch } from '../../electron/app/dispatch';
import { MemoryLogger } from '../../electron/etl/logger';
import { SECURITY_HEADERS } from '../../electron/main/securityPolicy';
import { setWorkerScript } from '../../electron/etl/worker/runInWorker';
import { nodePlatform } from '../../test/support/nodePlatform';

/** This file is bundled to dist/e2e/, two folders below the project. */
const ROOT = path.resolve(__dirname, '..', '..');

/** The header (and, for the event stream, the query parameter) that carries the start's token. */
export const TOKEN_HEADER = 'x-bridge-token';
const MAX_JSON_BYTES = 1024 * 1024;
const MAX_UPLOAD_BYTES = 256 * 1024 * 1024;

class Refused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface BridgeOptions {
  userDataDir: string;
  rendererDir?: string;
  secretsAvailable?: boolean;
  port?: number;
}

export interface RunningBridge {
  url: string;
  app: App;
  platform: ReturnType<typeof nodePlatform>;
  logger: MemoryLogger;
  events: { event: EventName; payload: unknown }[];
  /** This start's token (tests that call the bridge directly need it). */
  token: string;
  close(): Promise<void>;
}

let clientScript: Promise<string> | undefined;
function bridgeClient(): Promise<string> {
  clientScript ??= build({ entryPoints: [path.join(ROOT, 'e2e', 'bridge', 'client.ts')], bundle: true, write: false, format: 'iife', target: 'chrome120' }).then(
    (result) => result.outputFiles[0]?.text ?? '',
  );
  return clientScript;
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2' };

export async function startBridge(options: BridgeOptions): Promise<RunningBridge> {
  const rendererDir = path.resolve(options.rendererDir ?? path.join(ROOT, 'dist', 'renderer'));
  // The preview runs in the ETL worker bundle the app uses.
  setWorkerScript(path.join(ROOT, 'dist', 'node', 'etl-worker.cjs'));
  const token = randomBytes(32).toString('hex');
  const platform = nodePlatform(options.userDataDir, { secretsAvailable: options.secretsAvailable ?? true });
  const logger = new MemoryLogger();
  const streams = new Set<ServerResponse>();
  const events: RunningBridge['events'] = [];
  const emit = <E extends EventName>(event: E, payload: Events[E]) => {
    events.push({ event, payload });
    const data = `data: ${JSON.stringify({ event, payload })}\n\n`;
    for (const stream of streams) stream.write(data);
  };
  const app = await createApp(platform, emit, logger);
  const uploads = path.join(options.userDataDir, 'uploads');

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const status = error instanceof Refused ? error.status : 500;
      if (!response.headersSent) response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
      response.end(error instanceof Refused ? error.message : 'Internal error');
    });
  });
  let origin = '';

  /** Who may talk to the bridge at all: a loopback peer asking for 127.0.0.1:<port>, from our page. */
  function checkCaller(request: IncomingMessage): void {
    const peer = request.socket.remoteAddress ?? '';
    if (peer !== '127.0.0.1' && peer !== '::ffff:127.0.0.1') throw new Refused(403, 'loopback only');
    if (request.headers.host !== new URL(origin).host) throw new Refused(421, 'wrong Host');
    const from = request.headers.origin;
    if (from !== undefined && from !== origin) throw new Refused(403, 'wrong Origin');
    const site = request.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new Refused(403, 'cross-site request');
  }

  function checkToken(given: string | string[] | null | undefined): void {
    const value = Buffer.from(typeof given === 'string' ? given : '');
    const expected = Buffer.from(token);
    if (value.length !== expected.length || !timingSafeEqual(value, expected)) throw new Refused(403, 'missing or wrong token');
  }

  function checkType(request: IncomingMessage, type: string): void {
    const given = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (given !== type) throw new Refused(415, `${type} only`);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    checkCaller(request);
    const url = new URL(request.url ?? '/', origin);
    if (url.pathname.startsWith('/__invoke/')) {
      if (request.method !== 'POST') throw new Refused(405, 'POST only');
      checkToken(request.headers[TOKEN_HEADER]);
      checkType(request, 'application/json');
      const channel = url.pathname.slice('/__invoke/'.length);
      const body = await readBody(request, MAX_JSON_BYTES);
      let parsed: unknown;
      try {
        parsed = body.length ? JSON.parse(body.toString('utf8')) : {};
      } catch {
        throw new Refused(400, 'not JSON');
      }
      const known = (CHANNEL_NAMES as readonly string[]).includes(channel);
      const result = await dispatch(app.handlers, known ? channel : `unknown:${channel}`, parsed, logger);
      return json(response, result);
    }
    if (url.pathname === '/__upload') {
      if (request.method !== 'POST') throw new Refused(405, 'POST only');
      checkToken(request.headers[TOKEN_HEADER]);
      checkType(request, 'application/octet-stream');
      const name = path.basename(url.searchParams.get('name') ?? 'upload.xlsx');
      const folder = path.join(uploads, randomBytes(6).toString('hex'));
      await mkdir(folder, { recursive: true });
      const file = path.join(folder, name);
      await writeFile(file, await readBody(request, MAX_UPLOAD_BYTES));
      return json(response, { path: file });
    }
    if (url.pathname === '/__events') {
      checkToken(url.searchParams.get('token'));
      response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
      response.write(': connected\n\n');
      streams.add(response);
      request.on('close', () => streams.delete(response));
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') throw new Refused(405, 'GET only');
    if (url.pathname === '/__bridge.js') {
      response.writeHead(200, { 'Content-Type': 'text/javascript', ...SECURITY_HEADERS });
      response.end(await bridgeClient());
      return;
    }
    let relative: string;
    try {
      relative = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
    } catch {
      throw new Refused(400, 'malformed URL');
    }
    const file = path.normalize(path.join(rendererDir, relative));
    // With the separator: /x/renderer-evil must not pass for /x/renderer.
    if (!file.startsWith(`${rendererDir}${path.sep}`) || relative.includes('\0')) throw new Refused(404, 'Not found');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      throw new Refused(404, 'Not found');
    }
    if (relative === 'index.html') {
      // The bridge client must exist before the app's module script runs; the token is for this
      // page only (a page of another origin cannot read this response).
      body = Buffer.from(body.toString('utf8').replace('<head>', `<head>\n    <meta name="healthtech-bridge-token" content="${token}">\n    <script src="/__bridge.js"></script>`));
    }
    response.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', ...SECURITY_HEADERS });
    response.end(body);
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: origin,
    app,
    platform,
    logger,
    events,
    token,
    async close() {
      for (const stream of streams) stream.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await app.shutdown();
    },
  };
}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Refused(413, 'too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function json(response: ServerResponse, value: unknown): void {
  response.writeHead(200, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(value));
}
