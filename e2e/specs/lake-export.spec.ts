/**
 * The data-lake export from the app, on a real database and real files. After a load the Load
 * screen says there is no target yet and leads to Settings; with a folder saved there, "Export for
 * the data lake" shows its progress and then the result, and the folder holds one complete run:
 * _SUCCESS, a manifest whose files, sizes and checksums are what is on disk and whose row counts
 * are the database's, current.json pointing at the run, and Parquet that DuckDB (an engine that
 * did not write it) reads back with the database's counts and id sums per booking month. Cancel
 * stops an export without marking anything complete or current, and the next export succeeds.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { openDuckDb, sqlPath } from '../../test/support/duckdb';
import { expect, test, type AppHandle } from '../fixtures';
import { withDatabase, SCHEMA } from '../fixtures/database';
import { cachedLargePair, type WorkbookPair } from '../fixtures/workbooks';
import { importAndLoad } from '../pages/flows';
import { LakeExportPage } from '../pages/lakeExportPage';
import { LoadPage } from '../pages/loadPage';
import { SettingsPage } from '../pages/settingsPage';

interface Manifest {
  run_id: number;
  tables: Record<string, { rows: number }>;
  files: { path: string; table: string; rows: number | null; bytes: number; sha256: string }[];
}

/**
 * 30,000 bookings over two and a half years, with the generator's fill-series dates running
 * centuries ahead: hundreds of month partitions, so the export takes long enough to watch.
 */
const PAIR = { seed: 11, appointments: 30_000 };

/** Saves `parquetDir` as the export target in Settings (reached from the export panel) and comes back to the Load screen. */
async function chooseFolder(app: AppHandle, parquetDir: string): Promise<void> {
  const lake = new LakeExportPage(app);
  const settings = new SettingsPage(app);
  await lake.openSettings();
  await settings.setLakeTarget({ parquetDir });
  await settings.save();
  await new LoadPage(app).open();
  await expect(lake.target).toContainText(parquetDir);
}

async function loadPair(app: AppHandle): Promise<{ pair: WorkbookPair; runId: number }> {
  const pair = await cachedLargePair(PAIR);
  const summary = await importAndLoad(app, pair);
  return { pair, runId: summary.runId };
}

