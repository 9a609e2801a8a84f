/**
 * The purpose-built worksheet reader behind readSheet.
 *
 * Why hand-written (STYLE.md: a well-kept library unless measurement shows it is the bottleneck):
 * on the 1,000,000-row benchmark (`npm run bench -- --rows 1m`), reading the appointments sheet
 * with exceljs's streaming WorkbookReader took ~13 s of a ~30 s pipeline: exceljs 31% and saxes
 * 22% of the profile, a microtask per row, 11% in GC, while inflating and scanning the 241 MiB of
 * sheet XML takes ~1.9 s. exceljs also spools the whole sheet XML (patient data) to a temp file
 * when sheet1.xml precedes sharedStrings.xml in the zip, which is Excel's usual order. This reader
 * opens the zip for random access, finds the parts through the package relationships, reads styles
 * and shared strings first whatever the zip order, then streams the one sheet part through a
 * byte-level scanner; no temp files. Measured after the switch, same bench and machine: the
 * read_appointments phase went from 13.5-13.7 s to 3.7-4.1 s.
 *
 * What it reads is held to ECMA-376 and to what Excel shows (SPEC §3), not to exceljs: see
 * sheetRows.ts for the cell rules, stringItem.ts for text, markupFilter.ts for namespaces and
 * markup compatibility, packageParts.ts for finding the parts. exceljs remains a test oracle
 * (test/oracle/readSheetWithExceljs.ts) only where it is right.
 */
import path from 'node:path';
import type yauzl from 'yauzl';
import { CancelledError, InputFileError, isEtlError } from '../../errors';
import type { RawCell } from '../../types';
import { DEFAULT_ZIP_LIMITS, chooseSheet, inspectOpenZip, openWorkbookZip, type SheetEntry, type WorkbookInspection } from '../inspectWorkbook';
import type { ReadSheetOptions, RowSink, SheetInfo } from '../sheetTypes';
import type { WorkbookPackage } from './packageParts';
import type { PartIndex } from './packageParts';
import { parsePart, quoteName, type PartSource } from './partParser';
import { SharedStringsHandler } from './sharedStrings';
import { SheetRowsHandler, rowsAtMost } from './sheetRows';
import { StylesHandler, StyleTable } from './styles';
import { NS_SML } from './xmlScanner';

export interface WorksheetReadOptions extends ReadSheetOptions {
  /** Size of inflated chunks (tests use small ones to put chunk boundaries everywhere). */
  inflateChunkBytes?: number;
  /** Tests: the scanner sees pieces of at most this many bytes. */
  maxSinkBytes?: number;
  /** Tests: read every cell through the generic scanner path (SheetRowsHandler.fastElement off). */
  genericCells?: boolean;
  /**
   * The row sink reads each row's cells before it returns and keeps no reference to the array:
   * one array is reused for every row instead of a new one per row (a million of them per sheet).
   */
  reuseRow?: boolean;
}

/** Thrown by a row sink to stop reading early (e.g. once the header row is known). */
class StopReading extends Error {}

export interface SheetHeader {
  sheet: SheetEntry;
  /** Excel row of the first non-empty row; null for a sheet without one. */
  row: number | null;
  /** Its cells as text, as typed. */
  columns: string[];
}

/**
 * An open workbook: the zip, its inspection, and the styles and shared strings once a sheet needed
 * them (read once, however many sheets are looked at). Close it when done.
 */
export class OpenedWorkbook {
  private lookups: { styles: StyleTable; strings: string[] | null; compressed: number } | undefined;

  private constructor(
    readonly file: string,
    private readonly zip: yauzl.ZipFile,
    readonly inspection: WorkbookInspection,
    private readonly index: PartIndex,
    private readonly workbook: WorkbookPackage,
    private readonly options: WorksheetReadOptions,
  ) {}

  static async open(file: string, options: WorksheetReadOptions = {}): Promise<OpenedWorkbook> {
    const zip = await openWorkbookZip(file);
    try {
      const { inspection, index, workbook } = await inspectOpenZip(zip, file, options.zipLimits ?? DEFAULT_ZIP_LIMITS, options.signal);
      return new OpenedWorkbook(file, zip, inspection, index, workbook, options);
    } catch (error) {
      zip.close();
      throw asInputError(error, file, undefined, options.signal);
    }
  }

  get sheets(): SheetEntry[] {
    return this.inspection.sheets;
  }

  get sizeBytes(): number {
    return this.zip.fileSize;
  }

  close(): void {
    this.zip.close();
  }

  /** At most how many rows with a value the sheet can hold, from its part's declared size (0 when it has none). */
  rowsAtMost(target: SheetEntry): number {
    const entry = target.kind === 'worksheet' && target.part ? this.index.get(target.part) : undefined;
    return entry ? rowsAtMost(entry.uncompressedSize) : 0;
  }

