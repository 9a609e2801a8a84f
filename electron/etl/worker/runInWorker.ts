/**
 * Runs file work in a worker thread, so a huge or hostile workbook can neither freeze the host
 * (the app's main process, the CLI's progress and Ctrl-C) nor take it down: the worker has its own
 * heap limit and a time bound, and is terminated if it does not stop on cancel.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppointmentTable } from '../appointmentTable';
import type { ConnectionRecipe } from '../../db/serverConnection';
import type { RollupCopy } from '../../db/rollupRows';
import { CancelledError, InputFileError, InternalError } from '../errors';
import { fromErrorData } from '../errorData';
import type { WorkbookIdentity } from '../extract/identifyWorkbook';
import { FixLog } from '../fixLog';
import { silentLogger, type Logger } from '../logger';
import type { RejectedSource } from '../output/exportRejected';
import type { OutputFiles } from '../output/writeOutputs';
import type { PrepareHooks, PrepareOptions, PrepareProgress, PreparedRun } from '../prepareRun';
import { PreviewLists, type RejectedListData } from '../previewLists';
import type { ReportSummary } from '../report';
import type { LakeProgress, WriteDatasetOptions, WrittenRun } from '../../lake/writeDataset';
import type { EncodedTableData, HostMessage, PrepareForLoadResult, PrepareResult, TaskResults, WorkerMessage, WorkerTask } from './protocol';

export interface WorkerLimits {
  /** Heap limit of the worker; exceeding it ends the task with a clear error, not a crash. */
  maxHeapMb?: number;
  /** Upper bound for the task. */
  timeoutMs?: number;
  /** How long a cancelled worker gets to stop by itself before it is terminated. */
  cancelGraceMs?: number;
}

export interface WorkerHooks {
  signal?: AbortSignal;
  onProgress?: (progress: PrepareProgress) => void;
  onLakeProgress?: (progress: LakeProgress) => void;
  /** A prepare task's result, ahead of the task's end. */
  onPrepared?: (result: PrepareResult | PrepareForLoadResult) => void;
  /** A load's rejected rows as COPY text, after its result. */
  onRejectedCopy?: (rejected: EncodedTableData) => void;
  /** A load's rollups, after its rejected rows. */
  onRollups?: (rollups: RollupCopy) => void;
  logger?: Logger;
  limits?: WorkerLimits;
  workerScript?: string;
}

export interface PreparedInWorker {
  /** The report without its long lists (those are `lists`). */
  report: ReportSummary;
  /** Rejected rows and suspicious dates, packed (previewLists.ts). */
  lists: PreviewLists;
  fixes: FixLog;
  doctors: EncodedTableData;
  /** Columns; its `chunks` are the COPY text, encoded as they are read. */
  appointments: AppointmentTable;
  /** The dashboard's rollups of the appointments, as COPY text (absent when skipped: a dry run). */
  rollups?: RollupCopy;
  timings: PreparedRun['timings'];
  /**
   * Settles when the worker is done: with the CSV outputs when an output folder was given (written
   * while the caller goes on, e.g. loads), rejected if writing them failed or was cancelled.
   */
  outputs: Promise<OutputFiles | undefined>;
  /** The worker's memory just before it answered. */
  workerMemory: { heapUsed: number; rss: number };
}

export function defaultHeapLimitMb(): number {
  // Enough for a few million rows; never more than half the machine.
  return Math.max(512, Math.min(4096, Math.floor(os.totalmem() / 1024 ** 2 / 2)));
}

let workerScriptOverride: string | undefined;

/** Packaged apps keep the worker outside the asar archive; the shell tells us where. */
export function setWorkerScript(file: string): void {
  workerScriptOverride = file;
}

/** The bundled worker next to this bundle (dist/node), or the project's build when run from source. */
export function resolveWorkerScript(): string {
  if (workerScriptOverride) return workerScriptOverride;
  const candidates = [path.join(__dirname, 'etl-worker.cjs'), path.resolve(__dirname, '..', '..', '..', 'dist', 'node', 'etl-worker.cjs')];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new InternalError('worker_missing', `The ETL worker is missing (looked for ${candidates.join(', ')}). Run npm run build:node.`);
  return found;
}

