/**
 * A walkthrough that saves a full-page screenshot of every screen and state worth looking at, in a
 * 1280×720 window, to test-results/screenshots/<shell>-NN-name.png (and attaches each to the
 * test), for people to look at: import (empty, files dragged over, every dropped file
 * acknowledged, a file problem), reading progress and cancelled, the preview and each of its tabs
 * with a rejected row in full, the export, the load confirmation and result, history, a failed
 * load with the database down, and settings. A second walkthrough covers the Dashboard
 * (<shell>-dashboard-NN-name.png): empty, the overview after a load of generated workbooks, one
 * month filtered by a doctor, the doctor picker, a drill-through dialog, a visit-count drill, the
 * business questions open, and the trend by week as a table; a third, the dashboard on a real
 * export's shape (<shell>-real-shape-NN-name.png).
 *
 * With UPDATE_DOCS_SCREENSHOTS=1, the pictures the README shows (docs/screenshots/) are taken
 * again, each of exactly what the 1280×720 window shows.
 */
import { copyFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { ROOT, expect, test } from '../fixtures';
import { camera } from '../fixtures/camera';
import { CANCELLABLE_READ, DASHBOARD_PAIR, cachedLargePair, generatePair, generateRealShapePair, writeUnrelatedWorkbook } from '../fixtures/workbooks';
import { DashboardPage } from '../pages/dashboardPage';
import { importAndLoad } from '../pages/flows';
import { HistoryPage } from '../pages/historyPage';
import { ImportPage } from '../pages/importPage';
import { LoadPage } from '../pages/loadPage';
import { PreviewPage, type DetailTab } from '../pages/previewPage';
import { SettingsPage } from '../pages/settingsPage';

const WINDOW = { width: 1280, height: 720 };

/** The README's picture `name`, of what the window shows, when UPDATE_DOCS_SCREENSHOTS=1. */
async function docsPicture(page: Page, name: string): Promise<void> {
  if (process.env.UPDATE_DOCS_SCREENSHOTS !== '1') return;
  await page.evaluate(() => (globalThis as unknown as { document: { fonts: { ready: Promise<unknown> } } }).document.fonts.ready);
  await page.screenshot({ path: path.join(ROOT, 'docs', 'screenshots', `${name}.png`), animations: 'disabled', caret: 'hide' });
}

/** The first bytes of a PNG image, and some more: a picture dropped by mistake. */
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(256)]);

test('walkthrough: a screenshot of every screen', async ({ app }, testInfo) => {
  test.setTimeout(420_000);
  await app.page.setViewportSize(WINDOW);
  const shot = camera(app, testInfo);
  const importPage = new ImportPage(app);
  const preview = new PreviewPage(app);
  const load = new LoadPage(app);
  const history = new HistoryPage(app);
  const settings = new SettingsPage(app);
  const large = await cachedLargePair(CANCELLABLE_READ);

  await importPage.expectDatabase('ready');
  await shot('import-empty');
  await docsPicture(app.page, 'import');

  if (app.shell === 'bridge') {
    const drag = await importPage.dragOver([path.join(ROOT, 'samples', 'doctors.xlsx')]);
    await shot('import-dragging-files');
    await drag.leave();
  }

  // Two doctors workbooks and a picture at once: each file is acknowledged.
  const copy = testInfo.outputPath('doctors (1).xlsx');
  await copyFile(path.join(ROOT, 'samples', 'doctors.xlsx'), copy);
  const picture = testInfo.outputPath('scan.png');
  await writeFile(picture, PNG);
  await importPage.dropFiles([path.join(ROOT, 'samples', 'doctors.xlsx'), copy, picture]);
  await expect(importPage.fileProblems).toContainText('scan.png is a PNG image');
  await expect(importPage.page.getByTestId('file-notes')).toContainText('doctors (1).xlsx: also a doctors workbook, set aside');
  await shot('import-every-file-acknowledged');
  await importPage.removeFile('doctors');

  await importPage.dropFiles([await writeUnrelatedWorkbook(testInfo.outputPath('staff rota.xlsx'))]);
  await expect(importPage.fileProblems).toBeVisible();
  await shot('import-file-problem');

  // A million-row read: progress, then cancelled.
  await importPage.chooseWithDialog([large.doctors, large.appointments]);
  await expect(preview.page.getByTestId('progress-appointments')).toContainText('rows', { timeout: 60_000 });
  await shot('preview-reading-progress');
  await preview.cancelButton.click();
  await expect(preview.cancelledNotice).toBeVisible();
  await shot('preview-cancelled');

  await importPage.open();
  await importPage.trySampleData();
  await preview.waitForResult();
  await shot('preview-summary-rejected-rows');
  await docsPicture(app.page, 'preview');
  const rejected = await preview.readRejectedRows();
  const several = rejected.find((r) => r.problems.length > 1) ?? rejected[0];
  if (several) {
    await preview.rowDetails(several.file, several.row);
    await shot('preview-rejected-row-in-full');
  }
  const tabs: DetailTab[] = ['Fixes', 'Placeholder doctors', 'Duplicates', 'Suspicious dates'];
  for (const tab of tabs) {
    await preview.showTab(tab);
    await expect(preview.tableOf(tab)).toHaveAttribute('aria-busy', 'false');
    await shot(`preview-tab-${tab.toLowerCase().replace(/\s+/g, '-')}`);
    if (tab === 'Fixes') {
      await app.page.getByTestId('fix-groups').scrollIntoViewIfNeeded();
      await docsPicture(app.page, 'preview-fixes');
    }
  }
  await preview.showTab('Rejected rows');
  await preview.filterRejectedByReason('invalid_date');
  await expect.poll(() => preview.rejectedMatching()).toBeGreaterThan(0);
  await shot('preview-rejected-filtered-by-reason');

  await preview.exportRejectedRows(testInfo.outputPath('rejected rows.xlsx'));
  await shot('preview-exported');

  await importPage.open();
  await shot('import-files-in-place');

  await preview.open();
  await preview.startLoad();
  await load.plannedChanges();
  await shot('load-confirmation-first-load');
  await docsPicture(app.page, 'load-confirmation');
  await load.confirm();
  await load.summary();
  await shot('load-result');
  await docsPicture(app.page, 'load-result');

  await load.reviewChanges();
  await load.plannedChanges();
  await shot('load-confirmation-reload-no-changes');
  await load.dismissConfirmation();

  await history.open();
  await history.runs(1);
  await shot('history');
  await docsPicture(app.page, 'history');

  await load.open();
  await load.reviewChanges();
  await load.plannedChanges();
  await app.killDatabase();
  await load.confirm();
  await load.failureText();
  await load.expectDatabase('error');
  await shot('load-failed-database-down');
  await load.reconnect();
  await shot('load-after-reconnect');

  await settings.open();
  await shot('settings-embedded');
  await docsPicture(app.page, 'settings');
  await settings.useServer('postgresql://analyst@127.0.0.1:1/healthtech', 'not-a-real-password');
  await settings.testConnection();
  await shot('settings-server-test-failed');
});

