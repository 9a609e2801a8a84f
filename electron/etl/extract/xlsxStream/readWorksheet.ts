/**
 * The purpose-built worksheet reader behind readSheet.
 *
 * Why hand-written (STYLE.md: a well-kept library unless measurement shows it is the bottleneck):
 * on the 1,000,000-row benchmark (`npm run bench -- --rows 1m`), reading the appointments sheet
 * with exceljs's streaming WorkbookReader took ~13 s of a ~30 s pipeline: exceljs 31% and saxes
 * 22% of the profile, a microtask per row, 11% in GC, while inflating and scanning the 241 MiB of
 * sheet XML takes ~1.9 s. exceljs also spools the whole sheet XML (patient data) to a temp file
 * when sheet1.xml precedes sharedStrings.xml in the zip, which is Excel's usual order (and on a
 * busy machine that spooling path now and then loses the sheet altogether). This reader
 * opens the zip for random access, reads workbook, styles and shared strings first whatever the zip
 * order, then streams the one sheet part through a byte-level scanner; no temp files. Measured
 * after the switch, same bench and machine: the read_appointments phase went from 13.5-13.7 s to
 * 3.7-4.1 s (the reader alone, without the cleaning it feeds: ~10-13 s to ~2.0-2.3 s).
 *
 * exceljs stays the oracle: readSheetWithExceljs gives the same (row number, cells) sequence, and
 * the differential tests (readWorksheet.test.ts) hold this reader to it. The few places where we
 * deliberately read what the file says instead of what exceljs makes of it are listed in
 * sheetRows.ts and sharedStrings.ts.
 */
import path from 'node:path';
import type yauzl from 'yauzl';
import { CancelledError, InputFileError, isEtlError } from '../../errors';
import { DEFAULT_ZIP_LIMITS, chooseSheet, inspectOpenZip, openWorkbookZip, parseAttributes } from '../inspectWorkbook';
import type { ReadSheetOptions, RowSink, SheetInfo } from '../sheetTypes';
import { SharedStringsHandler, type SharedString } from './sharedStrings';
import { SheetRowsHandler } from './sheetRows';
import { StylesHandler, StyleTable } from './styles';
import { XmlScanner, type XmlHandler } from './xmlScanner';
import { XmlCutOffError, XmlError } from './xmlText';
import { partPaths, pumpEntry } from './zipEntries';

export interface WorksheetReadOptions extends ReadSheetOptions {
  /** Size of inflated chunks (tests use small ones to put chunk boundaries everywhere). */
  inflateChunkBytes?: number;
  /** Tests: the scanner sees pieces of at most this many bytes. */
  maxSinkBytes?: number;
}