export function runInWorker<T extends WorkerTask>(task: T, hooks: WorkerHooks = {}, describeFile = ''): Promise<TaskResults[T['type']]> {
  const logger = hooks.logger ?? silentLogger;
  const limits = hooks.limits ?? {};
  const maxHeapMb = limits.maxHeapMb ?? defaultHeapLimitMb();
  const timeoutMs = limits.timeoutMs ?? 30 * 60_000;
  // Whatever a task's libraries write to os.tmpdir() (exceljs, used to write the export workbook
  // and as the reader's test oracle, spools sheets there) stays in a private folder, removed
  // when the task ends, even if it was stopped.
  const privateTmp = mkdtempSync(path.join(os.tmpdir(), 'healthtech-work-'));
  const worker = new Worker(hooks.workerScript ?? resolveWorkerScript(), {
    workerData: task,
    resourceLimits: { maxOldGenerationSizeMb: maxHeapMb },
    env: { ...process.env, TMPDIR: privateTmp, TMP: privateTmp, TEMP: privateTmp },
    stdout: false,
    stderr: false,
  });
  const removeTmp = () => rmSync(privateTmp, { recursive: true, force: true });
  const label = describeFile ? path.basename(describeFile) : 'the workbooks';

  return new Promise((resolve, reject) => {
    let settled = false;
    let cancelTimer: NodeJS.Timeout | undefined;
    const settle = (outcome: { value: TaskResults[T['type']] } | { error: Error }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(cancelTimer);
      hooks.signal?.removeEventListener('abort', onAbort);
      void worker.terminate().finally(removeTmp);
      if ('value' in outcome) resolve(outcome.value);
      else reject(outcome.error);
    };
    const timer = setTimeout(() => {
      settle({
        error: new InputFileError('read_timeout', `Reading ${label} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped.`, { file: describeFile }),
      });
    }, timeoutMs);
    const onAbort = () => {
      worker.postMessage({ type: 'cancel' } satisfies HostMessage);
      // A worker stuck inside one long synchronous step cannot see the message: stop it anyway.
      cancelTimer = setTimeout(() => settle({ error: new CancelledError() }), limits.cancelGraceMs ?? 1000);
    };
    hooks.signal?.addEventListener('abort', onAbort, { once: true });
    if (hooks.signal?.aborted) onAbort();

    worker.on('message', (message: WorkerMessage) => {
      switch (message.type) {
        case 'progress':
          hooks.onProgress?.(message.progress);
          break;
        case 'lake-progress':
          hooks.onLakeProgress?.(message.progress);
          break;
        case 'prepared':
          hooks.onPrepared?.(message.result);
          break;
        case 'rejected-copy':
          hooks.onRejectedCopy?.(message.rejected);
          break;
        case 'rollups':
          // Computed before the worker could see the cancel: the load they were for is stopping.
          if (!hooks.signal?.aborted) hooks.onRollups?.(message.rollups);
          break;
        case 'log':
          logger.log(message.level, message.message, message.fields);
          break;
        case 'done':
          settle({ value: message.result as TaskResults[T['type']] });
          break;
        case 'error':
          settle({ error: fromErrorData(message.error) });
          break;
      }
    });
    worker.on('error', (error: Error & { code?: string }) => {
      if (hooks.signal?.aborted) {
        settle({ error: new CancelledError() });
      } else if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        settle({
          error: new InputFileError(
            'too_large',
            `Reading ${label} needed more than ${maxHeapMb} MB of memory and was stopped; nothing else was affected. ` +
              'Split the file, or raise the memory limit.',
            { file: describeFile },
            { maxHeapMb },
          ),
        });
      } else {
        settle({ error: new InternalError('worker_failed', `The ETL worker failed: ${error.message}`) });
      }
    });
    worker.on('exit', (code) => {
      if (!settled) settle({ error: hooks.signal?.aborted ? new CancelledError() : new InternalError('worker_exited', `The ETL worker stopped unexpectedly (exit code ${code}).`) });
    });
  });
}

/** skipRollups: the run will not be loaded (a dry run), so the worker does not compute the dashboard's rollups. */
type PrepareTaskHooks = PrepareHooks & WorkerHooks & { outputDir?: string; skipRollups?: boolean };

/** Reads and cleans in a worker, for a preview: the report, its lists packed, and the fix log. */
export function prepareInWorker(options: PrepareOptions, hooks: PrepareTaskHooks = {}): Promise<PreparedInWorker> {
  return prepareTask({ options, hooks, forLoad: false }, (result, outputs) => {
    if (result.kind !== 'preview') throw new InternalError('worker_protocol', 'The ETL worker answered a preview with a load result.');
    return {
      report: result.report,
      lists: new PreviewLists(result.lists),
      fixes: FixLog.fromData(result.fixes),
      doctors: result.doctors,
      appointments: new AppointmentTable(result.appointments),
      ...(result.rollups ? { rollups: result.rollups } : {}),
      timings: result.timings,
      workerMemory: result.memory,
      outputs,
    };
  });
}

/** What the CLI loads: the report's summary and the final tables, the rejected rows as COPY text. */
export interface PreparedForLoad extends Omit<PreparedInWorker, 'lists' | 'fixes' | 'rollups'> {
  /** Arrives while the load copies the other tables; rejected if the worker fails first. */
  rejected: Promise<EncodedTableData>;
  /**
   * The dashboard's rollups, computed in the worker after the tables were handed over (while the
   * load copies them); rejected if the worker fails or is cancelled first. Absent when skipped.
   */
  rollups?: Promise<RollupCopy>;
}

