/**
 * Worker entry: the long or risky file work (reading and cleaning workbooks, identifying a dropped
 * file, exporting rejected rows) runs here, off the host's event loop and under the heap limit the
 * host set. Prepared tables come back already encoded for COPY, as transferable buffers, so a
 * million rows cross the boundary without being copied.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import type { ConnectionRecipe } from '../../db/serverConnection';
import { doctorsCopy, rejectedCopyWithoutRunId } from '../../db/copyText';
import { rollupsOf } from '../../db/rollups';
import { collectGarbage } from '../collectGarbage';
import { fillPatientGroups, groupPatients, pendingPatientGroups, type PatientGroups } from '../patientGroups';
import { toErrorData } from '../errorData';
import { identifyWorkbook } from '../extract/identifyWorkbook';
import { CleanedOutputs, type OutputFiles } from '../output/writeOutputs';
import { prepareRun, type PrepareOptions, type PreparedRun } from '../prepareRun';
import { decodeRejected, encodePreviewLists, previewListsTransferables } from '../previewLists';
import { fixLogTransferables } from '../fixLog';
import type { RollupCopy } from '../../db/rollupRows';
import { CancelledError, InternalError, isEtlError } from '../errors';
import { summariseReport } from '../report';
import type * as Extras from './workerExtras';
import type { EncodedTableData, HostMessage, LakeWriteOptions, PrepareForLoadResult, PrepareResult, WorkerMessage, WorkerTask } from './protocol';

const port = parentPort;
if (!port) throw new Error('etlWorker must run in a worker thread');

const task = workerData as WorkerTask;
const controller = new AbortController();
port.on('message', (message: HostMessage) => {
  if (message.type === 'cancel') controller.abort();
});

type WorkerExtras = typeof Extras;

/** Loaded by the first task that needs it (see workerExtras.ts); beside this bundle once built. */
let extras: WorkerExtras | undefined;
function loadExtras(): WorkerExtras {
  extras ??= createRequire(__filename)(path.join(__dirname, 'etl-worker-extras.cjs')) as WorkerExtras;
  return extras;
}

/** Handles a cancel waiting on the port now, from inside a step that does not yield to the event loop. */
function takeCancel(): void {
  for (let received = receiveMessageOnPort(port as MessagePort); received; received = receiveMessageOnPort(port as MessagePort)) {
    if ((received.message as HostMessage).type === 'cancel') controller.abort();
  }
}

const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

function encode(chunks: Iterable<string>, rows: number): EncodedTableData {
  const encoder = new TextEncoder();
  return { rows, chunks: Array.from(chunks, (chunk) => encoder.encode(chunk)) };
}

async function prepare(options: PrepareOptions, outputDir: string | undefined, forLoad: boolean, skipRollups: boolean): Promise<void> {
  const { written, rollupRows } = await prepareAndWrite(options, outputDir, forLoad, skipRollups);
  if (rollupRows) {
    // After the outputs, while the server builds the load's keys and indexes: the load copies the
    // rollups after those. Computed earlier, during the COPYs, they competed with the host and
    // the server for the two cores and their temporary arrays met the outputs' at the run's
    // peak memory (414 MiB at a million rows, against 373–399 MiB before).
    // A full collection before the rollups' temporary arrays are allocated: what writing the outputs
    // left (buffers, strings) would otherwise still be held when they are, and the two together made
    // the run's peak memory (419 MiB at a million rows, against 384–394 MiB before the rollups moved
    // after the outputs). Off the load's path: the load is building its indexes meanwhile. Needed, by
    // measurement: with the load's index step on two sessions, the CLI at a million openpyxl rows into
    // PostgreSQL 15 peaked at 352–418 MiB without it (median 370) against 327–357 MiB with it (median
    // 329), three paired runs each at load average 9–18, no more CPU with it. Nothing the outputs
    // leave is still referenced here (they go out of scope with `outputs.write`): V8 just had no
    // reason yet to collect them before the next allocations (collectGarbage.ts).
    collectIfLarge(rollupRows);
    // And again once the rollups' row-sized arrays are unreachable, before their largest tables
    // are encoded (rollupCopy says why).
    postRollups(computeRollups(rollupRows, () => collectIfLarge(rollupRows)));
  }
  post({ type: 'done', result: written ? { outputs: written } : {} });
}

/**
 * Reads, cleans and hands the tables over, then writes the CSVs; gives back the tables the rollups
 * still have to be computed from, when they come last. Apart from prepare so that the prepared run
 * (the report with its rejected rows and suspicious dates, the fix log) is unreachable once this
 * returns: nothing after the CSVs reads it, and held to the end it was most of the heap each of the
 * two full collections around the rollups marked (~27 of ~33 MB at a million openpyxl rows, ~45 of
 * the ~60 ms of CPU each took; the same prepared run with and without it, one process).
 */
