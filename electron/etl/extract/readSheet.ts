/**
 * Streams the rows of one worksheet, so memory stays flat however long the sheet is. The sheet is
 * the workbook's first (in workbook order, as Excel shows the tabs) unless one is named. Rows reach
 * the caller as 0-based arrays of RawCell with their Excel row number; rows missing from the file
 * (never typed in) are simply not delivered.
 *
 * The reading itself is the purpose-built streaming reader in xlsxStream/ (hand-written because
 * exceljs's streaming reader was the measured bottleneck of the pipeline; see readWorksheet.ts).
 * The exceljs-based reader remains in test/oracle/readSheetWithExceljs.ts, as an oracle where
 * exceljs is right.
 */
import type { ReadSheetOptions, RowSink, SheetInfo } from './sheetTypes';
import { readWorksheet } from './xlsxStream/readWorksheet';

export type { ReadSheetOptions, RowSink, SheetInfo } from './sheetTypes';

export function readSheet(file: string, onRow: RowSink, options: ReadSheetOptions = {}): Promise<SheetInfo> {
  return readWorksheet(file, onRow, options);
}
