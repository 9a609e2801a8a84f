/**
 * A walkthrough that saves a full-page screenshot of every screen and state worth looking at, to
 * test-results/screenshots/<shell>-NN-name.png (and attaches each to the test), for people to look
 * at: import (empty, files dragged over, a file problem), reading progress and cancelled, the
 * preview and each of its tabs, the export, the load confirmation and result, history, a failed
 * load with the database down, and settings.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ROOT, expect, test, type AppHandle } from '../fixtures';
import { cachedLargePair, writeUnrelatedWorkbook } from '../fixtures/workbooks';
import { HistoryPage } from '../pages/historyPage';
import { ImportPage } from '../pages/importPage';
import { LoadPage } from '../pages/loadPage';
import { PreviewPage, type DetailTab } from '../pages/previewPage';
import { SettingsPage } from '../pages/settingsPage';
import type { TestInfo } from '@playwright/test';
import type { BrowserGlobals } from '../pages/dom';

const FOLDER = path.join(ROOT, 'test-results', 'screenshots');

/**
 * Takes numbered full-page pictures. The app's window is a fixed frame whose main area scrolls by
 * itself, so "full page" alone would cut the screen at the window's height: for each picture the
 * viewport is made as tall as the screen's content, then put back.
 */
function camera(app: AppHandle, testInfo: TestInfo) {
  let index = 0;
  return async (name: string) => {
    index += 1;
    const file = path.join(FOLDER, `${app.shell}-${String(index).padStart(2, '0')}-${name}.png`);
    const page = app.page;
    const size = page.viewportSize() ?? { width: 1360, height: 900 };
    const contentHeight = () =>
      page.evaluate(() => {
        const { document } = globalThis as unknown as BrowserGlobals;
        const header = document.querySelector('.app-header')?.getBoundingClientRect().height ?? 0;
        const main = document.querySelector('main')?.scrollHeight ?? 0;
        return Math.ceil(header + main);
      });
    const tall = Math.max(size.height, await contentHeight());
    if (tall > size.height) await page.setViewportSize({ width: size.width, height: tall });
    try {
      // Let fonts and the last frame settle, so the picture shows what a person sees.
      await page.evaluate(() => {
        const { document, requestAnimationFrame } = globalThis as unknown as BrowserGlobals;
        return document.fonts.ready.then(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
      });
      await page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' });
    } finally {
      if (tall > size.height) await page.setViewportSize(size);
    }
    await testInfo.attach(path.basename(file), { path: file, contentType: 'image/png' });
  };
}

test('walkthrough: a screenshot of every screen', async ({ app }, testInfo) => {
  test.setTimeout(240_000);
  await mkdir(FOLDER, { recursive: true });
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
