/**
 * Playwright fixtures: every test gets its own data folder (so its own settings and its own
 * embedded PostgreSQL) and an app that has signalled it is ready (body[data-app-ready]), either
 * the built renderer in Debian's Chromium over the test bridge, or the real Electron app.
 *
 * The bridge runs in this test process. Playwright loads this package's TypeScript as ES modules
 * (package.json has "type": "module"), where the main-process code's `__dirname` does not exist,
 * so the bridge is bundled to CommonJS into dist/e2e (two folders below the project, like the
 * app's bundles, so the samples and the ETL worker are found the same way; a folder no packaging
 * rule names) and required from there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, chromium, test as base, type Browser, type BrowserContext, type ElectronApplication, type Page } from '@playwright/test';
import { build, type Plugin } from 'esbuild';
import type * as BridgeServer from './bridge/server';
import type { RunningBridge } from './bridge/server';

export const ROOT = path.resolve(import.meta.dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const requireHere = createRequire(import.meta.url);

export interface AppHandle {
  shell: 'bridge' | 'electron';
  /** The app's window (a new one after `restart()`). */
  readonly page: Page;
  userDataDir: string;
  /** The next "Choose files…" dialog returns these paths. */
  queueOpenDialog(paths: string[]): Promise<void>;
  /** The next save dialog returns this path (null: cancelled). */
  queueSaveDialog(file: string | null): Promise<void>;
  /** The next certificate dialog (Settings, "Choose…") returns this path (null: cancelled). */
  queueCertificateDialog(file: string | null): Promise<void>;
  /** A connection string to the app's embedded database, for checks from outside the app. */
  databaseUrl(): Promise<string>;
  /** Kills the embedded PostgreSQL server (as a crash would). */
  killDatabase(): Promise<void>;
  /**
   * Quits the app and starts it again on the same user-data folder; resolves when it is ready.
   * The window's browser storage (localStorage) is kept, as Electron keeps it in that folder.
   */
  restart(): Promise<Page>;
  /** The running bridge (bridge shell only). */
  readonly bridge: RunningBridge | undefined;
}

function electronBinary(): string | null {
  try {
    // The electron package exports the binary's path, and throws when it was never downloaded.
    const binary = requireHere('electron') as unknown;
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const printed = new Set<string>();
function skipWithReason(skip: (condition: boolean, reason: string) => void, reason: string): void {
  if (!printed.has(reason)) {
    printed.add(reason);
    process.stdout.write(`e2e: skipped: ${reason}\n`);
  }
  skip(true, reason);
}

async function readDatabaseInfo(userDataDir: string): Promise<{ url: string; pid: number }> {
  const dataDir = path.join(userDataDir, 'postgres');
  const credentials = JSON.parse(await readFile(path.join(dataDir, 'credentials.json'), 'utf8')) as { user: string; password: string };
  const lock = (await readFile(path.join(dataDir, 'pgdata', 'postmaster.pid'), 'utf8')).split('\n');
  const pid = Number(lock[0]);
  const port = Number(lock[3]);
  return { url: `postgresql://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/postgres`, pid };
}

/**
 * A safety net for failed tests: if a postmaster still runs on this test's data folder after the
 * app was closed, kill it, so no test leaves a server behind.
 */
function killLeftoverServer(userDataDir: string): void {
  const lockFile = path.join(userDataDir, 'postgres', 'pgdata', 'postmaster.pid');
  if (!existsSync(lockFile)) return;
  const pid = Number(readFileSync(lockFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (command.includes(userDataDir)) process.kill(pid, 'SIGKILL');
  } catch {
    // Not running (or not on Linux): nothing to do.
  }
}

/** `import text from './file.sql?raw'` embeds the file as a string, as Vite and scripts/build-node.mjs do. */
const rawText: Plugin = {
  name: 'raw-text',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /\?raw$/ }, (args) => ({ path: path.resolve(args.resolveDir, args.path.replace(/\?raw$/, '')), namespace: 'raw-text' }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'raw-text' }, (args) => ({ contents: readFileSync(args.path, 'utf8'), loader: 'text' }));
  },
};

