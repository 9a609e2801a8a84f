/**
 * Playwright fixtures: every test gets its own data folder (so its own settings and its own
 * embedded PostgreSQL) and an app that has signalled it is ready (body[data-app-ready]), either
 * the built renderer in Debian's Chromium over the test bridge, or the real Electron app.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, chromium, test as base, type Browser, type ElectronApplication, type Page } from '@playwright/test';
import { startBridge, type RunningBridge } from './bridge/server';

export const ROOT = path.resolve(__dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface AppHandle {
  shell: 'bridge' | 'electron';
  page: Page;
  userDataDir: string;
  /** The next "Choose files…" dialog returns these paths. */
  queueOpenDialog(paths: string[]): Promise<void>;
  /** The next save dialog returns this path (null: cancelled). */
  queueSaveDialog(file: string | null): Promise<void>;
  /** A connection string to the app's embedded database, for checks from outside the app. */
  databaseUrl(): Promise<string>;
  /** Kills the embedded PostgreSQL server (as a crash would). */
  killDatabase(): Promise<void>;
  bridge?: RunningBridge;
}

function electronBinary(): string | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const binary = require('electron') as unknown;
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
    const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'healthtech-e2e-'));
    const killDatabase = async () => {
      const { pid } = await readDatabaseInfo(userDataDir);
      process.kill(pid, 'SIGKILL');
    };
    try {
      if (testInfo.project.name === 'electron') {
        const binary = electronBinary();
        if (!binary) {
          skipWithReason(test.skip, 'Electron binary not available (it is downloaded on first `npm start`; this machine cannot download it). The same specs ran in Chromium over the bridge.');
          return;
        }
        const electronApp: ElectronApplication = await electron.launch({ executablePath: binary, args: [ROOT], env: { ...process.env, HEALTHTECH_USER_DATA: userDataDir } as Record<string, string> });
        const page = await electronApp.firstWindow();
        await page.waitForSelector('body[data-app-ready="true"]');
        await use({
          shell: 'electron',
          page,
          userDataDir,
          async queueOpenDialog(paths) {
            await electronApp.evaluate(({ dialog }, chosen) => {
              dialog.showOpenDialog = (async () => ({ canceled: chosen.length === 0, filePaths: chosen })) as typeof dialog.showOpenDialog;
            }, paths);
          },
          async queueSaveDialog(file) {
            await electronApp.evaluate(({ dialog }, chosen) => {
              dialog.showSaveDialog = (async () => ({ canceled: chosen === null, filePath: chosen ?? '' })) as typeof dialog.showSaveDialog;
            }, file);
          },
          databaseUrl: async () => (await readDatabaseInfo(userDataDir)).url,
          killDatabase,
        });
        await electronApp.close();
        return;
      }
      if (!browser) {
        skipWithReason(test.skip, `Chromium not found at ${CHROMIUM} (install Debian's chromium package, or set CHROMIUM_PATH).`);
        return;
      }
      const bridge = await startBridge({ userDataDir });
      const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
      const page = await context.newPage();
      const cspViolations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
      });
      await page.goto(bridge.url);
      await page.waitForSelector('body[data-app-ready="true"]');
      await use({
        shell: 'bridge',
        page,
        userDataDir,
        bridge,
        async queueOpenDialog(paths) {
          bridge.platform.scripted.open.push(paths);
        },
        async queueSaveDialog(file) {
          bridge.platform.scripted.save.push(file);
        },
        databaseUrl: async () => (await readDatabaseInfo(userDataDir)).url,
        killDatabase,
      });
      await context.close();
      await bridge.close();
      // The page must never have been blocked by its own Content-Security-Policy.
      if (cspViolations.length > 0) throw new Error(`CSP violations:\n${cspViolations.join('\n')}`);
    } finally {
      await rm(userDataDir, { recursive: true, force: true }).catch(() => undefined);
    }
  },
});

export { expect } from '@playwright/test';
