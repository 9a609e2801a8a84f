/**
 * Worker entry: reads and cleans both workbooks off the host's event loop, with the heap limit
 * the host set, and hands back the report plus the final tables already encoded for COPY (as
 * transferable buffers, so a million rows cross the boundary without being copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { appointmentsCopy, doctorsCopy } from '../../db/copyText';
import { toErrorData } from '../errorData';
import { writeCleanedOutputs } from '../output/writeOutputs';
import { prepareRun } from '../prepareRun';
import type { EncodedTableData, HostMessage, WorkerInput, WorkerMessage } from './protocol';

const port = parentPort;
if (!port) throw new Error('prepareWorker must run in a worker thread');

const input = workerData as WorkerInput;
const controller = new AbortController();
port.on('message', (message: HostMessage) => {
  if (message.type === 'cancel') controller.abort();
});

const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

function encode(chunks: Iterable<string>, rows: number): EncodedTableData {
  const encoder = new TextEncoder();
  return { rows, chunks: Array.from(chunks, (chunk) => encoder.encode(chunk)) };
}

void (async () => {
  try {
    const run = await prepareRun(input.options, {
      signal: controller.signal,
      onProgress: (progress) => post({ type: 'progress', progress }),
      logger: { log: (level, message, fields) => post({ type: 'log', level, message, ...(fields ? { fields } : {}) }) },
    });
    const outputs = input.outputDir ? await writeCleanedOutputs(input.outputDir, run) : undefined;
    const doctors = encode(doctorsCopy(run.doctors), run.doctors.length);
    const appointments = encode(appointmentsCopy(run.appointments), run.appointments.length);
    const fixes = run.fixes.toData();
    const memory = { heapUsed: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss };
    const transfer = [...doctors.chunks, ...appointments.chunks, fixes.rows, fixes.pairIds].map((view) => view.buffer as ArrayBuffer);
    post({ type: 'done', report: run.report, fixes, doctors, appointments, timings: run.timings, memory, ...(outputs ? { outputs } : {}) }, transfer);
  } catch (error) {
    post({ type: 'error', error: toErrorData(error) });
  }
})();
