/**
 * The data-lake export, end to end, as the CLI and the app run it: check the target (the folder
 * can be written, the bucket exists and accepts the credentials), write the loaded run as Parquet
 * into the folder (or a private temporary one when only S3 is the target), then upload it. The
 * database is only ever read.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { silentLogger, type Logger } from '../etl/logger';
import { checkFolderWritable } from './localFolder';
import { checkS3Target, createS3Target, describeTarget, type S3Target, type S3TargetOptions } from './s3Target';
import { s3Url } from './s3Location';
import { uploadRun, type UploadedRun } from './uploadRun';
import type { LakeProgress, WriteDatasetOptions, WrittenRun } from './writeDataset';

export interface LakeTarget {
  /** Folder the run folder goes into; kept after the export. */
  parquetDir?: string;
  s3?: S3TargetOptions;
}

export interface ExportOptions {
  target: LakeTarget;
  schema: string;
  runId: number | 'latest';
  appVersion: string;
  rowGroupRows?: number;
  partSize?: number;
  signal?: AbortSignal;
  onProgress?: (progress: LakeProgress) => void;
  logger?: Logger;
  /**
   * Writes the dataset: the CLI and the app pass writeDatasetInWorker (encoding is seconds of CPU
   * at a million rows, and hyparquet-writer then loads only in the self-contained worker bundle);
   * tests may pass writeInProcess.
   */
  write: (options: WriteDatasetOptions) => Promise<WrittenRun>;
}

export interface LakeExport {
  runId: number;
  /** The run folder on disk, when a Parquet folder was the target. */
  localDir: string | null;
  s3: UploadedRun | null;
  files: number;
  rows: Record<string, number>;
  bytes: number;
  ms: number;
}

export function hasLakeTarget(target: LakeTarget): boolean {
  return target.parquetDir !== undefined || target.s3 !== undefined;
}

/** Everything that can be checked before a load: run it first, so a bad target changes nothing. */
export async function checkLakeTarget(target: LakeTarget, signal?: AbortSignal): Promise<S3Target | undefined> {
  if (target.parquetDir !== undefined) await checkFolderWritable(path.resolve(target.parquetDir));
  if (!target.s3) return undefined;
  const s3 = createS3Target(target.s3);
  await checkS3Target(s3, signal);
  return s3;
}

export async function exportRun(options: ExportOptions): Promise<LakeExport> {
  const started = Date.now();
  const logger = options.logger ?? silentLogger;
  const s3 = await checkLakeTarget(options.target, options.signal);
  const dir = options.target.parquetDir !== undefined ? path.resolve(options.target.parquetDir) : await mkdtemp(path.join(os.tmpdir(), 'healthtech-lake-'));
  try {
    const writeOptions: WriteDatasetOptions = {
      schema: options.schema,
      runId: options.runId,
      dir,
      locationUrl: s3 ? s3Url(s3.location).replace(/\/$/, '') : null,
      appVersion: options.appVersion,
      logger,
      ...(options.rowGroupRows ? { rowGroupRows: options.rowGroupRows } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    };
    const written = await options.write(writeOptions);
    const uploaded = s3
      ? await uploadRun(written, s3, {
          logger,
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.onProgress ? { onProgress: options.onProgress } : {}),
          ...(options.partSize ? { partSize: options.partSize } : {}),
        })
      : null;
    const rows = Object.fromEntries(Object.entries(written.manifest.tables).map(([table, t]) => [table, t.rows]));
    const files = written.manifest.files;
    return {
      runId: written.runId,
      localDir: options.target.parquetDir !== undefined ? written.runDir : null,
      s3: uploaded,
      files: files.length,
      rows,
      bytes: files.reduce((sum, f) => sum + f.bytes, 0),
      ms: Date.now() - started,
    };
  } finally {
    if (options.target.parquetDir === undefined) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

export { describeTarget };