test('exports the loaded run to the folder set in Settings, with progress, and the dataset holds what the database holds', async ({ app }, testInfo) => {
  const lake = new LakeExportPage(app);
  const { runId } = await loadPair(app);

  await test.step('no target yet: the panel says so and leads to Settings', async () => {
    await expect(lake.noTarget).toBeVisible();
    await expect(lake.exportButton).toHaveCount(0);
  });
  const parquetDir = testInfo.outputPath('lake');
  await mkdir(parquetDir, { recursive: true });
  await chooseFolder(app, parquetDir);

  await lake.start();
  const result = await lake.result();
  expect(await lake.sawProgress()).toEqual({ progress: true, figures: true });
  const runDir = path.join(parquetDir, `run_id=${runId}`);
  expect(result.localDir).toBe(runDir);
  expect(result.text).toContain(`Run ${runId} exported`);

  await test.step('a screenshot of the export panel', async () => {
    const file = testInfo.outputPath('lake-export-panel.png');
    await lake.panel.screenshot({ path: file });
    await testInfo.attach('lake-export-panel', { path: file, contentType: 'image/png' });
  });

  const url = await app.databaseUrl();
  const database = await withDatabase(url, async (client) => {
    const count = async (sql: string) => Number((await client.query<{ n: string }>(sql)).rows[0]?.n);
    return {
      appointments: await count(`SELECT count(*) AS n FROM ${SCHEMA}.appointments`),
      doctors: await count(`SELECT count(*) AS n FROM ${SCHEMA}.doctors`),
      rejectedRows: await count(`SELECT count(*) AS n FROM ${SCHEMA}.rejected_rows`),
      months: (
        await client.query<{ year: number; month: number; n: number; ids: string }>(
          `SELECT extract(year FROM booking_date)::int AS year, extract(month FROM booking_date)::int AS month, count(*)::int AS n, sum(booking_id)::text AS ids
             FROM ${SCHEMA}.appointments GROUP BY 1, 2 ORDER BY 1, 2`,
        )
      ).rows,
    };
  });

  await test.step('the counts on screen are the database’s', async () => {
    expect({ appointments: result.appointments, doctors: result.doctors, rejectedRows: result.rejectedRows }).toEqual({
      appointments: database.appointments,
      doctors: database.doctors,
      rejectedRows: database.rejectedRows,
    });
    expect(database.months.length).toBeGreaterThan(100);
  });

  await test.step('the folder holds one complete run: _SUCCESS, the manifest’s files as listed, current.json', async () => {
    expect(existsSync(path.join(runDir, '_SUCCESS'))).toBe(true);
    const manifest = JSON.parse(await readFile(path.join(runDir, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.run_id).toBe(runId);
    expect(manifest.tables).toMatchObject({
      appointments: { rows: database.appointments },
      doctors: { rows: database.doctors },
      rejected_rows: { rows: database.rejectedRows },
      etl_runs: { rows: 1 },
    });
    // One file per booking month, plus doctors, rejected rows, the run and the warehouse SQL.
    expect(manifest.files.filter((file) => file.table === 'appointments')).toHaveLength(database.months.length);
    for (const file of manifest.files) {
      const bytes = await readFile(path.join(runDir, file.path));
      expect({ path: file.path, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }).toEqual({ path: file.path, bytes: file.bytes, sha256: file.sha256 });
    }
    expect(JSON.parse(await readFile(path.join(parquetDir, 'current.json'), 'utf8'))).toMatchObject({ run_id: runId, prefix: `run_id=${runId}/` });
    expect((await readdir(parquetDir)).sort()).toEqual(['current.json', `run_id=${runId}`]);
  });

  await test.step('DuckDB reads the Parquet back with the database’s counts and id sums per booking month', async () => {
    const duck = await openDuckDb();
    try {
      const months = await duck.query(
        `SELECT year::INT AS year, month::INT AS month, count(*)::INT AS n, sum(booking_id)::VARCHAR AS ids
           FROM read_parquet(${sqlPath(path.join(runDir, 'appointments', '**', '*.parquet'))}, hive_partitioning = true) GROUP BY ALL ORDER BY year, month`,
      );
      expect(months).toEqual(database.months);
      const [doctors] = await duck.query<{ n: number }>(`SELECT count(*)::INT AS n FROM read_parquet(${sqlPath(path.join(runDir, 'doctors', '*.parquet'))})`);
      expect(doctors?.n).toBe(database.doctors);
    } finally {
      duck.close();
    }
  });
});

test('cancelling an export marks nothing complete or current, and the next export succeeds', async ({ app }, testInfo) => {
  const lake = new LakeExportPage(app);
  const { runId } = await loadPair(app);
  const parquetDir = testInfo.outputPath('lake');
  await mkdir(parquetDir, { recursive: true });
  await chooseFolder(app, parquetDir);

  await lake.start();
  await lake.cancel();
  await expect(lake.cancelled).toBeVisible({ timeout: 60_000 });
  await expect(lake.exportButton).toBeEnabled();
  // Nothing in the folder: no run, no temporary folder, no pointer.
  expect(await readdir(parquetDir)).toEqual([]);

  await lake.start();
  const result = await lake.result();
  expect(result.localDir).toBe(path.join(parquetDir, `run_id=${runId}`));
  expect(existsSync(path.join(parquetDir, `run_id=${runId}`, '_SUCCESS'))).toBe(true);
  expect((await readdir(parquetDir)).sort()).toEqual(['current.json', `run_id=${runId}`]);
});