  /** The sheet's rows in order; `onRow` may throw to stop. */
  async readRows(target: SheetEntry, onRow: RowSink, options: WorksheetReadOptions = {}): Promise<void> {
    const label = path.basename(this.file);
    const signal = options.signal ?? this.options.signal;
    if (signal?.aborted) throw new CancelledError();
    if (target.kind !== 'worksheet') {
      // A chart sheet has no cells; a macro or dialog sheet holds none we could read as data.
      if (target.kind === 'chartsheet') return;
      throw new InputFileError('unsupported_layout', `${label}: sheet ${quoteName(target.name)} is not a worksheet (a macro or dialog sheet). Choose a sheet with the data.`, {
        file: this.file,
        sheet: target.name,
      });
    }
    const entry = target.part ? this.index.get(target.part) : undefined;
    if (!entry) {
      throw new InputFileError('corrupt_workbook', `${label}: sheet ${quoteName(target.name)} is listed but its data is missing.`, { file: this.file, sheet: target.name });
    }
    const source = this.source({ ...this.options, ...options, signal });
    const lookups = await this.loadLookups(source, target.name);
    const size = this.sizeBytes;
    const rows = new SheetRowsHandler({
      styles: lookups.styles,
      strings: lookups.strings,
      date1904: this.workbook.date1904,
      recalculateOnLoad: this.workbook.recalculateOnLoad,
      onRow,
      signal,
      fastCells: (options.genericCells ?? this.options.genericCells) !== true,
      reuseRow: options.reuseRow === true,
    });
    const onBytes = options.onBytes ?? this.options.onBytes;
    await parsePart(source, {
      entry,
      handler: rows,
      namespace: NS_SML,
      root: 'worksheet',
      sheet: target.name,
      finish: () => rows.finish(),
      rowAt: () => rows.rowNumber,
      onCompressed: (compressed) => onBytes?.(Math.min(lookups.compressed + compressed, size), size),
    });
    onBytes?.(size, size);
  }

  /** The sheet's first non-empty row, read no further than that. */
  async readHeader(target: SheetEntry, signal?: AbortSignal): Promise<SheetHeader> {
    let header: SheetHeader = { sheet: target, row: null, columns: [] };
    try {
      await this.readRows(
        target,
        (row, cells) => {
          if (cells.every(isBlankForHeader)) return;
          header = { sheet: target, row, columns: cells.map(headerText) };
          throw new StopReading();
        },
        signal ? { signal, onBytes: () => undefined } : { onBytes: () => undefined },
      );
    } catch (error) {
      if (!(error instanceof StopReading) && !(error instanceof InputFileError && error.cause instanceof StopReading)) throw error;
    }
    return header;
  }

  private source(options: WorksheetReadOptions): PartSource {
    return {
      zip: this.zip,
      file: this.file,
      maxBytes: (options.zipLimits ?? DEFAULT_ZIP_LIMITS).maxUncompressedBytes,
      signal: options.signal,
      inflateChunkBytes: options.inflateChunkBytes,
      maxSinkBytes: options.maxSinkBytes,
    };
  }

  private async loadLookups(source: PartSource, sheet: string): Promise<{ styles: StyleTable; strings: string[] | null; compressed: number }> {
    if (this.lookups) return this.lookups;
    let compressed = 0;
    let styles = StyleTable.EMPTY;
    const stylesEntry = this.workbook.styles;
    if (stylesEntry) {
      const handler = new StylesHandler();
      await parsePart(source, { entry: stylesEntry, handler, namespace: NS_SML, root: 'styleSheet', sheet });
      styles = handler.table();
      compressed += stylesEntry.compressedSize;
    }
    let strings: string[] | null = null;
    const stringsEntry = this.workbook.sharedStrings;
    if (stringsEntry) {
      const handler = new SharedStringsHandler();
      await parsePart(source, { entry: stringsEntry, handler, namespace: NS_SML, root: 'sst', sheet });
      strings = handler.strings;
      compressed += stringsEntry.compressedSize;
    }
    this.lookups = { styles, strings, compressed };
    return this.lookups;
  }
}

function isBlankForHeader(cell: RawCell): boolean {
  return cell === null || (typeof cell === 'string' && cell.trim() === '');
}

function headerText(cell: RawCell): string {
  if (cell === null) return '';
  if (typeof cell === 'string') return cell;
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  if (typeof cell === 'object') return `=${cell.formula}`;
  return String(cell);
}

/** Reads one sheet: the one named (exactly, else ignoring case and spaces), else the first in tab order. */
export async function readWorksheet(file: string, onRow: RowSink, options: WorksheetReadOptions = {}): Promise<SheetInfo> {
  const workbook = await OpenedWorkbook.open(file, options);
  let sheetName: string | undefined;
  try {
    const target = chooseSheet(workbook.sheets, options.sheet, file);
    sheetName = target.name;
    options.onSheet?.(target.name);
    await workbook.readRows(target, onRow, options);
    return { sheet: target.name, sheets: workbook.sheets.map((sheet) => sheet.name), sizeBytes: workbook.sizeBytes };
  } catch (error) {
    throw asInputError(error, file, sheetName, options.signal);
  } finally {
    workbook.close();
  }
}

/** Whatever stopped a read, as the typed error the pipeline reports. */
export function asInputError(error: unknown, file: string, sheet: string | undefined, signal: AbortSignal | undefined): Error {
  if (signal?.aborted) return new CancelledError();
  if (isEtlError(error)) return error;
  // An error of the caller's row callback, or an XML problem the part parser did not place.
  return new InputFileError(
    'corrupt_workbook',
    `${path.basename(file)}: sheet ${quoteName(sheet ?? '?')} could not be read (${describe(error)}). Open the file in Excel and save it again as .xlsx.`,
    { file, ...(sheet === undefined ? {} : { sheet }) },
    {},
    { cause: error },
  );
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').slice(0, 200);
}