export async function readWorksheet(file: string, onRow: RowSink, options: WorksheetReadOptions = {}): Promise<SheetInfo> {
  const label = path.basename(file);
  const limits = options.zipLimits ?? DEFAULT_ZIP_LIMITS;
  const zip = await openWorkbookZip(file);
  let sheetName: string | undefined;
  try {
    const { inspection, entries, workbookXml, relsXml } = await inspectOpenZip(zip, file, limits);
    const target = chooseSheet(inspection.sheets, options.sheet, file);
    sheetName = target.name;
    if (!target.part.startsWith('xl/worksheets/')) {
      throw new InputFileError(
        'unsupported_layout',
        `${label}: sheet "${target.name}" is stored in an unusual place (${target.part || 'unknown'}). Open the file in Excel and save it again as .xlsx.`,
        { file, sheet: target.name },
      );
    }
    if (options.signal?.aborted) throw new CancelledError();
    const size = zip.fileSize;
    options.onSheet?.(target.name);
    const sheetEntry = entries.get(target.part);
    if (!sheetEntry) {
      throw new InputFileError('corrupt_workbook', `${label}: sheet "${target.name}" is listed but its data is missing.`, { file, sheet: target.name });
    }

    const context: PartContext = { zip, file, sheet: target.name, options, maxBytes: limits.maxUncompressedBytes };
    let read = 0;
    const paths = partPaths(relsXml);
    const stylesEntry = entries.get(paths.styles);
    let styles = StyleTable.EMPTY;
    if (stylesEntry) {
      const handler = new StylesHandler();
      await parsePart(context, stylesEntry, handler, 'styleSheet');
      styles = handler.table();
      read += stylesEntry.compressedSize;
    }
    const stringsEntry = entries.get(paths.sharedStrings);
    // No shared strings part: a t="s" cell reads as empty (exceljs makes it "[object Object]").
    let strings: SharedString[] = [];
    if (stringsEntry) {
      const handler = new SharedStringsHandler();
      await parsePart(context, stringsEntry, handler, 'sst');
      strings = handler.strings;
      read += stringsEntry.compressedSize;
    }

    const rows = new SheetRowsHandler({ styles, strings, date1904: isDate1904(workbookXml), onRow, signal: options.signal });
    const before = read;
    await parsePart(context, sheetEntry, rows, 'worksheet', (compressed) => options.onBytes?.(Math.min(before + compressed, size), size));
    options.onBytes?.(size, size);
    return { sheet: target.name, sheets: inspection.sheets.map((sheet) => sheet.name), sizeBytes: size };
  } catch (error) {
    if (options.signal?.aborted) throw new CancelledError();
    if (isEtlError(error)) throw error;
    // An error of the caller's row callback, or an XML problem the part parser did not place.
    throw new InputFileError(
      'corrupt_workbook',
      `${label}: sheet "${sheetName ?? '?'}" could not be read (${describe(error)}). Open the file in Excel and save it again as .xlsx.`,
      { file, ...(sheetName === undefined ? {} : { sheet: sheetName }) },
      {},
      { cause: error },
    );
  } finally {
    zip.close();
  }
}

interface PartContext {
  zip: yauzl.ZipFile;
  file: string;
  sheet: string;
  options: WorksheetReadOptions;
  maxBytes: number;
}

/** Streams one part through a scanner with `handler`; XML problems become InputFileErrors naming the part. */
async function parsePart(context: PartContext, entry: yauzl.Entry, handler: XmlHandler, root: string, onCompressed?: (bytes: number) => void): Promise<void> {
  const { file, sheet, options } = context;
  const label = path.basename(file);
  const scanner = new XmlScanner(handler);
  try {
    await pumpEntry(context.zip, entry, (chunk) => scanner.write(chunk), {
      file,
      maxBytes: context.maxBytes,
      signal: options.signal,
      onCompressed,
      inflateChunkBytes: options.inflateChunkBytes,
      maxSinkBytes: options.maxSinkBytes,
    });
    scanner.end();
    if (handler instanceof SheetRowsHandler) handler.finish();
  } catch (error) {
    if (error instanceof XmlCutOffError) {
      throw new InputFileError(
        'corrupt_workbook',
        `${label}: the part ${entry.fileName} is cut off (it does not end with </${root}>; ${error.message}); ${root === 'worksheet' ? 'rows may be missing' : 'values may be wrong'}. Open the file in Excel and save it again.`,
        { file, sheet },
        { part: entry.fileName },
        { cause: error },
      );
    }
    if (error instanceof XmlError) {
      const where = root === 'worksheet' ? '' : `${entry.fileName}: `;
      throw new InputFileError(
        'corrupt_workbook',
        `${label}: sheet "${sheet}" could not be read (${where}${error.message}). Open the file in Excel and save it again as .xlsx.`,
        { file, sheet },
        { part: entry.fileName },
        { cause: error },
      );
    }
    throw error;
  }
}

/** `<workbookPr date1904="1"/>` (or "true": xsd:boolean; exceljs only knows "1"). */
export function isDate1904(workbookXml: string): boolean {
  const match = /<(?:[\w.-]+:)?workbookPr\b([^>]*)>/.exec(workbookXml);
  const value = match ? parseAttributes(match[1] ?? '').get('date1904')?.trim() : undefined;
  return value === '1' || value === 'true';
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').slice(0, 200);
}
