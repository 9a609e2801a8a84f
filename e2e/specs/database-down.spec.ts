/**
 * The database stops (its server is killed, as in a crash) just before a load: the load fails with
 * a clear message saying the data loaded before is unchanged, the header's database status shows
 * the problem and offers "Reconnect"; reconnecting restarts the embedded server (recovering its
 * stale lock), the tables are exactly as before, and a new load works.
 */
import { expect, test } from '../fixtures';
import { etlRuns, tablesChecksum } from '../fixtures/database';
import { ImportPage } from '../pages/importPage';
import { LoadPage } from '../pages/loadPage';
import { PreviewPage } from '../pages/previewPage';

test('database stopped before a load: clear error, old data intact, reconnect, load again', async ({ app }) => {
  const importPage = new ImportPage(app);
  const preview = new PreviewPage(app);
  const load = new LoadPage(app);

  await importPage.trySampleData();
  await preview.waitForResult();
  await load.expectDatabase('ready');
  await preview.startLoad();
  await load.plannedChanges();
  await load.confirm();
  const first = await load.summary();
  const before = await tablesChecksum(await app.databaseUrl(), { includeRejected: true });

  // The analyst reviews a reload; meanwhile the database server dies.
  await load.reviewChanges();
  await load.plannedChanges();
  await app.killDatabase();
  await load.confirm();

  const failure = await load.failureText();
  expect(failure).toContain('The load failed');
  expect(failure).toContain('The data that was loaded before is unchanged.');
  await expect(load.page.getByTestId('load-error-message')).not.toBeEmpty();
  await expect(load.success).toBeHidden();

  // The header says the database is in trouble, and offers to reconnect.
  await load.expectDatabase('error');
  await expect(load.databaseStatus).toContainText('Database error');
  await expect(load.reconnectButton).toBeVisible();

  await load.reconnect();
  await expect(load.databaseStatus).toContainText('Database ready');

  // Nothing the failed load touched changed.
  const url = await app.databaseUrl();
  expect(await tablesChecksum(url, { includeRejected: true })).toBe(before);

  // And loading works again.
  await load.reviewChanges();
  const plan = await load.plannedChanges();
  expect(plan.bookingsAdded + plan.bookingsRemoved + plan.bookingsStatusChanged + plan.doctorsAdded + plan.doctorsRemoved + plan.doctorsRenamed).toBe(0);
  await load.confirm();
  const again = await load.summary();
  expect(again.runId).toBeGreaterThan(first.runId);
  expect(await tablesChecksum(url)).toBe(before.split(' ').slice(0, 2).join(' '));
  const runs = await etlRuns(url);
  expect(runs?.filter((run) => run.outcome === 'succeeded').map((run) => run.runId)).toEqual([first.runId, again.runId]);
});
