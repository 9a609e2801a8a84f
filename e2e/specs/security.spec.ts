/**
 * Hostile workbooks: cell text that looks like HTML or a javascript: link is shown as literal
 * text in every preview table and in messages, never run: window.__pwned stays undefined, no
 * element is injected, no link is made, and the window neither navigates nor opens another.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { HOSTILE, writeHostilePair, writeUnrelatedWorkbook } from '../fixtures/workbooks';
import { ImportPage } from '../pages/importPage';
import { PreviewPage } from '../pages/previewPage';

async function expectNothingRan(page: Page, startUrl: string): Promise<void> {
  expect(await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned)).toBeUndefined();
  await expect(page.locator('#root img[src="x"], #root script, #root iframe, #root object, #root embed')).toHaveCount(0);
  await expect(page.locator('a[href^="javascript:" i]')).toHaveCount(0);
  expect(page.url()).toBe(startUrl);
  expect(page.context().pages()).toHaveLength(1);
}

test('HTML and javascript: links in cells are shown as text and never run', async ({ app }, testInfo) => {
  const page = app.page;
  const startUrl = page.url();
  const navigations: string[] = [];
  const popups: string[] = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations.push(frame.url());
  });
  page.on('popup', (popup) => popups.push(popup.url()));

  const files = await writeHostilePair(testInfo.outputPath('hostile'), 'doctors <img src=x onerror=window.__pwned=1>.xlsx');
  const importPage = new ImportPage(app);
  const preview = new PreviewPage(app);

  // A file whose very name is markup, and whose headers fit neither input: named in the message, as text.
  const oddName = await writeUnrelatedWorkbook(testInfo.outputPath('<svg onload=window.__pwned=1>.xlsx'));
  await importPage.dropFiles([oddName]);
  await expect(importPage.fileProblems).toContainText('<svg onload=window.__pwned=1>.xlsx');
  await expectNothingRan(page, startUrl);

  await importPage.dropFiles([files.appointments, files.doctors]);
  await preview.waitForResult();
  await expect(page.getByText('doctors <img src=x onerror=window.__pwned=1>.xlsx').first()).toBeVisible();

  // Rejected rows: raw values and messages with the markup, literally.
  await preview.showTab('Rejected rows');
  const rejected = preview.tableOf('Rejected rows');
  const rows = await preview.readRejectedRows();
  const everything = rows.map((r) => `${r.message} ${r.raw}`).join('\n');
  for (const text of [HOSTILE.img, HOSTILE.script, HOSTILE.link]) expect(everything, `rejected rows show ${text}`).toContain(text);
  await expect(rejected.getByText(HOSTILE.script).first()).toBeVisible();

  // Fixes: the trimmed name, before and after, as text.
  await preview.showTab('Fixes');
  await expect(preview.tableOf('Fixes').getByText(HOSTILE.img).first()).toBeVisible();

  // Duplicates: the dropped doctor row, with its markup name.
  await preview.showTab('Duplicates');
  await expect(preview.tableOf('Duplicates').getByText(HOSTILE.script).first()).toBeVisible();

  // Placeholders exist for the unknown doctor ids: the tables around them render as before.
  await preview.showTab('Placeholder doctors');
  await expect(preview.tableOf('Placeholder doctors')).toHaveAttribute('data-total', /^[1-9]/);

  // Searching for the markup finds it as text.
  await preview.showTab('Rejected rows');
  await preview.searchRejected('<script>');
  await expect.poll(() => preview.rejectedMatching()).toBeGreaterThan(0);

  await expectNothingRan(page, startUrl);
  expect(navigations, 'the window never navigated').toEqual([]);
  expect(popups, 'no window was opened').toEqual([]);
});