/** Reads and cleans in a worker, for a load that shows no rows (the CLI): see PrepareForLoadResult. */
export function prepareForLoadInWorker(options: PrepareOptions, hooks: PrepareTaskHooks = {}): Promise<PreparedForLoad> {
  const rejected = arrival<EncodedTableData>();
  const rollups = arrival<RollupCopy>();
  return prepareTask({ options, hooks: { ...hooks, onRejectedCopy: rejected.arrived, onRollups: rollups.arrived }, forLoad: true }, (result, outputs, finished) => {
    if (result.kind !== 'load') throw new InternalError('worker_protocol', 'The ETL worker answered a load with a preview result.');
    return {
      report: result.report,
      rejected: rejected.settled(finished, 'the rejected rows'),
      doctors: result.doctors,
      appointments: new AppointmentTable(result.appointments),
      ...(hooks.skipRollups ? {} : { rollups: rollups.settled(finished, "the dashboard's rollups") }),
      timings: result.timings,
      workerMemory: result.memory,
      outputs,
    };
  });
}

/** Something the worker sends after its result: settled by its arrival, or by the worker's end without it (its error, if it failed). */
function arrival<T>() {
  let arrived: (value: T) => void = () => undefined;
  const value = new Promise<T>((resolve) => {
    arrived = resolve;
  });
  return {
    arrived: (item: T) => arrived(item),
    settled(finished: Promise<unknown>, what: string): Promise<T> {
      const settled = Promise.race([value, finished.then(() => Promise.reject(new InternalError('worker_exited', `The ETL worker finished without ${what}.`)))]);
      // Awaited by the load when it needs it: a run that fails first must not leave an unhandled rejection.
      settled.catch(() => undefined);
      return settled;
    },
  };
}

/**
 * Resolves with the worker's tables as soon as they arrive; the worker goes on writing the
 * outputs, and `outputs` settles when it is done.
 */
function prepareTask<T>(
  { options, hooks, forLoad }: { options: PrepareOptions; hooks: PrepareTaskHooks; forLoad: boolean },
  build: (result: PrepareResult | PrepareForLoadResult, outputs: Promise<OutputFiles | undefined>, finished: Promise<TaskResults['prepare']>) => T,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let prepared = false;
    const finished = runInWorker(
      { type: 'prepare', options, ...(hooks.outputDir ? { outputDir: hooks.outputDir } : {}), ...(forLoad ? { forLoad } : {}), ...(hooks.skipRollups ? { skipRollups: true } : {}) },
      {
        ...hooks,
        onPrepared: (result) => {
          prepared = true;
          const outputs = finished.then((outcome) => outcome.outputs);
          // Whoever asked for outputs awaits them; a run that fails first must not leave an unhandled rejection.
          outputs.catch(() => undefined);
          try {
            resolve(build(result, outputs, finished));
          } catch (error) {
            reject(error);
          }
        },
      },
      options.appointments.path,
    );
    finished.then(
      () => {
        if (!prepared) reject(new InternalError('worker_exited', 'The ETL worker finished without its result.'));
      },
      (error: unknown) => {
        if (!prepared) reject(error);
      },
    );
  });
}

export function identifyInWorker(file: string, hooks: WorkerHooks = {}): Promise<WorkbookIdentity> {
  return runInWorker({ type: 'identify', path: file }, { limits: { timeoutMs: 5 * 60_000 }, ...hooks }, file);
}

/** The rejected rows go packed (a copy of the buffers, no object graph to clone) and are decoded in the worker. */
export function exportRejectedInWorker(outPath: string, sources: RejectedSource[], rejected: RejectedListData, hooks: WorkerHooks = {}): Promise<{ rows: number }> {
  return runInWorker({ type: 'export-rejected', outPath, sources, rejected }, hooks, sources[0]?.path ?? '');
}

/**
 * A preview's rejected rows as COPY text without their run id, for its load: encoded in a worker
 * from the packed rows (a copy of their buffers crosses; the host's event loop stays free).
 */
export function rejectedCopyInWorker(lists: PreviewLists, report: Pick<ReportSummary, 'files'>, hooks: WorkerHooks = {}): Promise<EncodedTableData> {
  const { files } = report;
  const sources = { doctors: { name: files.doctors.name, sheet: files.doctors.sheet }, appointments: { name: files.appointments.name, sheet: files.appointments.sheet } };
  return runInWorker({ type: 'rejected-copy', rejected: lists.data.rejected, sources }, hooks);
}

/** The Parquet write of the data-lake export in the worker (see etlWorker's writeLake). */
export function writeDatasetInWorker(connection: ConnectionRecipe, options: WriteDatasetOptions, hooks: WorkerHooks = {}): Promise<WrittenRun> {
  const { signal, onProgress, logger, ...plain } = options;
  return runInWorker(
    { type: 'lake-write', connection, options: plain },
    { ...hooks, ...(signal ? { signal } : {}), ...(onProgress ? { onLakeProgress: onProgress } : {}), ...(logger ? { logger } : {}) },
    'the Parquet export',
  );
}
