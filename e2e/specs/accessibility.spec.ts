/**
 * An accessibility scan (axe-core) of every screen in its useful state: Import (empty, with a
 * file problem, filled), Preview (each tab), the Load confirmation dialog, the Load result with
 * the data-lake export (no target yet; exported), a failed load with the database down (Reconnect
 * offered), History (empty, with a run), the Dashboard (empty; loaded; filtered by a doctor with
 * the doctor picker open; the business questions open; the drill-through dialog) and Settings
 * (both database modes, a data-lake target). No violation of impact "serious" or "critical" is
 * allowed; the full results of every scan are attached to the test.
 *
 * The screens are scanned in four tests, one per stage of the app, rather than one: a full-page
 * scan takes 2–17 s on the shared 2-core machine, and twenty of them in one test ran past the
 * test's time limit before the last screens were reached.
 */
import AxeBuilder from '@axe-core/playwright';
import { mkdir } from 'node:fs/promises';
import type { TestInfo } from '@playwright/test';
import { expect, test, type AppHandle } from '../fixtures';
import { writeUnrelatedWorkbook } from '../fixtures/workbooks';
import { DashboardPage } from '../pages/dashboardPage';
import { HistoryPage } from '../pages/historyPage';
import { ImportPage } from '../pages/importPage';
import { LakeExportPage } from '../pages/lakeExportPage';
import { LoadPage } from '../pages/loadPage';
import { PreviewPage, type DetailTab } from '../pages/previewPage';
import { SettingsPage } from '../pages/settingsPage';

const BLOCKING = new Set(['serious', 'critical']);

