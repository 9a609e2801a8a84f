/**
 * The Parquet dataset read back by an independent engine (DuckDB, with Hive partitioning) after a
 * real load: per-partition counts, id sums, min/max dates, whole-table fingerprints, placeholders,
 * the rejected rows with their raw values and problems, the run's row, every column's type and
 * the file metadata all equal what PostgreSQL holds after the same run. Also: the manifest and
 * _SUCCESS, the temporary folder, exporting the same run again, and a folder that cannot be
 * written (the database untouched).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClient } from '../../electron/db/withClient';
import { ExportError } from '../../electron/etl/errors';
import { prepareRun } from '../../electron/etl/prepareRun';
import type { Manifest } from '../../electron/lake/manifest';
import { writeDataset, type WrittenRun } from '../../electron/lake/writeDataset';
import { writeDatasetInWorker } from '../../electron/etl/worker/runInWorker';
import { NO_CERTIFICATES, parseServerUrl } from '../../shared/serverSettings';
import { generateWorkbooks } from '../../scripts/generator/generateWorkbooks';
import { checksums, freshDatabase, load, RUN_DATE, SCHEMA, type Harness } from '../db/harness';
import { testServers } from '../support/database';
import { openDuckDb, sqlPath, type DuckDb } from '../support/duckdb';

let work: string;
let duck: DuckDb;
let workbooks: { doctorsPath: string; appointmentsPath: string };

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'lake-readback-'));
  // Two and a half years of bookings with every kind of dirt, a fill series running centuries
  // ahead (one-row partitions far away), placeholders and duplicates.
  workbooks = await generateWorkbooks({ seed: 11, appointments: 6000, outDir: work, dateRange: { from: '2024-01-01', to: '2026-06-30' } });
  duck = await openDuckDb();
});

afterAll(async () => {
  duck?.close();
  await rm(work, { recursive: true, force: true });
});

describe.each(testServers())('Parquet export read back by DuckDB ($name PostgreSQL)', ({ url }) => {
  let h: Harness;
  let written: WrittenRun;
  let root: string;
  let runDir: string;
  const s = SCHEMA;

  beforeAll(async () => {
    h = await freshDatabase(url);
    const run = await prepareRun({ doctors: { path: workbooks.doctorsPath }, appointments: { path: workbooks.appointmentsPath }, runDate: RUN_DATE });
    await load(h, run);
    root = await mkdtemp(path.join(work, 'lake-'));
    // Small row groups, so the files have several and the reader must stitch them.
    written = await withClient(h.target, 'exporting', (client) =>
      writeDataset(client, { schema: SCHEMA, runId: 'latest', dir: root, locationUrl: 's3://lake/healthtech', appVersion: 'test', rowGroupRows: 50 }),
    );
    runDir = written.runDir;
  });

  afterAll(async () => {
    await h?.close();
  });

  // Hive partitioning for the partitioned table; the others carry their own columns only (the run
  // folder's run_id=N would otherwise appear as a column too).
  const parquet = (table: string) => `read_parquet(${sqlPath(path.join(runDir, table, '**', '*.parquet'))}, hive_partitioning = ${table === 'appointments'})`;
  const pgRows = async <T>(sql: string) => (await h.admin.query(sql)).rows as T[];

  it('has each booking month as a Hive partition, with the counts, id sums and dates PostgreSQL has', async () => {
    const fromDuck = await duck.query(
      `SELECT year::INT AS year, month::INT AS month, count(*)::INT AS n, sum(booking_id)::VARCHAR AS ids, sum(patient_id)::VARCHAR AS patients,
              sum(doctor_id)::VARCHAR AS doctors, min(booking_date)::VARCHAR AS first, max(booking_date)::VARCHAR AS last
         FROM ${parquet('appointments')} GROUP BY ALL ORDER BY year, month`,
    );
    const fromPg = await pgRows(
      `SELECT extract(year FROM booking_date)::int AS year, extract(month FROM booking_date)::int AS month, count(*)::int AS n,
              sum(booking_id)::text AS ids, sum(patient_id)::text AS patients, sum(doctor_id)::text AS doctors,
              min(booking_date)::text AS first, max(booking_date)::text AS last
         FROM ${s}.appointments GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    expect(fromDuck).toEqual(fromPg);
    expect(fromPg.length).toBeGreaterThan(30);
    // The partitions are folders named year=YYYY/month=MM, one file each.
    const years = (await readdir(path.join(runDir, 'appointments'))).sort();
    expect(years[0]).toMatch(/^year=\d{4}$/);
    expect(await readdir(path.join(runDir, 'appointments', years[0] as string))).toEqual(expect.arrayContaining([expect.stringMatching(/^month=[1-9]\d?$/)]));
  });

  it('holds exactly the rows of every table (fingerprints over all columns)', async () => {
    const fingerprint = (rows: { line: string }[]) => createHash('md5').update(rows.map((r) => r.line).join('\n')).digest('hex');
    const apptLine = `concat_ws('|', booking_id, patient_id, doctor_id, booking_date, status, coalesce(source_row::text, '-'), coalesce(patient_first_booking::text, '-'))`;
    expect(fingerprint(await duck.query(`SELECT ${apptLine.replace(/::text/g, '::VARCHAR')} AS line FROM ${parquet('appointments')} ORDER BY booking_id`))).toBe(
      fingerprint(await pgRows(`SELECT ${apptLine} AS line FROM ${s}.appointments ORDER BY booking_id`)),
    );
    const doctorLine = `concat_ws('|', doctor_id, name, coalesce(specialty, '<null>'), is_placeholder, coalesce(source_row::text, '-'))`;
    const duckDoctors = await duck.query<{ line: string }>(`SELECT ${doctorLine.replace(/::text/g, '::VARCHAR')} AS line FROM ${parquet('doctors')} ORDER BY doctor_id`);
    const pgDoctors = await pgRows<{ line: string }>(`SELECT ${doctorLine.replace('is_placeholder', `CASE WHEN is_placeholder THEN 'true' ELSE 'false' END`)} AS line FROM ${s}.doctors ORDER BY doctor_id`);
    expect(duckDoctors).toEqual(pgDoctors);
  });

  it('keeps the placeholder doctors as placeholders', async () => {
    const fromDuck = await duck.query(`SELECT doctor_id::INT AS id, name, specialty FROM ${parquet('doctors')} WHERE is_placeholder ORDER BY 1`);
    const fromPg = await pgRows(`SELECT doctor_id AS id, name, specialty FROM ${s}.doctors WHERE is_placeholder ORDER BY 1`);
    expect(fromDuck).toEqual(fromPg);
    expect(fromPg.length).toBeGreaterThan(0);
    expect(fromPg.every((d) => (d as { name: string }).name === 'Unknown')).toBe(true);
  });

  it('keeps the rejected rows with their values as typed and their problems', async () => {
    const fromDuck = await duck.query<{ file: string; excel_row: number; reason: string; column_name: string | null; message: string; kept_row: number | null; raw: string; problems: string; run_id: string }>(
      `SELECT run_id::VARCHAR AS run_id, file, excel_row, reason, column_name, message, kept_row, to_json(raw)::VARCHAR AS raw, to_json(problems)::VARCHAR AS problems
         FROM ${parquet('rejected_rows')} ORDER BY file, excel_row`,
    );
    const fromPg = await pgRows<{ file: string; excel_row: number; reason: string; column_name: string | null; message: string; kept_row: number | null; raw: Record<string, string>; run_id: string }>(
      `SELECT run_id::text AS run_id, file, excel_row, reason, column_name, message, kept_row, raw FROM ${s}.rejected_rows ORDER BY file, excel_row`,
    );
    expect(fromDuck.length).toBe(fromPg.length);
    expect(fromPg.length).toBeGreaterThan(50);
    fromDuck.forEach((row, i) => {
      const expected = fromPg[i] as (typeof fromPg)[number];
      const { raw, problems, ...rest } = row;
      const { raw: expectedRaw, ...expectedRest } = expected;
      void expectedRaw;
      expect(rest).toEqual(expectedRest);
      expect(JSON.parse(raw)).toEqual(expected.raw);
      // The first problem is the row's reason; today the table keeps that one (issue 10 adds the rest).
      const list = JSON.parse(problems) as { reason: string; column_name: string | null; message: string }[];
      expect(list[0]).toEqual({ reason: expected.reason, column_name: expected.column_name, message: expected.message });
    });
  });

  it("carries the run's etl_runs row", async () => {
    const [fromDuck] = await duck.query<Record<string, string>>(
      `SELECT run_id::VARCHAR AS run_id, outcome, epoch_us(started_at)::VARCHAR AS started, epoch_us(finished_at)::VARCHAR AS finished, run_date::VARCHAR AS run_date,
              doctors_sha256, appointments_sha256, appointments_read::VARCHAR AS appointments_read, appointments_loaded::VARCHAR AS appointments_loaded
         FROM ${parquet('etl_runs')}`,
    );
    const [fromPg] = await pgRows<Record<string, string>>(
      `SELECT run_id::text, outcome, (extract(epoch FROM started_at) * 1000000)::bigint::text AS started, (extract(epoch FROM finished_at) * 1000000)::bigint::text AS finished,
              run_date::text, doctors_sha256, appointments_sha256, appointments_read::text, appointments_loaded::text
         FROM ${s}.etl_runs WHERE outcome = 'succeeded' ORDER BY run_id DESC LIMIT 1`,
    );
    expect(fromDuck).toEqual(fromPg);
    expect(Number(fromPg?.run_id)).toBe(written.runId);
  });

  it('is written by the export worker from a server given as saved settings (the app), the same table files as in this thread', async () => {
    // The app's pool has a password callback and TLS hooks, which cannot be posted to a thread:
    // the worker rebuilds the connection from the settings themselves.
    const parsed = parseServerUrl(h.db.url);
    if (!parsed.ok) throw new Error(parsed.problem.message);
    const dir = await mkdtemp(path.join(work, 'lake-worker-'));
    const again = await writeDatasetInWorker(
      { server: { ...parsed.address, certificates: NO_CERTIFICATES }, password: parsed.password },
      { schema: SCHEMA, runId: written.runId, dir, locationUrl: null, appVersion: 'test', rowGroupRows: 50 },
    );
    expect(again.runId).toBe(written.runId);
    expect(again.manifest.tables).toEqual(written.manifest.tables);
  });

  it('types every column as PostgreSQL does: DATE, INT32/INT64, BOOLEAN, UTF8 strings, never text for dates or numbers', async () => {
    const types = async (table: string) =>
      Object.fromEntries((await duck.query<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${parquet(table)}`)).map((r) => [r.column_name, r.column_type]));
    expect(await types('appointments')).toEqual({
      booking_id: 'BIGINT',
      patient_id: 'BIGINT',
      doctor_id: 'INTEGER',
      booking_date: 'DATE',
      status: 'VARCHAR',
      source_row: 'INTEGER',
      patient_first_booking: 'DATE',
      // The Hive keys of the path: the run folder's, then the partition's.
      run_id: 'BIGINT',
      year: 'BIGINT',
      month: 'BIGINT',
    });
    expect(await types('doctors')).toEqual({ doctor_id: 'INTEGER', name: 'VARCHAR', specialty: 'VARCHAR', is_placeholder: 'BOOLEAN', source_row: 'INTEGER' });
    const rejected = await types('rejected_rows');
    expect(rejected).toMatchObject({ run_id: 'BIGINT', excel_row: 'INTEGER', kept_row: 'INTEGER', raw: 'MAP(VARCHAR, VARCHAR)', problems: 'STRUCT(reason VARCHAR, column_name VARCHAR, message VARCHAR)[]' });
    const runs = await types('etl_runs');
    expect(runs).toMatchObject({ run_id: 'BIGINT', started_at: 'TIMESTAMP WITH TIME ZONE', run_date: 'DATE', doctors_read: 'INTEGER', outcome: 'VARCHAR' });
    expect(runs).not.toHaveProperty('backend_pid');
    // The physical Parquet types, as the file's own schema states them.
    const schema = await duck.query<{ name: string; type: string; logical_type: string | null; converted_type: string | null }>(
      `SELECT DISTINCT name, type, logical_type::VARCHAR AS logical_type, converted_type FROM parquet_schema(${sqlPath(path.join(runDir, 'appointments', '**', '*.parquet'))}) WHERE type IS NOT NULL ORDER BY name`,
    );
    const byName = Object.fromEntries(schema.map((r) => [r.name, r]));
    expect(byName.booking_id).toMatchObject({ type: 'INT64' });
    expect(byName.doctor_id).toMatchObject({ type: 'INT32' });
    expect(byName.booking_date).toMatchObject({ type: 'INT32', converted_type: 'DATE' });
    expect(byName.status).toMatchObject({ type: 'BYTE_ARRAY', converted_type: 'UTF8' });
  });

  it('puts the run id and the source files’ hashes in every file, compressed with snappy in several row groups', async () => {
    const run = (await pgRows<{ doctors_sha256: string; appointments_sha256: string }>(`SELECT doctors_sha256, appointments_sha256 FROM ${s}.etl_runs WHERE run_id = ${written.runId}`))[0];
    const meta = await duck.query<{ file_name: string; key: string; value: string }>(
      `SELECT file_name, decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata(${sqlPath(path.join(runDir, '**', '*.parquet'))})`,
    );
    const files = new Set(meta.map((m) => m.file_name));
    expect(files.size).toBe(written.manifest.files.filter((f) => f.path.endsWith('.parquet')).length);
    for (const file of files) {
      const kv = Object.fromEntries(meta.filter((m) => m.file_name === file).map((m) => [m.key, m.value]));
      expect(kv['healthtech.run_id']).toBe(String(written.runId));
      expect(kv['healthtech.doctors_sha256']).toBe(run?.doctors_sha256);
      expect(kv['healthtech.appointments_sha256']).toBe(run?.appointments_sha256);
    }
    const groups = await duck.query<{ compression: string; row_groups: number }>(
      `SELECT DISTINCT compression, (SELECT count(DISTINCT row_group_id) FROM parquet_metadata(${sqlPath(path.join(runDir, 'rejected_rows', '*.parquet'))}))::INT AS row_groups
         FROM parquet_metadata(${sqlPath(path.join(runDir, '**', '*.parquet'))})`,
    );
    expect(groups.map((g) => g.compression)).toEqual(['SNAPPY']);
    expect(groups[0]?.row_groups).toBeGreaterThan(1);
  });

  it('lists every file with rows and checksums in the manifest, _SUCCESS beside it, current.json pointing at the run, no temporary folder left', async () => {
    const manifest = JSON.parse(await readFile(path.join(runDir, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.run_id).toBe(written.runId);
    for (const file of manifest.files) {
      const bytes = await readFile(path.join(runDir, file.path));
      expect({ path: file.path, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length }).toEqual({ path: file.path, sha256: file.sha256, bytes: file.bytes });
    }
    const rows = (table: string) => manifest.files.filter((f) => f.table === table).reduce((sum, f) => sum + (f.rows ?? 0), 0);
    const counts = (await pgRows<Record<string, number>>(`SELECT (SELECT count(*)::int FROM ${s}.appointments) AS a, (SELECT count(*)::int FROM ${s}.doctors) AS d, (SELECT count(*)::int FROM ${s}.rejected_rows) AS r`))[0];
    expect([rows('appointments'), rows('doctors'), rows('rejected_rows'), rows('etl_runs')]).toEqual([counts?.a, counts?.d, counts?.r, 1]);
    expect(existsSync(path.join(runDir, '_SUCCESS'))).toBe(true);
    expect(JSON.parse(await readFile(path.join(root, 'current.json'), 'utf8'))).toMatchObject({ run_id: written.runId, prefix: `run_id=${written.runId}/`, manifest_sha256: written.manifestSha256 });
    expect((await readdir(root)).filter((name) => name.startsWith('.'))).toEqual([]);
    // The warehouse SQL is beside the data, pointing at the run in S3.
    const athena = await readFile(path.join(runDir, 'warehouse', 'athena.sql'), 'utf8');
    expect(athena).toContain(`LOCATION 's3://lake/healthtech/run_id=${written.runId}/appointments/'`);
    expect(athena).toMatch(/PARTITIONED BY \(`year` INT, `month` INT\)\nSTORED AS PARQUET/);
    const redshift = await readFile(path.join(runDir, 'warehouse', 'redshift.sql'), 'utf8');
    expect(redshift).toContain(`COPY "healthtech"."appointments" FROM 's3://lake/healthtech/run_id=${written.runId}/appointments/'\n  IAM_ROLE default\n  FORMAT AS PARQUET;`);
  });

  it('exports the same run again to the very same bytes (idempotent)', async () => {
    const before = await readFile(path.join(runDir, 'manifest.json'), 'utf8');
    const again = await withClient(h.target, 'exporting', (client) =>
      writeDataset(client, { schema: SCHEMA, runId: written.runId, dir: root, locationUrl: 's3://lake/healthtech', appVersion: 'test', rowGroupRows: 50 }),
    );
    expect(again.runDir).toBe(runDir);
    expect(await readFile(path.join(runDir, 'manifest.json'), 'utf8')).toBe(before);
    expect((await readdir(root)).sort()).toEqual(['current.json', `run_id=${written.runId}`]);
  });

  it('refuses a run that is not the loaded one, and a folder that cannot be written, leaving the database as it was', async () => {
    const before = await checksums(h.admin);
    const runsBefore = (await pgRows<{ n: number }>(`SELECT count(*)::int AS n FROM ${s}.etl_runs`))[0];
    await expect(withClient(h.target, 'exporting', (client) => writeDataset(client, { schema: SCHEMA, runId: written.runId + 1000, dir: root, locationUrl: null, appVersion: 'test' }))).rejects.toThrow(
      /Run \d+ is not the run loaded in schema "healthtech" now/,
    );
    const blocker = path.join(work, 'a-file');
    await writeFile(blocker, 'not a folder');
    const failure = await withClient(h.target, 'exporting', (client) =>
      writeDataset(client, { schema: SCHEMA, runId: 'latest', dir: path.join(blocker, 'lake'), locationUrl: null, appVersion: 'test' }),
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ExportError);
    expect((failure as ExportError).code).toBe('export_folder_unwritable');
    expect((failure as ExportError).message).toMatch(/^Cannot write the Parquet folder .*a-file\/lake: a part of the path is a file, not a folder\./);
    expect(await checksums(h.admin)).toEqual(before);
    expect((await pgRows<{ n: number }>(`SELECT count(*)::int AS n FROM ${s}.etl_runs`))[0]).toEqual(runsBefore);
  });
});
