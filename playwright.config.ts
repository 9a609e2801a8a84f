import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests of the renderer.
 * - `bridge`: the built renderer in Debian's Chromium, talking over HTTP to the same handler table
 *   the Electron main process registers, with a real embedded PostgreSQL per test.
 * - `electron`: the same specs against the real Electron app, where its binary is present
 *   (skipped with a printed reason where it cannot be downloaded).
 */
export default defineConfig({
  testDir: 'e2e/specs',
  outputDir: 'test-results/e2e',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    viewport: { width: 1360, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'bridge', metadata: { shell: 'bridge' } },
    { name: 'electron', metadata: { shell: 'electron' } },
  ],
});
