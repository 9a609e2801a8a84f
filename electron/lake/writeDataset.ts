/**
 * Writes the loaded run as a Parquet dataset into a folder (see layout.ts): every table read from
 * one database snapshot, written into a private temporary folder beside the target, with the
 * warehouse SQL, the manifest and finally _SUCCESS; then renamed into place and current.json
 * moved to it. A crash or failure at any point leaves no half-written run folder (the temporary
 * one is removed), and the previous export stays as it was. The database is only read.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { CancelledError, EtlError, InternalError } from '../etl/errors';
import { silentLogger, type Logger } from '../etl/logger';
import { LAKE_TABLES, type LakeColumn, type LakeTable } from './columns';
import { CURRENT_POINTER, MANIFEST, SUCCESS, ATHENA_SQL, REDSHIFT_SQL, dataFilePath, runDirName, type CurrentPointer } from './layout';
import { folderError, checkFolderWritable, replaceFolder, syncFolder, syncPaths, writeFileAtomic } from './localFolder';
import { MANIFEST_FORMAT, manifestText, type Manifest, type ManifestFile, type ManifestTable } from './manifest';
import { withRunSnapshot, type RunSnapshot } from './loadedRun';
import { COMPRESSION, ParquetFileWriter } from './parquetFileWriter';
import { athenaSql, redshiftSql } from './warehouseSql';
import { WriteBehind } from './writeBehind';

export interface LakeProgress {
  phase: 'write' | 'upload';
  done: number;
  total: number;
  unit: 'rows' | 'bytes';
  /** What is being written or uploaded now (a table, or a file). */
  current: string;
}

export interface WriteDatasetOptions {
  schema: string;
  /** The run to export: it must be the one loaded now ('latest' = whichever that is). */
  runId: number | 'latest';
  /** Target root folder; the run goes into <dir>/run_id=N/. */
  dir: string;
  /** The S3 root the warehouse SQL points at (s3://bucket/prefix); null writes a stand-in to replace. */
  locationUrl: string | null;
  appVersion: string;
  rowGroupRows?: number;
  lockTimeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (progress: LakeProgress) => void;
  logger?: Logger;
}

export interface WrittenRun {
  runId: number;
  root: string;
  runDir: string;
  manifest: Manifest;
  manifestSha256: string;
  ms: number;
}

declare const __HYPARQUET_WRITER_VERSION__: string | undefined;
const WRITER_LIBRARY = `hyparquet-writer ${typeof __HYPARQUET_WRITER_VERSION__ === 'string' ? __HYPARQUET_WRITER_VERSION__ : ''}`.trim();

