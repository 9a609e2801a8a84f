/**
 * Runs prepareRun in a worker thread, so reading a huge or hostile workbook can neither freeze
 * the host (the app's main process, the CLI's progress and Ctrl-C) nor take it down: the worker
 * has its own heap limit, a time bound, and is terminated if it does not stop on cancel.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CancelledError, InputFileError, InternalError } from '../errors';
import { fromErrorData } from '../errorData';
import { FixLog } from '../fixLog';
import { silentLogger } from '../logger';
import type { OutputFiles } from '../output/writeOutputs';
import type { PrepareHooks, PrepareOptions, PreparedRun } from '../prepareRun';
import type { PreviewReport } from '../report';
import type { EncodedTableData, HostMessage, WorkerInput, WorkerMessage } from './protocol';

export interface WorkerLimits {
  /** Heap limit of the worker; exceeding it ends the read with a clear error, not a crash. */
  maxHeapMb?: number;
  /** Upper bound for reading and cleaning both files. */
  timeoutMs?: number;
  /** How long a cancelled worker gets to stop by itself before it is terminated. */
  cancelGraceMs?: number;
}

export interface PreparedInWorker {
  report: PreviewReport;
  fixes: FixLog;
  doctors: EncodedTableData;
  appointments: EncodedTableData;
  timings: PreparedRun['timings'];
  outputs?: OutputFiles;
  /** The worker's memory just before it answered. */
  workerMemory: { heapUsed: number; rss: number };
}

export function defaultHeapLimitMb(): number {
  // Enough for a few million rows; never more than half the machine.
  return Math.max(512, Math.min(4096, Math.floor(os.totalmem() / 1024 ** 2 / 2)));
}

/** The bundled worker next to this bundle (dist/node), or the project's build when run from source. */
export function resolveWorkerScript(): string {
  const candidates = [path.join(__dirname, 'prepare-worker.cjs'), path.resolve(__dirname, '..', '..', '..', 'dist', 'node', 'prepare-worker.cjs')];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new InternalError('worker_missing', `The reading worker is missing (looked for ${candidates.join(', ')}). Run npm run build:node.`);
  return found;
}

export function prepareInWorker(
  options: PrepareOptions,
  hooks: PrepareHooks & { outputDir?: string; limits?: WorkerLimits; workerScript?: string } = {},
): Promise<PreparedInWorker> {
  const logger = hooks.logger ?? silentLogger;
  const limits = hooks.limits ?? {};
  const maxHeapMb = limits.maxHeapMb ?? defaultHeapLimitMb();
  const timeoutMs = limits.timeoutMs ?? 30 * 60_000;
  const workerData: WorkerInput = { options, ...(hooks.outputDir ? { outputDir: hooks.outputDir } : {}) };
  const worker = new Worker(hooks.workerScript ?? resolveWorkerScript(), {
    workerData,
    resourceLimits: { maxOldGenerationSizeMb: maxHeapMb },
    // Our own env for the worker: exceljs spools sheets to os.tmpdir(); keep that ours.
    env: { ...process.env },
    stdout: false,
    stderr: false,
  });

  return new Promise<PreparedInWorker>((resolve, reject) => {
    let settled = false;
    let cancelTimer: NodeJS.Timeout | undefined;
    const settle = (outcome: { value: PreparedInWorker } | { error: Error }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(cancelTimer);
      hooks.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      if ('value' in outcome) resolve(outcome.value);
      else reject(outcome.error);
    };
    const timer = setTimeout(() => {
      settle({
        error: new InputFileError(
          'read_timeout',
          `Reading ${path.basename(options.appointments.path)} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped.`,
          { file: options.appointments.path },
        ),
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
        case 'log':
          logger.log(message.level, message.message, message.fields);
          break;
        case 'done':
          settle({
            value: {
              report: message.report,
              fixes: FixLog.fromData(message.fixes),
              doctors: message.doctors,
              appointments: message.appointments,
              timings: message.timings,
              workerMemory: message.memory,
              ...(message.outputs ? { outputs: message.outputs } : {}),
            },
          });
          break;
        case 'error':
          settle({ error: fromErrorData(message.error) });
          break;
      }
    });
    worker.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        settle({
          error: new InputFileError(
            'too_large',
            `Reading the workbooks needed more than ${maxHeapMb} MB of memory and was stopped; nothing else was affected. ` +
              'Split the file, or raise the memory limit.',
            { file: options.appointments.path },
            { maxHeapMb },
          ),
        });
      } else {
        settle({ error: new InternalError('worker_failed', `The reading worker failed: ${error.message}`) });
      }
    });
    worker.on('exit', (code) => {
      if (!settled) settle({ error: hooks.signal?.aborted ? new CancelledError() : new InternalError('worker_exited', `The reading worker stopped unexpectedly (exit code ${code}).`) });
    });
  });
}
