/**
 * A virtualised table scrolled fast shows rows, not "Loading…": the drill-through of every loaded
 * booking (3,000 rows, 15 pages) is scrolled ~3 pages a second, one step per frame, as a fast
 * wheel does, while the page counts the frames in which every row on screen is still a
 * placeholder. The share and the longest run of such frames are reported (printed and attached),
 * not asserted on: times are the benchmark's business. What is asserted is that the rows the
 * table shows once the scrolling stops are the list's own, in order.
 */
import { expect, test } from '../fixtures';
import { DASHBOARD_PAIR, generatePair } from '../fixtures/workbooks';
import { DashboardPage } from '../pages/dashboardPage';
import { scrollFast } from '../pages/fastScroll';
import { importAndLoad } from '../pages/flows';

test('fast scrolling through a long drill-through shows rows, not "Loading…"', async ({ app }, testInfo) => {
  const pair = await generatePair(testInfo.outputPath('workbooks'), DASHBOARD_PAIR);
  await importAndLoad(app, pair);
  const dashboard = new DashboardPage(app);
  await dashboard.open();
  await dashboard.drillKpi('appointments');
  const table = dashboard.drillTable;
  await expect(table.locator('[role="row"][aria-rowindex="2"]:not(.pending)')).toBeVisible();
  const total = Number(await table.getAttribute('data-total'));
  expect(total).toBeGreaterThan(2000);

  // ~18,000 px a second at 60 frames (300 px a frame), from the top to the end of the list.
  const sample = await scrollFast(app.page, 'drill-table', { stepPx: 300 });
  process.stdout.write(
    `virtual scroll (${app.shell}): ${sample.onlyLoading} of ${sample.frames} frames showed only "Loading…" rows; longest run ${sample.longestRun} frames\n`,
  );
  await testInfo.attach('virtual-scroll.json', { body: JSON.stringify({ rows: total, stepPx: 300, ...sample }, null, 2), contentType: 'application/json' });

  // At the end of the list: its last rows, filled in and in order.
  const last = table.locator(`[role="row"][aria-rowindex="${total + 1}"]`);
  await expect(last).toBeVisible();
  await expect(last).not.toHaveClass(/pending/);
  const indexes = await table.locator('.vt-body [role="row"]').evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('aria-rowindex'))));
  expect(indexes).toEqual(indexes.map((_, i) => (indexes[0] ?? 0) + i));
});