let bridgeModule: Promise<typeof BridgeServer> | undefined;
function loadBridgeModule(): Promise<typeof BridgeServer> {
  bridgeModule ??= (async () => {
    // The bridge serves the built renderer, and the preview runs in the built ETL worker.
    for (const built of [path.join(ROOT, 'dist', 'renderer', 'index.html'), path.join(ROOT, 'dist', 'node', 'etl-worker.cjs')]) {
      if (!existsSync(built)) throw new Error(`${path.relative(ROOT, built)} is missing: run \`npm run build\` before the end-to-end tests.`);
    }
    const outfile = path.join(ROOT, 'dist', 'e2e', 'e2e-bridge.cjs');
    await build({
      entryPoints: [path.join(ROOT, 'e2e', 'bridge', 'server.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      packages: 'external',
      sourcemap: 'inline',
      logLevel: 'warning',
      plugins: [rawText],
      define: { __APP_VERSION__: JSON.stringify('e2e') },
    });
    return requireHere(outfile) as typeof BridgeServer;
  })();
  return bridgeModule;
}

/**
 * Closing the app while its embedded database is still starting (a short test can end within
 * the seconds initdb takes) lets that start finish after the app stopped, leaving a server behind
 * in a folder about to be removed: DatabaseManager.stop() does not wait for a start in flight. So
 * the fixture waits until the start has an outcome before it closes the app.
 */
async function waitWhileDatabaseStarts(state: () => string | Promise<string>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await state()) === 'starting' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}

/** One run of the app: its window, and how to close it. */
interface Session {
  page: Page;
  bridge?: RunningBridge;
  electronApp?: ElectronApplication;
  close(): Promise<void>;
}

/**
 * Console messages that say the page was blocked by its own Content-Security-Policy ("Refused to
 * … because it violates the following Content Security Policy directive …"). Chromium's notice
 * that `frame-ancestors` is ignored in a <meta> policy is not a violation (the header sets it).
 */
function watchCsp(page: Page, violations: string[]): void {
  page.on('console', (message) => {
    if (/violates the following Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
}

/** What the browser keeps for the app's origin (localStorage): Electron keeps it in the user-data folder. */
type BrowserStorage = Awaited<ReturnType<BrowserContext['storageState']>>;

/**
 * The storage a previous run of the bridge left, moved to the new bridge's origin (each start
 * listens on a new port): a restarted app finds its localStorage as Electron's would.
 */
function storageFor(origin: string, saved: BrowserStorage | undefined): BrowserStorage | undefined {
  if (!saved) return undefined;
  return { cookies: [], origins: saved.origins.map((entry) => ({ ...entry, origin })) };
}

async function startBridgeSession(browser: Browser, userDataDir: string, violations: string[], storage: { saved?: BrowserStorage }): Promise<Session> {
  const { startBridge } = await loadBridgeModule();
  const bridge = await startBridge({ userDataDir });
  let context: BrowserContext | undefined;
  try {
    const storageState = storageFor(new URL(bridge.url).origin, storage.saved);
    context = await browser.newContext({ viewport: { width: 1360, height: 900 }, ...(storageState ? { storageState } : {}) });
    const page = await context.newPage();
    watchCsp(page, violations);
    await page.goto(bridge.url);
    await page.waitForSelector('body[data-app-ready="true"]');
    const opened = context;
    return {
      page,
      bridge,
      async close() {
        storage.saved = (await opened.storageState().catch(() => undefined)) ?? storage.saved;
        await opened.close().catch(() => undefined);
        await waitWhileDatabaseStarts(() => bridge.app.database.status().state);
        await bridge.close();
      },
    };
  } catch (error) {
    await context?.close().catch(() => undefined);
    await bridge.close().catch(() => undefined);
    throw error;
  }
}

async function startElectronSession(binary: string, userDataDir: string, violations: string[]): Promise<Session> {
  const electronApp = await electron.launch({ executablePath: binary, args: [ROOT], env: { ...process.env, HEALTHTECH_USER_DATA: userDataDir } as Record<string, string> });
  try {
    const page = await electronApp.firstWindow();
    watchCsp(page, violations);
    await page.waitForSelector('body[data-app-ready="true"]');
    return {
      page,
      electronApp,
      async close() {
        await waitWhileDatabaseStarts(async () => (await page.getByTestId('db-status').getAttribute('data-state').catch(() => null)) ?? 'closed');
        await electronApp.close();
      },
    };
  } catch (error) {
    await electronApp.close().catch(() => undefined);
    throw error;
  }
}

export const test = base.extend<{ app: AppHandle }, { browser: Browser }>({
  browser: [
    async ({ playwright: _playwright }, use, workerInfo) => {
      if (workerInfo.project.name !== 'bridge' || !existsSync(CHROMIUM)) {
        await use(undefined as unknown as Browser);
        return;
      }
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      await use(browser);
      await browser.close();
    },
    { scope: 'worker' },
  ],

  app: async ({ browser }, use, testInfo) => {
    let start: () => Promise<Session>;
    const shell = testInfo.project.name === 'electron' ? 'electron' : 'bridge';
    const violations: string[] = [];
    if (shell === 'electron') {
      const binary = electronBinary();
      if (!binary) {
        skipWithReason(test.skip, 'Electron binary not available (it is downloaded on first `npm start`; this machine cannot download it). The same specs ran in Chromium over the bridge.');
        return;
      }
      start = () => startElectronSession(binary, userDataDirOf(), violations);
    } else {
      if (!browser) {
        skipWithReason(test.skip, `Chromium not found at ${CHROMIUM} (install Debian's chromium package, or set CHROMIUM_PATH).`);
        return;
      }
      // Kept across restarts, as the browser storage in Electron's user-data folder is.
      const storage: { saved?: BrowserStorage } = {};
      start = () => startBridgeSession(browser, userDataDirOf(), violations, storage);
    }

    const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'healthtech-e2e-'));
    function userDataDirOf(): string {
      return userDataDir;
    }
    let session: Session | undefined;
    try {
      session = await start();
      const handle: AppHandle = {
        shell,
        userDataDir,
        get page() {
          if (!session) throw new Error('The app is not running (a restart failed).');
          return session.page;
        },
        get bridge() {
          return session?.bridge;
        },
        async queueOpenDialog(paths) {
          if (session?.electronApp) {
            await session.electronApp.evaluate(({ dialog }, chosen) => {
              dialog.showOpenDialog = (async () => ({ canceled: chosen.length === 0, filePaths: chosen })) as typeof dialog.showOpenDialog;
            }, paths);
          } else session?.bridge?.platform.scripted.open.push(paths);
        },
        async queueCertificateDialog(file) {
          if (session?.electronApp) {
            await session.electronApp.evaluate(({ dialog }, chosen) => {
              dialog.showOpenDialog = (async () => ({ canceled: chosen === null, filePaths: chosen === null ? [] : [chosen] })) as typeof dialog.showOpenDialog;
            }, file);
          } else session?.bridge?.platform.scripted.certificate.push(file);
        },
        async queueSaveDialog(file) {
          if (session?.electronApp) {
            await session.electronApp.evaluate(({ dialog }, chosen) => {
              dialog.showSaveDialog = (async () => ({ canceled: chosen === null, filePath: chosen ?? '' })) as typeof dialog.showSaveDialog;
            }, file);
          } else session?.bridge?.platform.scripted.save.push(file);
        },
        databaseUrl: async () => (await readDatabaseInfo(userDataDir)).url,
        async killDatabase() {
          const { pid } = await readDatabaseInfo(userDataDir);
          process.kill(pid, 'SIGKILL');
        },
        async restart() {
          const previous = session;
          session = undefined;
          await previous?.close();
          session = await start();
          return session.page;
        },
      };
      await use(handle);
    } finally {
      await session?.close().catch((error: unknown) => process.stdout.write(`e2e: closing the app failed: ${String(error)}\n`));
      killLeftoverServer(userDataDir);
      await rm(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }).catch((error: unknown) => process.stdout.write(`e2e: could not remove ${userDataDir}: ${String(error)}\n`));
    }
    // The page must never have been blocked by its own Content-Security-Policy.
    if (violations.length > 0) throw new Error(`CSP violations:\n${violations.join('\n')}`);
  },
});

export { expect } from '@playwright/test';