export async function writeDataset(client: pg.ClientBase, options: WriteDatasetOptions): Promise<WrittenRun> {
  const started = Date.now();
  const logger = options.logger ?? silentLogger;
  const root = path.resolve(options.dir);
  await checkFolderWritable(root);
  let temp: string | undefined;
  const behind = new WriteBehind();
  try {
    const tables = await withRunSnapshot(
      client,
      options.schema,
      options.runId,
      async (snapshot) => {
        temp = await mkdtemp(path.join(root, `.${runDirName(snapshot.run.run_id)}.tmp-`)).catch((error: unknown) => {
          throw folderError(root, error);
        });
        const written = { run: snapshot.run, ...(await writeTables(snapshot, temp, options, behind)) };
        // Every data file is on disk (not yet synced) before the snapshot ends.
        await behind.drain();
        return written;
      },
      { ...(options.lockTimeoutMs !== undefined ? { lockTimeoutMs: options.lockTimeoutMs } : {}) },
    );
    const runId = tables.run.run_id;
    const runDir = path.join(root, runDirName(runId));
    const tempDir = temp as string;
    const createdBy = `healthtech-etl ${options.appVersion} (${WRITER_LIBRARY})`;
    const years = tables.partitions.length > 0 ? { min: Math.min(...tables.partitions.map((p) => p.year)), max: Math.max(...tables.partitions.map((p) => p.year)) } : null;
    const runLocation = options.locationUrl ? `${options.locationUrl.replace(/\/+$/, '')}/${runDirName(runId)}/` : `s3://your-bucket/your-prefix/${runDirName(runId)}/`;
    const sqlInput = { schema: options.schema, runId, runLocation, placeholderLocation: !options.locationUrl, columns: tables.columns, years, createdBy };
    const files = [...tables.files];
    for (const [relative, text] of [
      [ATHENA_SQL, athenaSql(sqlInput)],
      [REDSHIFT_SQL, redshiftSql(sqlInput)],
    ] as const) {
      await mkdir(path.dirname(path.join(tempDir, relative)), { recursive: true });
      await writeFile(path.join(tempDir, relative), text);
      files.push({ path: relative, table: 'warehouse', rows: null, bytes: Buffer.byteLength(text), sha256: sha256(text) });
    }
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    // Everything the manifest lists, and the folders holding it, is on disk before the manifest is.
    await syncPaths(
      files.map((file) => path.join(tempDir, file.path)),
      foldersOf(files.map((file) => file.path)).map((folder) => path.join(tempDir, folder)),
    );
    const run = tables.run;
    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      run_id: runId,
      schema: options.schema,
      created_by: createdBy,
      compression: COMPRESSION,
      source_files: {
        doctors: { name: run.doctors_file ?? null, sheet: run.doctors_sheet ?? null, sha256: run.doctors_sha256 ?? null },
        appointments: { name: run.appointments_file ?? null, sheet: run.appointments_sheet ?? null, sha256: run.appointments_sha256 ?? null },
      },
      run,
      tables: tables.manifestTables,
      files,
    };
    const text = manifestText(manifest);
    await writeFileAtomic(path.join(tempDir, MANIFEST), text);
    // Last: whoever sees _SUCCESS may trust everything the manifest lists.
    await writeFileAtomic(path.join(tempDir, SUCCESS), '');
    await syncFolder(tempDir);
    throwIfAborted(options.signal);
    await replaceFolder(tempDir, runDir);
    temp = undefined;
    const manifestSha256 = sha256(text);
    const pointer: CurrentPointer = { run_id: runId, prefix: `${runDirName(runId)}/`, manifest: `${runDirName(runId)}/${MANIFEST}`, manifest_sha256: manifestSha256 };
    await writeFileAtomic(path.join(root, CURRENT_POINTER), `${JSON.stringify(pointer, null, 2)}\n`);
    const result = { runId, root, runDir, manifest, manifestSha256, ms: Date.now() - started };
    logger.log('info', 'parquet export written', { run_id: runId, files: files.length, ms: result.ms });
    return result;
  } catch (error) {
    if (error instanceof EtlError) throw error;
    const code = (error as NodeJS.ErrnoException)?.code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) throw folderError(root, error);
    throw error;
  } finally {
    if (temp) {
      // Files still being written would appear again behind the removal.
      await behind.drain().catch(() => undefined);
      await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    }
  }
}

interface WrittenTables {
  columns: Record<LakeTable, LakeColumn[]>;
  files: ManifestFile[];
  manifestTables: Record<LakeTable, ManifestTable>;
  partitions: { year: number; month: number; rows: number }[];
}