async function prepareAndWrite(
  options: PrepareOptions,
  outputDir: string | undefined,
  forLoad: boolean,
  skipRollups: boolean,
): Promise<{ written: OutputFiles | undefined; rollupRows: RollupRows | undefined }> {
  const run = await prepareRun(options, {
    signal: controller.signal,
    onProgress: (progress) => post({ type: 'progress', progress }),
    logger: { log: (level, message, fields) => post({ type: 'log', level, message, ...(fields ? { fields } : {}) }) },
  });
  // Once, in shared memory, for the host's COPY and the rollups here (patientGroups.ts says why).
  // A load gets them filled after the tables go (pendingPatientGroups says why).
  const { columns } = run.appointments;
  const pendingGroups = forLoad ? pendingPatientGroups(run.appointments.length) : undefined;
  columns.patientGroups = pendingGroups ?? groupPatients(columns, true);
  // Opened before the tables go: a folder that cannot be written stops the run before the load.
  const outputs = outputDir ? await CleanedOutputs.open(outputDir) : undefined;
  // A preview keeps the dashboard's rollups with its tables (the app loads them later); a load
  // gets the tables first and the rollups last, computed while the host loads (the appointment
  // columns are shared memory, so they are still here to read).
  const rollups = skipRollups || forLoad ? undefined : computeRollups(run);
  const doctors = encode(doctorsCopy(run.doctors), run.doctors.length);
  const tables = {
    doctors,
    appointments: run.appointments.columns,
    ...(rollups ? { rollups } : {}),
    timings: run.timings,
    memory: { heapUsed: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss },
  };
  const transfer = [...doctors.chunks.map((chunk) => chunk.buffer as ArrayBuffer), ...(rollups ? rollupBuffers(rollups) : []), ...run.appointments.transferables()];
  const { files } = run.report;
  const sources = { doctors: { name: files.doctors.name, sheet: files.doctors.sheet }, appointments: { name: files.appointments.name, sheet: files.appointments.sheet } };
  const loadRollups = forLoad && !skipRollups;
  if (forLoad) {
    const result: PrepareForLoadResult = { kind: 'load', ...tables, report: summariseReport(run.report) };
    post({ type: 'prepared', result }, transfer);
    fillPatientGroups(columns, pendingGroups as PatientGroups);
    // Encoded while the host copies the appointments; the load copies the rejected rows last.
    const rejected = { rows: run.report.rejected.length, chunks: rejectedCopyWithoutRunId(run.report.rejected, sources) };
    post({ type: 'rejected-copy', rejected }, rejected.chunks.map((chunk) => chunk.buffer as ArrayBuffer));
    // What reading and cleaning left dead in this heap is collected now, before the outputs are
    // written here while the host encodes and copies the appointments. V8 otherwise collected it
    // in the middle of those two (--trace-gc, a million openpyxl rows: a full collection there,
    // 82 → 38 MB of heap), and that overlap was the run's peak memory once the rollups' was
    // lowered (rollupRows.ts): CLI peak RSS 331–347 MiB against 341–371 MiB (median 367) before
    // both changes, PostgreSQL 15, alternating runs at load average 9–15, CPU time unchanged
    // within the noise. The collection V8 made there is made here instead.
    collectIfLarge(run);
  } else {
    // A preview may never be loaded: its rejected rows' COPY text is made when a load asks for it
    // (rejectedCopyInWorker), from the packed rows.
    const fixes = run.fixes.toData();
    const lists = encodePreviewLists(run.report);
    const result: PrepareResult = { kind: 'preview', ...tables, report: summariseReport(run.report), lists, fixes };
    post({ type: 'prepared', result }, [...transfer, ...previewListsTransferables(lists), ...fixLogTransferables(fixes)]);
  }
  // Below COLLECT_FROM_ROWS the peak memory is far from any limit, and the order follows what the
  // load waits for: the rollups at the start of its index step, the CSVs only before its commit.
  // After the CSVs, the index step waited for the rollups (~70 ms at 100k openpyxl rows,
  // PostgreSQL 15; 0 ms before them, medians of ten runs each at load average 3–6).
  const rollupsFirst = loadRollups && run.appointments.length < COLLECT_FROM_ROWS;
  if (rollupsFirst) {
    try {
      postRollups(computeRollups(run));
    } catch (error) {
      await outputs?.discard();
      throw error;
    }
  }
  // The host loads while the CSVs are written here (the appointment columns are shared memory),
  // and commits only after they are complete.
  const rollupRows = loadRollups && !rollupsFirst ? { doctors: run.doctors, appointments: run.appointments } : undefined;
  const written = outputs ? await outputs.write(run, controller.signal) : undefined;
  return { written, rollupRows };
}

