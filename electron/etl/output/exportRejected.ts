/**
 * Rejected rows back to the analyst as a workbook in the source layout: one sheet per source
 * file, the source's own header row, each rejected row exactly as it was typed (all columns,
 * numbers and dates as cells), plus the Excel row it came from, the reason in the words the
 * preview shows, every problem's sentence, the kept row of a duplicate, and the codes in columns
 * of their own (for filters and scripts).
 * The source files are read again (streaming) rather than kept in memory, and must not have
 * changed since the preview. Text cells are neutralised like every export (SPEC §10): the
 * analyst opens this file in Excel, and a cell typed as `=cmd|…` must stay text there.
 */
import path from 'node:path';
import ExcelJS from 'exceljs';
import { InputFileError } from '../errors';
import { cellText, isBlankCell, isUncalculated } from '../extract/cellValue';
import { hashFile } from '../extract/hashFile';
import { readSheet } from '../extract/readSheet';
import { REASON_LABEL } from '../../../shared/reasonWords';
import type { FileKind, PreviewReport, RawCell, RejectedRow } from '../types';
import { neutraliseFormula } from '../../../shared/spreadsheetText';

export interface RejectedSource {
  kind: FileKind;
  path: string;
  sheet: string;
  sha256: string;
  headerRow: number;
}

const EXTRA_HEADERS = ['Excel row', 'Reason', 'Problems', 'Kept row', 'Reason code', 'Problem codes'];

/** Both source files of a preview, as the export reads them again. */
export function rejectedSources(report: Pick<PreviewReport, 'files'>): RejectedSource[] {
  return (['doctors', 'appointments'] as const).map((kind) => ({
    kind,
    path: report.files[kind].path,
    sheet: report.files[kind].sheet,
    sha256: report.files[kind].sha256,
    headerRow: report.files[kind].headerRow,
  }));
}

export async function exportRejectedWorkbook(outPath: string, sources: RejectedSource[], rejected: readonly RejectedRow[], signal?: AbortSignal): Promise<{ rows: number }> {
  for (const source of sources) {
    if ((await hashFile(source.path).catch(() => '')) !== source.sha256) {
      throw new InputFileError(
        'source_changed',
        `${path.basename(source.path)} has changed (or moved) since the preview; run the preview again before exporting.`,
        { file: source.path },
      );
    }
  }
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: outPath, useStyles: true, useSharedStrings: false });
  let written = 0;
  const sheetNames = new Set<string>();
  for (const source of sources) {
    const byRow = new Map<number, RejectedRow>();
    for (const row of rejected) if (row.file === source.kind) byRow.set(row.row, row);
    // The header stays in view while scrolling (the streaming writer takes views only here).
    const sheet = writer.addWorksheet(uniqueSheetName(sheetNames, source.sheet), { views: [{ state: 'frozen', ySplit: 1 }] });
    let width = 0;
    let headerWritten = false;
    await readSheet(
      source.path,
      (rowNumber, cells) => {
        if (!headerWritten) {
          if (rowNumber !== source.headerRow) return;
          width = cells.length;
          const header = sheet.addRow([...cells.map(headerCell), ...EXTRA_HEADERS]);
          header.font = { bold: true };
          header.commit();
          headerWritten = true;
          return;
        }
        const problem = byRow.get(rowNumber);
        if (!problem || cells.every(isBlankCell)) return;
        const values = Array.from({ length: width }, (_, i) => exportCell(cells[i] ?? null));
        const added = sheet.addRow([
          ...values,
          rowNumber,
          REASON_LABEL[problem.reason],
          neutraliseFormula(problem.problems.map((p) => p.message).join('\n')),
          problem.keptRow ?? null,
          problem.reason,
          problem.problems.map((p) => p.reason).join(' '),
        ]);
        // One problem per line in the cell.
        if (problem.problems.length > 1) added.getCell(width + 3).alignment = { wrapText: true, vertical: 'top' };
        added.commit();
        written += 1;
      },
      { sheet: source.sheet, ...(signal ? { signal } : {}) },
    );
    sheet.commit();
  }
  await writer.commit();
  return { rows: written };
}

function headerCell(cell: RawCell): ExcelJS.CellValue {
  return cell instanceof Date ? cell.toISOString().slice(0, 10) : exportCell(cell);
}

/**
 * Numbers, dates and booleans stay typed cells; text is neutralised. A formula saved without its
 * value goes back as the formula's text (`'=…`), not as a live formula: the analyst sees what was
 * typed, and opening our export never runs anything (SPEC §10).
 */
function exportCell(cell: RawCell): ExcelJS.CellValue {
  if (isUncalculated(cell)) return neutraliseFormula(cellText(cell));
  return typeof cell === 'string' ? neutraliseFormula(cell) : cell;
}

function uniqueSheetName(taken: Set<string>, wanted: string): string {
  // Excel: at most 31 characters, none of : \ / ? * [ ], unique.
  const base = wanted.replace(/[:\\/?*[\]]/g, ' ').slice(0, 28) || 'Sheet';
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base} ${i}`;
  taken.add(name);
  return name;
}
