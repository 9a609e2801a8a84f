/**
 * Load and reload: the confirmation says what will change against what is loaded now and starts
 * on Cancel (Enter does not replace the data), the load runs with progress and ends with a run id
 * and its summary heading in focus, the database holds the preview's counts; loading the same
 * preview again says "No changes" (identical tables, a new run id); History lists both runs as
 * succeeded with the same durations the summaries gave; the summary leads on to the dashboard.
 */
import { expect, test } from '../fixtures';
import { etlRuns, loadedCounts, tablesChecksum } from '../fixtures/database';
import { HistoryPage } from '../pages/historyPage';
import { ImportPage } from '../pages/importPage';
import { LoadPage } from '../pages/loadPage';
import { PreviewPage } from '../pages/previewPage';

test('load the sample preview, then load it again: nothing changes but the run id', async ({ app }) => {
  const importPage = new ImportPage(app);
  const preview = new PreviewPage(app);
  const load = new LoadPage(app);
  const history = new HistoryPage(app);

  await importPage.trySampleData();
  await preview.waitForResult();
  const totals = await preview.totals();
  await load.expectDatabase('ready');

  // First load: everything is added.
  await preview.startLoad();
  expect(await load.plannedChanges()).toEqual({
    bookingsAdded: totals.appointments,
    bookingsRemoved: 0,
    bookingsStatusChanged: 0,
    bookingsOtherwiseChanged: 0,
    doctorsAdded: totals.doctors,
    doctorsRemoved: 0,
    doctorsRenamed: 0,
    currentAppointments: 0,
    currentDoctors: 0,
    incomingAppointments: totals.appointments,
    incomingDoctors: totals.doctors,
    incomingRejected: totals.rejected,
  });
  expect(await load.lastLoadShown()).toBe('None yet');
  expect(await load.saysNoChanges()).toBe(false);
  // Loading replaces the data: the dialog starts on Cancel, and Enter there loads nothing.
  await expect(load.confirmation.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await app.page.keyboard.press('Enter');
  await expect(load.confirmation).toBeHidden();
  expect((await etlRuns(await app.databaseUrl())) ?? [], 'no load ran').toEqual([]);
  await load.reviewChanges();
  await load.plannedChanges();
  await load.confirm();
  const first = await load.summary();
  // Focus lands on the summary, not on the page.
  await expect(app.page.getByRole('heading', { name: 'Loaded' })).toBeFocused();
  const firstDuration = await load.duration();
  expect(await load.sawProgress(), 'the progress panel was shown during the load').toBe(true);
  expect(first.runId).toBeGreaterThan(0);
  expect(first).toMatchObject({ doctors: totals.doctors, appointments: totals.appointments, rejected: totals.rejected });

  // The database holds what the preview said, checked from outside the app.
  const url = await app.databaseUrl();
  expect(await loadedCounts(url)).toEqual({ doctors: totals.doctors, placeholders: totals.placeholders, appointments: totals.appointments, rejected: totals.rejected });
  const before = await tablesChecksum(url);

  // Second load of the same preview: the confirmation announces no changes.
  await load.reviewChanges();
  expect(await load.plannedChanges()).toEqual({
    bookingsAdded: 0,
    bookingsRemoved: 0,
    bookingsStatusChanged: 0,
    bookingsOtherwiseChanged: 0,
    doctorsAdded: 0,
    doctorsRemoved: 0,
    doctorsRenamed: 0,
    currentAppointments: totals.appointments,
    currentDoctors: totals.doctors,
    incomingAppointments: totals.appointments,
    incomingDoctors: totals.doctors,
    incomingRejected: totals.rejected,
  });
  expect(await load.lastLoadShown()).toContain(`Run ${first.runId}`);
  expect(await load.saysNoChanges(), 'the confirmation says "No changes"').toBe(true);
  await expect(load.confirmation).toContainText('No changes.');
  await load.confirm();
  const second = await load.summary();
  const secondDuration = await load.duration();
  expect(second.runId).toBeGreaterThan(first.runId);
  expect({ ...second, runId: first.runId }).toEqual(first);

  // Idempotent: the same tables, row for row.
  expect(await tablesChecksum(url)).toBe(before);
  expect(await loadedCounts(url)).toEqual({ doctors: totals.doctors, placeholders: totals.placeholders, appointments: totals.appointments, rejected: totals.rejected });
  expect(await etlRuns(url)).toEqual([
    { runId: first.runId, outcome: 'succeeded' },
    { runId: second.runId, outcome: 'succeeded' },
  ]);

  // History: both runs, newest first, both succeeded.
  await history.open();
  expect(await history.runs(2)).toEqual([
    { runId: second.runId, outcome: 'succeeded' },
    { runId: first.runId, outcome: 'succeeded' },
  ]);
  // One duration for a run everywhere.
  expect(await history.duration(first.runId)).toBe(firstDuration);
  expect(await history.duration(second.runId)).toBe(secondDuration);

  // The summary leads on to the dashboard.
  await load.open();
  await load.openDashboard();
});
