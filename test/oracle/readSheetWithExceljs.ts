/**
 * The exceljs-based sheet reader: what readSheet was until the hand-written reader in xlsxStream/
 * replaced it (see readWorksheet.ts for the measurement). It lives on only as a test oracle, and
 * only where exceljs is right: its streaming reader leaves `_xHHHH_` escapes undecoded, appends
 * white space between elements to values, decodes inline text twice, matches elements by prefix,
 * lets a row style override an explicit `s`, and reads formulas without a value as empty. The
 * differential tests (readWorksheet.test.ts) compare on workbooks free of those shapes and state
 * the standard's value wherever exceljs differs.
 *
 * Streams the rows of one worksheet with exceljs's streaming reader. The sheet is the workbook's
 * first (in workbook order, as Excel shows the tabs) unless one is named. Rows reach the caller as
 * 0-based arrays of RawCell with their Excel row number; rows missing from the file (never typed
 * in) are simply not delivered. Note that exceljs spools the sheet XML to a temp file when the
 * sheet precedes sharedStrings.xml in the zip.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import ExcelJS from 'exceljs';
import { CancelledError, InputFileError, isEtlError } from '../../electron/etl/errors';
import type { RawCell } from '../../electron/etl/types';
import { verifyParts } from './verifyParts';
import { DEFAULT_ZIP_LIMITS, chooseSheet, inspectWorkbook } from '../../electron/etl/extract/inspectWorkbook';
import type { ReadSheetOptions, RowSink, SheetInfo } from '../../electron/etl/extract/sheetTypes';

interface StreamingWorksheet extends AsyncIterable<ExcelJS.Row> {
  name?: string;
  id?: number | string;
}

const PART_NUMBER = /^xl\/worksheets\/sheet(\d+)\.xml$/;

export async function readSheetWithExceljs(file: string, onRow: RowSink, options: ReadSheetOptions = {}): Promise<SheetInfo> {
  const label = path.basename(file);
  const inspection = await inspectWorkbook(file, options.zipLimits ?? DEFAULT_ZIP_LIMITS);
  const target = chooseSheet(inspection.sheets, options.sheet, file);
  const partNumber = PART_NUMBER.exec(target.part)?.[1];
  if (partNumber === undefined) {
    throw new InputFileError(
      'unsupported_layout',
      `${label}: sheet "${target.name}" is stored in an unusual place (${target.part || 'unknown'}). Open the file in Excel and save it again as .xlsx.`,
      { file, sheet: target.name },
    );
  }
  if (options.signal?.aborted) throw new CancelledError();
  const { size } = await stat(file);
  options.onSheet?.(target.name);
  const source = createReadStream(file, { highWaterMark: 256 * 1024 });
  let consumed = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      consumed += chunk.length;
      options.onBytes?.(consumed, size);
      callback(null, chunk);
    },
  });
  // exceljs pipes our stream into its unzipper, and a pipe does not pass errors on: a failed or
  // stopped input would leave the parse waiting forever. So every way of stopping rejects this
  // promise, and the parse is raced against it.
  let stop: (error: Error) => void = () => undefined;
  const stopped = new Promise<never>((_resolve, reject) => {
    stop = (error) => {
      source.destroy();
      counter.destroy();
      reject(error);
    };
  });
  stopped.catch(() => undefined);
  source.on('error', (error) => stop(error));
  counter.on('error', (error) => stop(error));
  const abort = () => stop(new CancelledError());
  options.signal?.addEventListener('abort', abort, { once: true });

  // Runs beside the parse; if it finds damage first, the parse is stopped with its error.
  const limits = options.zipLimits ?? DEFAULT_ZIP_LIMITS;
  const verifyStop = new AbortController();
  let verifyError: unknown;
  const verification = verifyParts(
    file,
    [
      { part: target.part, root: 'worksheet' },
      { part: 'xl/sharedStrings.xml', root: 'sst' },
    ],
    limits.maxUncompressedBytes,
    verifyStop.signal,
  ).catch((error: unknown) => {
    verifyError = error;
    stop(error as Error);
  });

  const reader = new ExcelJS.stream.xlsx.WorkbookReader(source.pipe(counter), {
    entries: 'ignore',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    // Styles are needed to tell date-formatted numbers from plain numbers.
    styles: 'cache',
    worksheets: 'emit',
  });

  let found = false;
  const parse = async () => {
    for await (const worksheet of reader as AsyncIterable<StreamingWorksheet>) {
      const isTarget = worksheet.name !== undefined ? worksheet.name === target.name : String(worksheet.id) === partNumber;
      if (!isTarget) {
        ignoreSpoolErrors(worksheet);
        continue;
      }
      found = true;
      let seen = 0;
      for await (const row of worksheet) {
        if ((++seen & 1023) === 0 && options.signal?.aborted) throw new CancelledError();
        onRow(row.number, rowCells(row, date1904(reader)));
      }
      break;
    }
  };
  try {
    await Promise.race([parse(), stopped]);
  } catch (error) {
    verifyStop.abort();
    await verification;
    if (options.signal?.aborted) throw new CancelledError();
    if (verifyError) throw verifyError;
    if (isEtlError(error)) throw error;
    throw new InputFileError(
      'corrupt_workbook',
      `${label}: sheet "${target.name}" could not be read (${describe(error)}). Open the file in Excel and save it again as .xlsx.`,
      { file, sheet: target.name },
      {},
      { cause: error },
    );
  } finally {
    options.signal?.removeEventListener('abort', abort);
    source.destroy();
  }
  await verification;
  if (verifyError) throw verifyError;
  if (!found) {
    throw new InputFileError('corrupt_workbook', `${label}: sheet "${target.name}" is listed but its data is missing.`, { file, sheet: target.name });
  }
  return { sheet: target.name, sheets: inspection.sheets.map((sheet) => sheet.name), sizeBytes: size };
}

/**
 * A sheet exceljs spooled to a temp file (it preceded sharedStrings.xml) reaches us as a reader
 * over a file stream it has only just created. Skipping it lets exceljs go on, and it deletes the
 * temp file at once: when the stream's open comes after that (a busy machine), the stream emits
 * ENOENT with nobody listening, an uncaught exception in whatever test is running. The skipped
 * sheet's data is never read, so that error is of no interest.
 */
