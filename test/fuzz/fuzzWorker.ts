/**
 * Runs in a worker thread for the mutation fuzzer: reads every sheet of the workbook it is sent
 * and answers with the row count or the error, as plain data. The worker exists so the test can
 * stop a hang (terminate) and bound the memory (resourceLimits) of each case.
 */
import { parentPort } from 'node:worker_threads';
import { isEtlError } from '../../electron/etl/errors';
import { inspectWorkbook } from '../../electron/etl/extract/inspectWorkbook';
import { readSheet } from '../../electron/etl/extract/readSheet';

export type FuzzAnswer =
  | { ok: true; rows: number; cells: number }
  | { ok: false; typed: boolean; name: string; code: string; message: string };

const port = parentPort;
if (!port) throw new Error('fuzzWorker must run in a worker thread');

port.on('message', (file: string) => {
  void (async () => {
    let rows = 0;
    let cells = 0;
    try {
      for (const { name } of (await inspectWorkbook(file)).sheets) {
        await readSheet(
          file,
          (_row, values) => {
            rows++;
            cells += values.length;
          },
          { sheet: name },
        );
      }
      port.postMessage({ ok: true, rows, cells } satisfies FuzzAnswer);
    } catch (error) {
      port.postMessage({
        ok: false,
        typed: isEtlError(error),
        name: error instanceof Error ? error.name : typeof error,
        code: isEtlError(error) ? error.code : '',
        message: error instanceof Error ? error.message : String(error),
      } satisfies FuzzAnswer);
    }
  })();
});
