/** Messages between the reading worker and its host (CLI process or Electron main). */
import type { ErrorData } from '../errorData';
import type { FixLogData } from '../fixLog';
import type { LogFields, LogLevel } from '../logger';
import type { OutputFiles } from '../output/writeOutputs';
import type { PrepareOptions, PrepareProgress, PreparedRun } from '../prepareRun';
import type { PreviewReport } from '../report';

export interface WorkerInput {
  options: PrepareOptions;
  /** When set, the worker also writes the cleaned CSVs there (it holds the rows). */
  outputDir?: string;
}

/** A final table in COPY text form: chunks are transferred, not copied. */
export interface EncodedTableData {
  rows: number;
  chunks: Uint8Array[];
}

export type WorkerMessage =
  | { type: 'progress'; progress: PrepareProgress }
  | { type: 'log'; level: LogLevel; message: string; fields?: LogFields }
  | {
      type: 'done';
      report: PreviewReport;
      fixes: FixLogData;
      doctors: EncodedTableData;
      appointments: EncodedTableData;
      timings: PreparedRun['timings'];
      outputs?: OutputFiles;
      memory: { heapUsed: number; rss: number };
    }
  | { type: 'error'; error: ErrorData };

export type HostMessage = { type: 'cancel' };
