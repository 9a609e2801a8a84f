/**
 * The end-to-end test bridge: serves the built renderer to a real browser and answers its calls
 * with the same handler table the Electron main process registers (createApp + dispatch), over
 * HTTP and server-sent events. Only the shell differs: dialogs are scripted and secrets use a
 * test store (see test/support/nodePlatform.ts).
 */
import { randomBytes } from 'node:crypto';
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
import { nodePlatform } from '../../test/support/nodePlatform';

const ROOT = path.resolve(__dirname, '..', '..');

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
  const rendererDir = options.rendererDir ?? path.join(ROOT, 'dist', 'renderer');
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
      response.writeHead(500, { 'Content-Type': 'text/plain' });
      response.end(String(error));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://bridge');
    if (request.method === 'POST' && url.pathname.startsWith('/__invoke/')) {
      const channel = url.pathname.slice('/__invoke/'.length);
      const body = await readBody(request);
      const known = (CHANNEL_NAMES as readonly string[]).includes(channel);
      const result = await dispatch(app.handlers, known ? channel : `unknown:${channel}`, body.length ? JSON.parse(body.toString('utf8')) : {}, logger);
      return json(response, result);
    }
    if (request.method === 'POST' && url.pathname === '/__upload') {
      const name = path.basename(url.searchParams.get('name') ?? 'upload.xlsx');
      const folder = path.join(uploads, randomBytes(6).toString('hex'));
      await mkdir(folder, { recursive: true });
      const file = path.join(folder, name);
      await writeFile(file, await readBody(request));
      return json(response, { path: file });
    }
    if (url.pathname === '/__events') {
      response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
      response.write(': connected\n\n');
      streams.add(response);
      request.on('close', () => streams.delete(response));
      return;
    }
    if (url.pathname === '/__bridge.js') {
      response.writeHead(200, { 'Content-Type': 'text/javascript', ...SECURITY_HEADERS });
      response.end(await bridgeClient());
      return;
    }
    const relative = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
    const file = path.normalize(path.join(rendererDir, relative));
    if (!file.startsWith(rendererDir)) {
      response.writeHead(404).end();
      return;
    }
    try {
      let body = await readFile(file);
      if (relative === 'index.html') {
        // The bridge client must exist before the app's module script runs.
        body = Buffer.from(body.toString('utf8').replace('<head>', '<head>\n    <script src="/__bridge.js"></script>'));
      }
      response.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', ...SECURITY_HEADERS });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    platform,
    logger,
    events,
    async close() {
      for (const stream of streams) stream.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await app.shutdown();
    },
  };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function json(response: ServerResponse, value: unknown): void {
  response.writeHead(200, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(value));
}
