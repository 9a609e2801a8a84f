/**
 * Steps that span screens, as a person takes them: open Import, drop both workbooks, wait for the
 * preview, load it, and see the run's summary.
 */
import { expect } from '@playwright/test';
import type { AppHandle } from '../fixtures';
import type { WorkbookPair } from '../fixtures/workbooks';
import { ImportPage } from './importPage';
import { LoadPage, type LoadSummary } from './loadPage';
import { PreviewPage } from './previewPage';

export async function importAndLoad(app: AppHandle, pair: WorkbookPair): Promise<LoadSummary> {
  const importPage = new ImportPage(app);
  const preview = new PreviewPage(app);
  const load = new LoadPage(app);
  await importPage.expectDatabase('ready');
  await importPage.open();
  await importPage.dropFiles([pair.doctors, pair.appointments]);
  await preview.waitForResult();
  const totals = await preview.totals();
  await preview.startLoad();
  await load.plannedChanges();
  await load.confirm();
  const summary = await load.summary();
  expect(summary.appointments).toBe(totals.appointments);
  return summary;
}
