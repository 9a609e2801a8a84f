/**
 * Worker entry: the long or risky file work (reading and cleaning workbooks, identifying a dropped
 * file, exporting rejected rows) runs here, off the host's event loop and under the heap limit the
 * host set. Prepared tables come back already encoded for COPY, as transferable buffers, so a
 * million rows cross the boundary without being copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { doctorsCopy } from '../../db/copyText';
import { toErrorData } from '../errorData';
import { identifyWorkbook } from '../extract/identifyWorkbook';
import { exportRejectedWorkbook } from '../output/exportRejected';
import { writeCleanedOutputs } from '../output/writeOutputs';
import { prepareRun, type PrepareOptions } from '../prepareRun';
import type { EncodedTableData, HostMessage, PrepareResult, WorkerMessage, WorkerTask } from './protocol';

const port = parentPort;
if (!port) throw new Error('etlWorker must run in a worker thread');

const task = workerData as WorkerTask;
const controller = new AbortController();
port.on('message', (message: HostMessage) => {
  if (message.type === 'cancel') controller.abort();
});

const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

function encode(chunks: Iterable<string>, rows: number): EncodedTableData {
  const encoder = new TextEncoder();
  return { rows, chunks: Array.from(chunks, (chunk) => encoder.encode(chunk)) };
}

async function prepare(options: PrepareOptions, outputDir: string | undefined): Promise<void> {
  const run = await prepareRun(options, {
    signal: controller.signal,
    onProgress: (progress) => post({ type: 'progress', progress }),
    logger: { log: (level, message, fields) => post({ type: 'log', level, message, ...(fields ? { fields } : {}) }) },
  });
  const outputs = outputDir ? await writeCleanedOutputs(outputDir, run) : undefined;
  const doctors = encode(doctorsCopy(run.doctors), run.doctors.length);
  const fixes = run.fixes.toData();
  const result: PrepareResult = {
    report: run.report,
    fixes,
    doctors,
    appointments: run.appointments.columns,
    timings: run.timings,
    memory: { heapUsed: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss },
    ...(outputs ? { outputs } : {}),
  };
  const transfer = [...doctors.chunks.map((chunk) => chunk.buffer as ArrayBuffer), ...run.appointments.transferables(), fixes.rows.buffer as ArrayBuffer, fixes.pairIds.buffer as ArrayBuffer, fixes.pairKinds.buffer as ArrayBuffer];
  post({ type: 'done', result }, transfer);
}

void (async () => {
  try {
    switch (task.type) {
      case 'prepare':
        await prepare(task.options, task.outputDir);
        break;
      case 'identify':
        post({ type: 'done', result: await identifyWorkbook(task.path, controller.signal) });
        break;
      case 'export-rejected':
        post({ type: 'done', result: await exportRejectedWorkbook(task.outPath, task.sources, task.rejected, controller.signal) });
        break;
    }
  } catch (error) {
    post({ type: 'error', error: toErrorData(error) });
  }
})();