test('dashboard walkthrough: overview, one doctor, drill-through, answers', async ({ app }, testInfo) => {
  await app.page.setViewportSize(WINDOW);
  const shot = camera(app, testInfo, 'dashboard-');
  const dashboard = new DashboardPage(app);
  await dashboard.expectDatabase('ready');
  await dashboard.open();
  await expect(dashboard.emptyState).toBeVisible();
  await shot('empty');

  await importAndLoad(app, await generatePair(testInfo.outputPath('workbooks'), DASHBOARD_PAIR));
  await dashboard.open();
  await dashboard.waitUntilSettled();
  await shot('overview');

  await dashboard.setRange('2025-09-01', '2025-09-30');
  await dashboard.waitUntilSettled();
  const top = (await dashboard.figures()).leaderboard.rows[0];
  if (!top) throw new Error('the leaderboard is empty');
  await dashboard.clickDoctor(top.doctorId);
  await expect(dashboard.chipList).toContainText('Doctor:');
  await dashboard.waitUntilSettled();
  await shot('september-filtered-by-doctor');
  await dashboard.openDoctorPicker();
  await shot('doctor-picker');
  await dashboard.closeDoctorPicker();

  await dashboard.drillKpi('confirmed');
  await dashboard.drillTotal();
  await expect(dashboard.drillTable).toHaveAttribute('aria-busy', 'false');
  await shot('drill-confirmed-of-doctor');
  await dashboard.closeDrill();

  await dashboard.removeChip(/^Remove filter Doctor/);
  await dashboard.waitUntilSettled();
  await dashboard.drillSegment('2–3 bookings');
  await dashboard.drillTotal();
  await expect(dashboard.drillTable).toHaveAttribute('aria-busy', 'false');
  await shot('drill-patients-with-2-3-bookings');
  await dashboard.closeDrill();

  await dashboard.chooseGranularity('Week');
  await dashboard.showTrendTable();
  await dashboard.waitUntilSettled();
  await shot('september-by-week-with-table');

  await dashboard.openAnswers();
  await shot('business-questions-open');
});

test('dashboard on a real export’s shape: five days by day, the dragged dates a marker, Cancelled, one doctor', async ({ app }, testInfo) => {
  await app.page.setViewportSize(WINDOW);
  const shot = camera(app, testInfo, 'real-shape-');
  const dashboard = new DashboardPage(app);
  await importAndLoad(app, await generateRealShapePair(testInfo.outputPath('workbooks')));
  await dashboard.open();
  await dashboard.waitUntilSettled();
  await shot('dashboard-default');
  await docsPicture(app.page, 'dashboard');
  await dashboard.trendCard.scrollIntoViewIfNeeded();
  await docsPicture(app.page, 'dashboard-trend');
  await dashboard.showOutside('after');
  await dashboard.drillTotal();
  await expect(dashboard.drillTable).toHaveAttribute('aria-busy', 'false');
  await shot('bookings-after-the-axis');
  await docsPicture(app.page, 'dashboard-drill');
  await dashboard.closeDrill();
  await dashboard.setStatus('Cancelled');
  await dashboard.waitUntilSettled();
  await shot('cancelled');
  await dashboard.setStatus('All');
  await dashboard.setRange('2025-10-20', '2025-10-23');
  // Done typing (Enter applies the range at once), and the leaderboard of that range in place
  // before its top doctor is read and clicked: read before, the rows could re-sort under the click.
  await dashboard.toField.press('Enter');
  await dashboard.waitUntilSettled();
  const top = (await dashboard.figures()).leaderboard.rows.find((r) => r.doctorId !== 105);
  if (top) await dashboard.clickDoctor(top.doctorId);
  await dashboard.waitUntilSettled();
  await shot('four-days-one-doctor');
});