function ignoreSpoolErrors(worksheet: StreamingWorksheet): void {
  const spooled = (worksheet as { iterator?: unknown }).iterator;
  if (spooled && typeof (spooled as NodeJS.EventEmitter).on === 'function') (spooled as NodeJS.EventEmitter).on('error', () => undefined);
}

function rowCells(row: ExcelJS.Row, is1904: boolean): RawCell[] {
  // row.values is 1-based and sparse; cells that were never typed in are holes.
  const values = row.values as unknown[];
  const cells: RawCell[] = new Array(Math.max(values.length - 1, 0));
  for (let i = 1; i < values.length; i++) {
    const value = values[i];
    cells[i - 1] = isFormula(value) ? formulaCell(value, row.getCell(i).numFmt, is1904) : toRawCell(value);
  }
  return cells;
}

function isFormula(value: unknown): value is { result?: unknown } {
  return typeof value === 'object' && value !== null && ('formula' in value || 'sharedFormula' in value);
}

/**
 * The streaming reader turns date-formatted plain numbers into Dates but leaves a formula's
 * cached result as a number; `=DATE(2025,10,21)` formatted as a date is a date to the analyst.
 */
function formulaCell(value: { result?: unknown }, numFmt: string | undefined, is1904: boolean): RawCell {
  const result = value.result;
  if (typeof result === 'number' && isDateFormat(numFmt)) return excelSerialToDate(result, is1904);
  return toRawCell(value);
}

function isDateFormat(format: string | undefined): boolean {
  if (!format) return false;
  const stripped = format.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '');
  return /[ymdhsb]/i.test(stripped);
}

function excelSerialToDate(serial: number, is1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (is1904 ? 1462 : 0)) * 86_400_000));
}

function date1904(reader: unknown): boolean {
  const properties = (reader as { properties?: { model?: { date1904?: boolean } } }).properties;
  return properties?.model?.date1904 === true;
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').slice(0, 200);
}

/**
 * Turns what exceljs hands over for a cell into a RawCell: formulas become their cached result,
 * rich text and hyperlinks become their text, error cells become their text (`#N/A`).
 */
export function toRawCell(value: unknown): RawCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value;
  if (typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if ('result' in object || 'formula' in object || 'sharedFormula' in object) return toRawCell(object.result);
    if (Array.isArray(object.richText)) {
      return object.richText.map((run) => (run && typeof run === 'object' && typeof (run as { text?: unknown }).text === 'string' ? (run as { text: string }).text : '')).join('');
    }
    if ('error' in object) return String(object.error);
    if ('text' in object) return toRawCell(object.text);
  }
  return String(value);
}
