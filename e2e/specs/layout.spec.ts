/**
 * Every screen at the two window sizes analysts use most (1280×720, 1440×900): the window itself
 * never scrolls (one scrollbar, the app's own), no scroll area shows a scrollbar for a pixel or
 * two, and no value typed in a workbook is cut short. At 1280×720 each state is also saved as a
 * picture of exactly what the window shows (test-results/screenshots/<shell>-layout-1280x720-*).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '../fixtures';
import { SCREENSHOTS } from '../fixtures/camera';
import { layoutProblems } from '../fixtures/layout';
import { DashboardPage } from '../pages/dashboardPage';
import { HistoryPage } from '../pages/historyPage';
import { ImportPage } from '../pages/importPage';
import { LoadPage } from '../pages/loadPage';
import { PreviewPage, type DetailTab } from '../pages/previewPage';
import { SettingsPage } from '../pages/settingsPage';

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
] as const;

for (const size of SIZES) {
  test(`no document scrollbar, no stray scrollbar, no clipped raw value on any screen at ${size.width}×${size.height}`, async ({ app }, testInfo) => {
    test.setTimeout(300_000);
    const page = app.page;
    await page.setViewportSize(size);
    const found: string[] = [];
    let index = 0;
    const check = async (state: string) => {
      // Let the last frame settle (charts measure themselves once laid out).
      await page.evaluate(() => new Promise<void>((resolve) => (globalThis as unknown as { requestAnimationFrame(cb: () => void): void }).requestAnimationFrame(() => resolve())));
      const problems = await layoutProblems(page);
      if (problems.documentOverflow.x > 0 || problems.documentOverflow.y > 0) found.push(`${state}: the document scrolls by ${problems.documentOverflow.x}×${problems.documentOverflow.y} px`);
      for (const stray of problems.strayScrollbars) found.push(`${state}: stray scrollbar on ${stray}`);
      for (const clipped of problems.clippedValues) found.push(`${state}: clipped value ${clipped}`);
      if (size.width === 1280) {
        index += 1;
        await mkdir(SCREENSHOTS, { recursive: true });
        const file = path.join(SCREENSHOTS, `${app.shell}-layout-1280x720-${String(index).padStart(2, '0')}-${state}.png`);
        await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
        await testInfo.attach(path.basename(file), { path: file, contentType: 'image/png' });
      }
    };

    const importPage = new ImportPage(app);
    const preview = new PreviewPage(app);
    const load = new LoadPage(app);
    const history = new HistoryPage(app);
    const dashboard = new DashboardPage(app);
    const settings = new SettingsPage(app);

    await importPage.expectDatabase('ready');
    await check('import-empty');
    await dashboard.open();
    await check('dashboard-empty');
    await history.open();
    await check('history-empty');

    await importPage.open();
    await importPage.trySampleData();
    await preview.waitForResult();
    await check('preview-rejected-rows');
    for (const tab of ['Fixes', 'Placeholder doctors', 'Duplicates', 'Suspicious dates'] as DetailTab[]) {
      await preview.showTab(tab);
      await expect(preview.tableOf(tab)).toHaveAttribute('aria-busy', 'false');
      await check(`preview-${tab.toLowerCase().replace(/\s+/g, '-')}`);
    }
    await importPage.open();
    await check('import-files-in-place');

    await preview.open();
    await preview.startLoad();
    await load.plannedChanges();
    await check('load-confirmation');
    await load.confirm();
    await load.summary();
    await check('load-summary');

    await history.open();
    await history.runs(1);
    await check('history');

    await dashboard.open();
    await dashboard.waitUntilSettled();
    await check('dashboard');
    await dashboard.drillKpi('cancelled');
    await dashboard.drillTotal();
    await check('dashboard-drill');
    await dashboard.closeDrill();

    await settings.open();
    await check('settings');

    expect(found, 'layout problems').toEqual([]);
  });
}