/** Scans the page as it is now, attaches the results, and checks them softly (all screens get scanned). */
async function scan(app: AppHandle, testInfo: TestInfo, name: string, include?: string): Promise<void> {
  let builder = new AxeBuilder({ page: app.page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']);
  if (include) builder = builder.include(include);
  const started = Date.now();
  const results = await builder.analyze();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  await testInfo.attach(`axe-${name}.json`, { body: JSON.stringify(results, null, 2), contentType: 'application/json' });
  const blocking = results.violations
    .filter((violation) => BLOCKING.has(violation.impact ?? ''))
    .map((violation) => `${violation.impact} ${violation.id}: ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).slice(0, 5).join(', ')}`);
  const others = results.violations.filter((violation) => !BLOCKING.has(violation.impact ?? '')).map((violation) => `${violation.id} (${violation.impact}, ${violation.nodes.length})`);
  console.log(`axe ${name} (${seconds} s): ${results.passes.length} rules pass, ${blocking.length} serious/critical${others.length ? `; below serious: ${others.join(', ')}` : ''}`);
  expect.soft(blocking, `serious or critical axe violations on ${name}`).toEqual([]);
}

const TABS: DetailTab[] = ['Rejected rows', 'Fixes', 'Placeholder doctors', 'Duplicates', 'Suspicious dates'];

/** The sample workbooks previewed and loaded, as an analyst would: ends on the Load result. */
async function loadSampleData(app: AppHandle): Promise<void> {
  const preview = new PreviewPage(app);
  const load = new LoadPage(app);
  await load.expectDatabase('ready');
  await new ImportPage(app).trySampleData();
  await preview.waitForResult();
  await preview.startLoad();
  await load.plannedChanges();
  await load.confirm();
  await load.summary();
}

test('the screens before anything is loaded pass an axe scan', async ({ app }, testInfo) => {
  const importPage = new ImportPage(app);
  const history = new HistoryPage(app);
  const dashboard = new DashboardPage(app);
  const settings = new SettingsPage(app);

  await importPage.expectDatabase('ready');
  await test.step('Import (empty)', () => scan(app, testInfo, 'import'));
  await test.step('History (no runs yet)', async () => {
    await history.open();
    await expect(history.emptyState).toBeVisible();
    await scan(app, testInfo, 'history-empty');
  });
  await test.step('Dashboard (nothing loaded yet)', async () => {
    await dashboard.open();
    await expect(dashboard.emptyState).toBeVisible();
    await scan(app, testInfo, 'dashboard-empty');
  });
  await test.step('Import (a file that cannot be used)', async () => {
    await importPage.open();
    await importPage.dropFiles([await writeUnrelatedWorkbook(testInfo.outputPath('staff rota.xlsx'))]);
    await expect(importPage.fileProblems).toBeVisible();
    await scan(app, testInfo, 'import-problem');
  });
  await test.step('Settings (embedded, a data-lake target, then server)', async () => {
    await settings.open();
    await scan(app, testInfo, 'settings');
    await settings.setLakeTarget({ parquetDir: testInfo.outputPath('lake'), s3Url: 's3://healthtech-lake/exports' });
    await scan(app, testInfo, 'settings-lake-target');
    await settings.useServer('postgresql://analyst@127.0.0.1:1/healthtech');
    await scan(app, testInfo, 'settings-server');
  });
});

test('the preview tabs pass an axe scan', async ({ app }, testInfo) => {
  const importPage = new ImportPage(app);
  const preview = new PreviewPage(app);

  await importPage.expectDatabase('ready');
  await importPage.trySampleData();
  await preview.waitForResult();
  for (const tab of TABS) {
    await test.step(`Preview, tab ${tab}`, async () => {
      await preview.showTab(tab);
      await expect(preview.tableOf(tab)).toHaveAttribute('aria-busy', 'false');
      await scan(app, testInfo, `preview-${tab.toLowerCase().replace(/\s+/g, '-')}`);
    });
  }
  await test.step('Import (both files in place)', async () => {
    await importPage.open();
    await scan(app, testInfo, 'import-filled');
  });
});

test('the load, the data-lake export and history pass an axe scan', async ({ app }, testInfo) => {
  const importPage = new ImportPage(app);
  const preview = new PreviewPage(app);
  const load = new LoadPage(app);
  const lake = new LakeExportPage(app);
  const history = new HistoryPage(app);
  const settings = new SettingsPage(app);

  await load.expectDatabase('ready');
  await importPage.trySampleData();
  await preview.waitForResult();
  await test.step('Load confirmation dialog', async () => {
    await preview.startLoad();
    await load.plannedChanges();
    await scan(app, testInfo, 'load-confirmation');
  });
  await test.step('Load result (data-lake export without a target)', async () => {
    await load.confirm();
    await load.summary();
    await expect(lake.noTarget).toBeVisible();
    await scan(app, testInfo, 'load-result');
  });
  await test.step('Load result (exported for the data lake)', async () => {
    const parquetDir = testInfo.outputPath('lake');
    await mkdir(parquetDir, { recursive: true });
    await lake.openSettings();
    await settings.setLakeTarget({ parquetDir });
    await settings.save();
    await load.open();
    await lake.start();
    await lake.result();
    await scan(app, testInfo, 'load-lake-exported');
  });
  await test.step('History (one run)', async () => {
    await history.open();
    await history.runs(1);
    await scan(app, testInfo, 'history');
  });
  await test.step('Load failed, database down', async () => {
    await load.open();
    await load.reviewChanges();
    await load.plannedChanges();
    await app.killDatabase();
    await load.confirm();
    await load.failureText();
    await load.expectDatabase('error');
    await scan(app, testInfo, 'load-failed-database-down');
    await load.reconnect();
  });
});

test('the dashboard passes an axe scan', async ({ app }, testInfo) => {
  const dashboard = new DashboardPage(app);

  await loadSampleData(app);
  await test.step('Dashboard (loaded)', async () => {
    await dashboard.open();
    await dashboard.waitUntilSettled();
    await scan(app, testInfo, 'dashboard');
  });
  await test.step('Dashboard (the trend shown as a table)', async () => {
    // The table is made only when asked for: a real button, operable from the keyboard, that says
    // whether it is expanded and which region it controls.
    const toggle = dashboard.trendTableToggle;
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await expect(toggle).toHaveAttribute('aria-controls', 'trend-table');
    await expect(app.page.getByTestId('trend-table')).toHaveCount(0);
    await dashboard.showTrendTable();
    await expect(app.page.locator('#trend-table').getByRole('table', { name: /^Appointments per / })).toBeVisible();
    await dashboard.waitUntilSettled();
    await scan(app, testInfo, 'dashboard-trend-table');
    await dashboard.hideTrendTable();
    await expect(toggle).toBeFocused();
  });
  await test.step('Dashboard (filtered by a doctor, doctor picker open)', async () => {
    const first = (await dashboard.figures()).leaderboard.rows[0];
    if (!first) throw new Error('the leaderboard is empty');
    await dashboard.clickDoctor(first.doctorId);
    await dashboard.waitUntilSettled();
    await dashboard.openDoctorPicker();
    await scan(app, testInfo, 'dashboard-doctor-picker');
    await dashboard.closeDoctorPicker();
  });
  await test.step('Dashboard (business questions open)', async () => {
    await dashboard.openAnswers();
    await scan(app, testInfo, 'dashboard-answers');
  });
  await test.step('Dashboard (drill-through dialog)', async () => {
    await dashboard.drillKpi('appointments');
    await dashboard.drillTotal();
    await expect(dashboard.drillTable).toHaveAttribute('aria-busy', 'false');
    await scan(app, testInfo, 'dashboard-drill');
    await dashboard.closeDrill();
  });
});