async function writeTables(snapshot: RunSnapshot, dir: string, options: WriteDatasetOptions, behind: WriteBehind): Promise<WrittenTables> {
  const run = snapshot.run;
  const runId = run.run_id;
  const total = LAKE_TABLES.reduce((sum, table) => sum + snapshot.counts[table], 0);
  let done = 0;
  let reported = 0;
  const report = (table: LakeTable) => {
    reported = done;
    options.onProgress?.({ phase: 'write', done, total, unit: 'rows', current: table });
  };
  const createdBy = `healthtech-etl ${options.appVersion} (${WRITER_LIBRARY})`;
  const baseMetadata = {
    'healthtech.run_id': String(runId),
    'healthtech.schema': snapshot.schema,
    'healthtech.doctors_file': String(run.doctors_file ?? ''),
    'healthtech.doctors_sha256': String(run.doctors_sha256 ?? ''),
    'healthtech.appointments_file': String(run.appointments_file ?? ''),
    'healthtech.appointments_sha256': String(run.appointments_sha256 ?? ''),
  };
  const columns = Object.fromEntries(LAKE_TABLES.map((table) => [table, snapshot.columns(table)])) as Record<LakeTable, LakeColumn[]>;
  const files: ManifestFile[] = [];
  const manifestTables = {} as Record<LakeTable, ManifestTable>;
  const partitions: { year: number; month: number; rows: number }[] = [];

  for (const table of LAKE_TABLES) {
    const tableColumns = columns[table];
    const kinds = tableColumns.map((c) => c.kind);
    const partitioned = table === 'appointments';
    let writer: ParquetFileWriter | undefined;
    let partition: { year: number; month: number } | undefined;
    let tableRows = 0;

    const open = async (where?: { year: number; month: number }) => {
      const relative = dataFilePath(table, runId, where);
      const metadata: Record<string, string> = { ...baseMetadata, 'healthtech.table': table };
      if (where) metadata['healthtech.partition'] = `year=${where.year}/month=${where.month}`;
      writer = await ParquetFileWriter.create(
        path.join(dir, relative),
        tableColumns,
        { metadata, createdBy, ...(options.rowGroupRows ? { rowGroupRows: options.rowGroupRows } : {}) },
        behind,
      );
      return relative;
    };
    let relative = partitioned ? '' : await open();
    const close = async () => {
      if (!writer) return;
      const written = await writer.finish();
      writer = undefined;
      files.push({ path: relative, table, ...(partition ? { partition } : {}), rows: written.rows, bytes: written.bytes, sha256: written.sha256 });
      if (partition) partitions.push({ ...partition, rows: written.rows });
    };

    try {
      const extra = partitioned ? ['EXTRACT(YEAR FROM booking_date)::int', 'EXTRACT(MONTH FROM booking_date)::int'] : [];
      for await (const batch of snapshot.rows(table, extra)) {
        throwIfAborted(options.signal);
        for (const fields of batch) {
          if (partitioned) {
            const year = Number(fields[kinds.length]);
            const month = Number(fields[kinds.length + 1]);
            if (!partition || partition.year !== year || partition.month !== month) {
              await close();
              partition = { year, month };
              relative = await open(partition);
            }
          }
          const groupWritten = (writer as ParquetFileWriter).add(fields);
          if (groupWritten) await groupWritten;
          tableRows += 1;
        }
        done += batch.length;
        // A batch is one network chunk (a few hundred rows): reporting each would be thousands of
        // messages to the window for a million rows.
        if (done - reported >= PROGRESS_EVERY_ROWS) report(table);
      }
      await close();
      report(table);
    } catch (error) {
      writer?.abandon();
      throw error;
    }
    if (tableRows !== snapshot.counts[table]) {
      throw new InternalError('export_count_mismatch', `The export of ${table} wrote ${tableRows} rows but the table has ${snapshot.counts[table]}; nothing was exported.`);
    }
    manifestTables[table] = {
      path: `${table}/`,
      rows: tableRows,
      columns: tableColumns.map((c) => ({ name: c.name, parquet: c.kind, nullable: !c.required })),
      ...(partitioned ? { partitionedBy: ['year', 'month'] as ['year', 'month'], partitions: partitions.map((p) => ({ ...p })) } : {}),
    };
  }
  return { columns, files, manifestTables, partitions };
}

/** Every folder on the way to the given '/'-separated relative paths (not the root itself). */
function foldersOf(relativePaths: readonly string[]): string[] {
  const folders = new Set<string>();
  for (const relative of relativePaths) {
    for (let end = relative.lastIndexOf('/'); end > 0; end = relative.lastIndexOf('/', end - 1)) folders.add(relative.slice(0, end));
  }
  return [...folders];
}

const PROGRESS_EVERY_ROWS = 10_000;

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError('Export cancelled; nothing was written to the target.');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
