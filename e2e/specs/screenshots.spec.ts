/**
 * A walkthrough that saves a full-page screenshot of every screen and state worth looking at, to
 * test-results/screenshots/<shell>-NN-name.png (and attaches each to the test), for people to look
 * at: import (empty, files dragged over, a file problem), reading progress and cancelled, the
 * preview and each of its tabs, the export, the load confirmation and result, history, a failed
 * load with the database down, and settings. A second walkthrough covers the Dashboard
 * (<shell>-dashboard-NN-name.png): empty, the overview after a load of generated workbooks, one
 * month filtered by a doctor, the doctor picker, a drill-through dialog, a visit-count drill, the
 * business questions open, and the trend by week as a table.
 */
import path from 'node:path';
import { ROOT, expect, test } from '../fixtures';
import { camera } from '../fixtures/camera';
import { DASHBOARD_PAIR, cachedLargePair, generatePair, writeUnrelatedWorkbook } from '../fixtures/workbooks';
import { DashboardPage } from '../pages/dashboardPage';
import { importAndLoad } from '../pages/flows';
import { HistoryPage } from '../pages/historyPage';
import { ImportPage } from '../pages/importPage';
import { LoadPage } from '../pages/loadPage';
import { PreviewPage, type DetailTab } from '../pages/previewPage';
import { SettingsPage } from '../pages/settingsPage';

test('walkthrough: a screenshot of every screen', async ({ app }, testInfo) => {
  test.setTimeout(240_000);
  const shot = camera(app, testInfo);
  const importPage = new ImportPage(app);
  const preview = new PreviewPage(app);
  const load = new LoadPage(app);
  const history = new HistoryPage(app);
  const settings = new SettingsPage(app);
  const large = await cachedLargePair({ seed: 300, appointments: 300_000 });

  await importPage.expectDatabase('ready');
  await shot('import-empty');

  if (app.shell === 'bridge') {
    const drag = await importPage.dragOver([path.join(ROOT, 'samples', 'doctors.xlsx')]);
    await shot('import-dragging-files');
    await drag.leave();
  }

  await importPage.dropFiles([await writeUnrelatedWorkbook(testInfo.outputPath('staff rota.xlsx'))]);
  await expect(importPage.fileProblems).toBeVisible();
  await shot('import-file-problem');

  // A large read: progress, then cancelled.
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
  const tabs: DetailTab[] = ['Fixes', 'Placeholder doctors', 'Duplicates', 'Suspicious dates'];
  for (const tab of tabs) {
    await preview.showTab(tab);
    await expect(preview.tableOf(tab)).toHaveAttribute('aria-busy', 'false');
    await shot(`preview-tab-${tab.toLowerCase().replace(/\s+/g, '-')}`);
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
  await load.confirm();
  await load.summary();
  await shot('load-result');

  await load.reviewChanges();
  await load.plannedChanges();
  await shot('load-confirmation-reload-no-changes');
  await load.dismissConfirmation();

  await history.open();
  await history.runs(1);
  await shot('history');

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
  await settings.useServer('postgresql://analyst@127.0.0.1:1/healthtech', 'not-a-real-password');
  await settings.testConnection();
  await shot('settings-server-test-failed');
});

test('dashboard walkthrough: overview, one doctor, drill-through, answers', async ({ app }, testInfo) => {
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
  await dashboard.trendCard.getByRole('button', { name: 'Show as a table' }).click();
  await dashboard.waitUntilSettled();
  await shot('september-by-week-with-table');

  await dashboard.openAnswers();
  await shot('business-questions-open');
});
