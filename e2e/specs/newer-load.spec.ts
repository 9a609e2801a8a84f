/**
 * A load from elsewhere while the Dashboard is open (SPEC §5): the command line loads the same
 * database while someone keeps a report open on the appointments, so the new data is built and
 * then waits to be swapped in. Meanwhile the Dashboard keeps showing the loaded run and says a
 * newer load is in progress (and which); once the report lets go and the load commits, the
 * Dashboard shows the new run by itself, and the notice goes.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { ROOT, expect, test } from '../fixtures';
import { camera } from '../fixtures/camera';
import { SCHEMA } from '../fixtures/database';
import { DashboardPage } from '../pages/dashboardPage';
import { ImportPage } from '../pages/importPage';
import { LoadPage } from '../pages/loadPage';
import { PreviewPage } from '../pages/previewPage';

function runCli(url: string, workDir: string): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'bin', 'healthtech-etl.cjs'), '--db_url', url, '--json', '--no_progress', '--output_dir', path.join(workDir, 'output'), '--log_file', path.join(workDir, 'pipeline.log')],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout })));
}

test('a newer load from the command line: the dashboard says so, keeps the loaded run, then shows the new one by itself', async ({ app }, testInfo) => {
  const importPage = new ImportPage(app);
  const preview = new PreviewPage(app);
  const load = new LoadPage(app);
  const dashboard = new DashboardPage(app);
  const shoot = camera(app, testInfo, 'newer-load-');

  await importPage.trySampleData();
  await preview.waitForResult();
  await load.expectDatabase('ready');
  await preview.startLoad();
  await load.confirm();
  const first = await load.summary();

  await dashboard.open();
  const runLine = app.page.getByText(/^Run \d+, loaded /);
  await expect(runLine).toContainText(`Run ${first.runId}, loaded`);
  const notice = app.page.getByTestId('newer-load');
  await expect(notice).toBeHidden();

  // A report keeps the appointments open: the command line's load builds, then waits to swap in.
  const url = await app.databaseUrl();
  const report = new pg.Client({ connectionString: url, application_name: 'healthtech-e2e report' });
  await report.connect();
  let cli: Promise<{ code: number | null; stdout: string }> | undefined;
  try {
    await report.query(`BEGIN; LOCK TABLE ${SCHEMA}.appointments IN ACCESS SHARE MODE`);
    cli = runCli(url, testInfo.outputPath('cli'));

    await expect(notice).toBeVisible({ timeout: 30_000 });
    await expect(notice).toHaveAttribute('data-run-id', String(first.runId + 1));
    await expect(notice).toContainText(`A newer load is in progress (run ${first.runId + 1}, from the command line`);
    await expect(notice).toContainText(`This shows run ${first.runId} until it commits`);
    await expect(runLine).toContainText(`Run ${first.runId}, loaded`);
    await shoot('dashboard-during-a-newer-load');
  } finally {
    await report.query('ROLLBACK').catch(() => undefined);
    await report.end();
  }

  const finished = await cli;
  expect(finished?.code).toBe(0);
  expect(JSON.parse(finished?.stdout ?? '{}')).toMatchObject({ run_id: first.runId + 1 });
  await expect(runLine).toContainText(`Run ${first.runId + 1}, loaded`, { timeout: 30_000 });
  await expect(notice).toBeHidden();
});
