/**
 * Where everything of an export lives, the same on disk and in S3 (relative to the target root):
 *
 *   run_id=42/                                   one run, never changed once _SUCCESS is there
 *     appointments/year=2025/month=10/part-00000-run42.parquet   (month=3, not 03)
 *     doctors/part-00000-run42.parquet
 *     rejected_rows/part-00000-run42.parquet
 *     etl_runs/part-00000-run42.parquet
 *     warehouse/athena.sql, warehouse/redshift.sql
 *     manifest.json                              files, rows, SHA-256 (written after the data)
 *     _SUCCESS                                   written last: the run is complete
 *   current.json                                 points at the latest complete run
 *
 * Names depend only on the run, so exporting a run again replaces it file for file.
 */
import type { LakeTable } from './columns';

export const MANIFEST = 'manifest.json';
export const SUCCESS = '_SUCCESS';
export const CURRENT_POINTER = 'current.json';
export const ATHENA_SQL = 'warehouse/athena.sql';
export const REDSHIFT_SQL = 'warehouse/redshift.sql';

export function runDirName(runId: number): string {
  return `run_id=${runId}`;
}

/**
 * Plain integers (`month=3`, not `month=03`): every engine reads them back as integers (DuckDB,
 * for one, keeps a zero-padded value as text).
 */
export function partitionPath(year: number, month: number): string {
  return `year=${year}/month=${month}`;
}

/** Path of a table's data file inside the run folder (always '/'-separated). */
export function dataFilePath(table: LakeTable, runId: number, partition?: { year: number; month: number }, part = 0): string {
  const name = `part-${String(part).padStart(5, '0')}-run${runId}.parquet`;
  return partition ? `${table}/${partitionPath(partition.year, partition.month)}/${name}` : `${table}/${name}`;
}

/** The pointer file's content: which run is current, and its manifest's checksum. */
export interface CurrentPointer {
  run_id: number;
  prefix: string;
  manifest: string;
  manifest_sha256: string;
}
