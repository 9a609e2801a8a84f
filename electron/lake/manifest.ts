/**
 * manifest.json: what one run's export holds — every file with its rows, bytes and SHA-256, the
 * tables with their columns and partitions, the run (its etl_runs row) and the source workbooks'
 * hashes. Written after the data, just before _SUCCESS; readers and the upload check files
 * against it. Deterministic for a run: no export time, so exporting again changes nothing.
 */
import type { LakeTable } from './columns';
import type { RunRecord } from './loadedRun';

export const MANIFEST_FORMAT = 'healthtech-etl.lake-manifest/1';

export interface ManifestFile {
  /** Relative to the run folder, '/'-separated. */
  path: string;
  table: LakeTable | 'warehouse';
  partition?: { year: number; month: number };
  /** Data rows (null for the SQL files). */
  rows: number | null;
  bytes: number;
  sha256: string;
}

export interface ManifestTable {
  path: string;
  rows: number;
  columns: { name: string; parquet: string; nullable: boolean }[];
  partitionedBy?: ['year', 'month'];
  partitions?: { year: number; month: number; rows: number }[];
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  run_id: number;
  schema: string;
  created_by: string;
  compression: string;
  source_files: Record<'doctors' | 'appointments', { name: unknown; sheet: unknown; sha256: unknown }>;
  run: RunRecord;
  tables: Record<LakeTable, ManifestTable>;
  files: ManifestFile[];
}

export function manifestText(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
