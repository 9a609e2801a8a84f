/**
 * Which sheet of a workbook holds the data, when nobody named one (SPEC §3): the first sheet in tab
 * order whose header row (its first non-empty row) has what the caller needs; hidden sheets only
 * when no visible one does. A cover sheet, a README tab or data on the second tab is found the
 * same way by the CLI and by the app. Only header rows are read; styles and shared strings once.
 */
import path from 'node:path';
import { InputFileError } from '../errors';
import { quoteName } from './xlsxStream/partParser';
import type { OpenedWorkbook, SheetHeader } from './xlsxStream/readWorksheet';

export interface DataSheetChoice {
  chosen: SheetHeader | null;
  /** Every header read, in the order looked at (visible sheets first, then hidden ones). */
  looked: SheetHeader[];
}

/** More sheets than any real data workbook has; past this we stop looking (and say so). */
export const MAX_SHEETS_LOOKED_AT = 100;

export async function findDataSheet(workbook: OpenedWorkbook, fits: (columns: readonly string[]) => boolean, signal?: AbortSignal): Promise<DataSheetChoice> {
  const ordered = [...workbook.sheets.filter((sheet) => !sheet.hidden), ...workbook.sheets.filter((sheet) => sheet.hidden)];
  const looked: SheetHeader[] = [];
  for (const sheet of ordered.slice(0, MAX_SHEETS_LOOKED_AT)) {
    const header = await workbook.readHeader(sheet, signal);
    looked.push(header);
    if (header.row !== null && fits(header.columns)) return { chosen: header, looked };
  }
  return { chosen: null, looked };
}

/** "Cover" (hidden): row 1 has "Welcome"; "Data": row 2 has "id", "name"; "Empty": empty. On one line. */
export function describeHeaders(looked: readonly SheetHeader[], total: number): string {
  const parts = looked.map((header) => {
    const name = `${quoteName(header.sheet.name)}${header.sheet.hidden ? ' (hidden)' : ''}`;
    if (header.sheet.kind === 'chartsheet') return `${name}: a chart`;
    if (header.row === null) return `${name}: empty`;
    const cells = header.columns.filter((column) => column.trim() !== '');
    const shown = cells.slice(0, 12).map(quoteCell).join(', ');
    return `${name}: row ${header.row} has ${shown}${cells.length > 12 ? `, … (${cells.length} columns)` : ''}`;
  });
  if (total > looked.length) parts.push(`${total - looked.length} more sheet(s) not looked at`);
  return parts.join('; ');
}

/** No sheet fits: the error lists every sheet with the columns found there. */
export function noDataSheet(file: string, required: readonly string[], choice: DataSheetChoice, total: number): InputFileError {
  const label = path.basename(file);
  return new InputFileError(
    'missing_columns',
    `${label}: no sheet has the required columns ${required.join(', ')}. Sheets: ${describeHeaders(choice.looked, total)}.`,
    { file },
    {
      missing: required,
      sheets: choice.looked.map((header) => ({ sheet: header.sheet.name, hidden: header.sheet.hidden, headerRow: header.row, columns: header.columns.filter((c) => c.trim() !== '') })),
    },
  );
}

/** Which sheet was read and which were passed over, for the report. */
export function describeChoice(file: string, choice: DataSheetChoice, needed: string): string | null {
  const { chosen, looked } = choice;
  if (!chosen || looked.length <= 1) return null;
  const passed = looked.filter((header) => header !== chosen).map((header) => `${quoteName(header.sheet.name)}${header.sheet.hidden ? ' (hidden)' : ''}`);
  return `${path.basename(file)}: read sheet ${quoteName(chosen.sheet.name)}${chosen.sheet.hidden ? ' (hidden)' : ''}, the first whose header row has ${needed}; passed over ${passed.join(', ')}.`;
}

/** Header text in a message: quoted, one line, at most 40 characters. */
function quoteCell(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