function postRollups(rollups: RollupCopy): void {
  // A cancel that came while they were computed has not been seen yet (the computation does not
  // yield): look for it before they go, so the task ends cancelled rather than complete.
  takeCancel();
  if (controller.signal.aborted) throw new CancelledError();
  post({ type: 'rollups', rollups }, rollupBuffers(rollups));
}

/**
 * The full collections above are for the peak memory of large runs. Below this many appointments
 * that peak is far from any limit (~130 MiB at 100k rows) and each collection only costs time:
 * the three took ~100 ms of the worker's CPU at 100k openpyxl rows (--trace-gc), two of them on the
 * load's path (it waits for the rollups).
 */
const COLLECT_FROM_ROWS = 300_000;

/** A prepared run's tables, all the rollups read. */
type RollupRows = Pick<PreparedRun, 'doctors' | 'appointments'>;

function collectIfLarge(run: RollupRows): void {
  if (run.appointments.length >= COLLECT_FROM_ROWS) collectGarbage();
}

/** The dashboard's rollups of a prepared run; a failure says what failed (the load it was for rolls back). */
function computeRollups(run: RollupRows, afterRows?: () => void): RollupCopy {
  post({ type: 'log', level: 'debug', message: 'computing rollups' });
  const started = Date.now();
  let rollups: RollupCopy;
  try {
    rollups = rollupsOf(run, afterRows);
  } catch (error) {
    if (isEtlError(error)) throw error;
    throw new InternalError('rollups_failed', `Computing the dashboard's sums of the appointments failed (${(error as Error)?.message ?? String(error)}); nothing was loaded.`, {}, { cause: error });
  }
  post({ type: 'log', level: 'debug', message: 'rollups computed', fields: { ms: Date.now() - started } });
  return rollups;
}

function rollupBuffers(rollups: RollupCopy): ArrayBuffer[] {
  return Object.values(rollups).flatMap((table) => table.chunks.map((chunk) => chunk.buffer as ArrayBuffer));
}

/**
 * Reads the loaded run from the database and encodes it as Parquet, off the host's event loop
 * (encoding a row group of a million rows is seconds of CPU). Its own connection: closed at the
 * end, and simply dropped on failure (the snapshot only read; a COPY cut off midway cannot be
 * rolled back on that connection anyway).
 */
async function writeLake(connection: ConnectionRecipe, options: LakeWriteOptions): Promise<void> {
  // Loaded only by the task that needs them: every preview starts a worker, and initialising pg
  // and the Parquet writer (and exceljs) took ~150 ms of each start, compiling them ~250 ms more.
  const { pg, clientConfig, writeDataset } = loadExtras();
  const client = new pg.Client({ ...clientConfig(connection), application_name: 'healthtech-etl export' });
  client.on('error', () => undefined);
  await client.connect();
  let ok = false;
  try {
    const written = await writeDataset(client, {
      ...options,
      signal: controller.signal,
      onProgress: (progress) => post({ type: 'lake-progress', progress }),
      logger: { log: (level, message, fields) => post({ type: 'log', level, message, ...(fields ? { fields } : {}) }) },
    });
    ok = true;
    post({ type: 'done', result: written });
  } finally {
    if (ok) await client.end().catch(() => undefined);
    else (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
  }
}

void (async () => {
  try {
    switch (task.type) {
      case 'prepare':
        await prepare(task.options, task.outputDir, task.forLoad === true, task.skipRollups === true);
        break;
      case 'identify':
        post({ type: 'done', result: await identifyWorkbook(task.path, controller.signal) });
        break;
      case 'export-rejected':
        post({ type: 'done', result: await loadExtras().exportRejectedWorkbook(task.outPath, task.sources, decodeRejected(task.rejected), controller.signal) });
        break;
      case 'rejected-copy': {
        const chunks = rejectedCopyWithoutRunId(decodeRejected(task.rejected), task.sources);
        post({ type: 'done', result: { rows: task.rejected.reasons.length, chunks } }, chunks.map((chunk) => chunk.buffer as ArrayBuffer));
        break;
      }
      case 'lake-write':
        await writeLake(task.connection, task.options);
        break;
    }
  } catch (error) {
    // The extras bundle carries its own copy of the error classes: what its tasks throw (a cancel,
    // an export error) is only recognised by its own toErrorData.
    post({ type: 'error', error: isEtlError(error) || !extras ? toErrorData(error) : extras.toErrorData(error) });
  }
})();
