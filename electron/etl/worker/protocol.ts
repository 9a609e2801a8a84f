/** Messages between the ETL worker and its host (CLI process or Electron main). */
import type { AppointmentColumns } from '../appointmentTable';
import type { ErrorData } from '../errorData';
import type { WorkbookIdentity } from '../extract/identifyWorkbook';
import type { FixLogData } from '../fixLog';
import type { LogFields, LogLevel } from '../logger';
import type { RejectedSource } from '../output/exportRejected';
import type { OutputFiles } from '../output/writeOutputs';
import type { PrepareOptions, PrepareProgress, PreparedRun } from '../prepareRun';
import type { PreviewListsData, RejectedListData } from '../previewLists';
import type { ReportSummary } from '../report';
import type { LakeProgress, WriteDatasetOptions, WrittenRun } from '../../lake/writeDataset';
import type { ConnectionRecipe } from '../../db/serverConnection';
import type { RollupCopy } from '../../db/rollupRows';

/** The data-lake write as the worker takes it: plain data only (no signal, callbacks or logger). */
export type LakeWriteOptions = Omit<WriteDatasetOptions, 'signal' | 'onProgress' | 'logger'>;

/** A final table in COPY text form: chunks are transferred, not copied. */
export interface EncodedTableData {
  rows: number;
  chunks: Uint8Array[];
}

interface PreparedTables {
  doctors: EncodedTableData;
  /** The final appointments' columns, in shared memory. */
  appointments: AppointmentColumns;
  /**
   * The dashboard's rollups of those appointments, as COPY text (transferred): a preview's; a
   * load's follow its rejected rows ('rollups'); absent when skipped.
   */
  rollups?: RollupCopy;
  timings: PreparedRun['timings'];
  memory: { heapUsed: number; rss: number };
}

/**
 * A preview's result: the report's summary, its long lists packed (transferred, see
 * previewLists.ts) and the fix log. A load of it asks for the rejected rows' COPY text with a
 * 'rejected-copy' task.
 */
export interface PrepareResult extends PreparedTables {
  kind: 'preview';
  report: ReportSummary;
  lists: PreviewListsData;
  fixes: FixLogData;
}

/** A load's result (the CLI's): the report's summary; the rejected rows follow as COPY text ('rejected-copy'). */
export interface PrepareForLoadResult extends PreparedTables {
  kind: 'load';
  report: ReportSummary;
}

/** How a prepare task ends, after its result went ahead: the CSV outputs, when it was asked to write them. */
export interface PrepareOutcome {
  outputs?: OutputFiles;
}

/** What the worker is asked to do (its workerData). */
export type WorkerTask =
  /**
   * `forLoad`: the host loads and prints counts (PrepareForLoadResult), it shows no rows.
   * `skipRollups`: the run will not be loaded (a dry run), so the dashboard's rollups are not computed.
   */
  | { type: 'prepare'; options: PrepareOptions; outputDir?: string; forLoad?: boolean; skipRollups?: boolean }
  | { type: 'identify'; path: string }
  /** The rejected rows as the preview keeps them (packed; decoded in the worker). */
  | { type: 'export-rejected'; outPath: string; sources: RejectedSource[]; rejected: RejectedListData }
  /** The rejected rows of a preview in COPY text without their run id, for its load. */
  | { type: 'rejected-copy'; rejected: RejectedListData; sources: Record<'doctors' | 'appointments', { name: string; sheet: string }> }
  /** The database connection string includes the password: it stays in this process's memory. */
  | { type: 'lake-write'; connection: ConnectionRecipe; options: LakeWriteOptions };

export interface TaskResults {
  prepare: PrepareOutcome;
  identify: WorkbookIdentity;
  'export-rejected': { rows: number };
  'lake-write': WrittenRun;
  'rejected-copy': EncodedTableData;
}

export type WorkerMessage =
  | { type: 'progress'; progress: PrepareProgress }
  /** A prepare task's tables and report, sent as soon as they exist; its outputs follow with 'done'. */
  | { type: 'prepared'; result: PrepareResult | PrepareForLoadResult }
  /** After a load's result: the rejected rows in COPY text without their run id (the load copies them last). */
  | { type: 'rejected-copy'; rejected: EncodedTableData }
  /** After a load's rejected rows: the dashboard's rollups, computed while the host copied (the load awaits them at its index step). */
  | { type: 'rollups'; rollups: RollupCopy }
  | { type: 'lake-progress'; progress: LakeProgress }
  | { type: 'log'; level: LogLevel; message: string; fields?: LogFields }
  | { type: 'done'; result: TaskResults[keyof TaskResults] }
  | { type: 'error'; error: ErrorData };

export type HostMessage = { type: 'cancel' };
