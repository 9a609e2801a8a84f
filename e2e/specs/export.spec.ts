/**
 * Exporting the rejected rows: the save dialog's path gets a workbook in the source layout, one
 * sheet per source file with the source's own header plus the Excel row, the reason in the words
 * the preview shows, every problem, the kept row, and the codes in columns of their own; exactly
 * one row per rejected row, each as it was typed in the source (text that Excel could run as a
 * formula neutralised, as in every export).
 */
import path from 'node:path';
import ExcelJS from 'exceljs';
import { REASON_LABEL } from '../../shared/reasonWords';
import { neutraliseFormula } from '../../shared/spreadsheetText';
import { ROOT, expect, test } from '../fixtures';
import { cliDryRun } from '../fixtures/cli';
import { ImportPage, type FileKind } from '../pages/importPage';
import { PreviewPage } from '../pages/previewPage';

const SAMPLES: Record<FileKind, string> = { doctors: path.join(ROOT, 'samples', 'doctors.xlsx'), appointments: path.join(ROOT, 'samples', 'appointments.xlsx') };
const EXTRA_HEADERS = ['Excel row', 'Reason', 'Problems', 'Kept row', 'Reason code', 'Problem codes'];

/** A cell as text, whatever exceljs made of it (rich text, hyperlink, date, number, formula). */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    return JSON.stringify(value);
  }
  return String(value);
}

function rowTexts(row: ExcelJS.Row, width: number): string[] {
  return Array.from({ length: width }, (_, i) => cellText(row.getCell(i + 1).value));
}

async function readWorkbook(file: string): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  return workbook;
}

test('rejected rows export as a workbook in the source layout, one row per rejected row', async ({ app }, testInfo) => {
  const importPage = new ImportPage(app);
  const preview = new PreviewPage(app);
  await importPage.trySampleData();
  await preview.waitForResult();
  const { report, rejected } = await cliDryRun(SAMPLES, await preview.runDate());
  const totals = await preview.totals();

  const target = testInfo.outputPath('rejected rows.xlsx');
  await preview.exportRejectedRows(target);
  await expect(preview.exportResult).toContainText(`Saved ${totals.rejected} rejected rows to ${target}`);

  const exported = await readWorkbook(target);
  expect(exported.worksheets.map((sheet) => sheet.name)).toEqual([report.files.doctors.sheet, report.files.appointments.sheet]);
  let rowsWritten = 0;
  for (const kind of ['doctors', 'appointments'] as const) {
    const sheet = exported.getWorksheet(report.files[kind].sheet);
    if (!sheet) throw new Error(`no sheet for ${kind}`);
    const source = await readWorkbook(SAMPLES[kind]);
    const sourceSheet = source.getWorksheet(report.files[kind].sheet);
    if (!sourceSheet) throw new Error(`no source sheet for ${kind}`);

    // The header: the source's own header row, then the four columns that explain the rejection.
    const header = rowTexts(sheet.getRow(1), sheet.actualColumnCount);
    const width = header.length - EXTRA_HEADERS.length;
    expect(header.slice(width)).toEqual(EXTRA_HEADERS);
    expect(header.slice(0, width)).toEqual(rowTexts(sourceSheet.getRow(report.files[kind].header_row), width).map(neutraliseFormula));

    // One row per rejected row of this file, with its Excel row and reason as the CLI reports them.
    const rows: { excelRow: number; words: string; reason: string; problems: string; cells: string[] }[] = [];
    sheet.eachRow((row, number) => {
      if (number === 1) return;
      const texts = rowTexts(row, header.length);
      rows.push({ excelRow: Number(texts[width]), words: texts[width + 1] ?? '', problems: texts[width + 2] ?? '', reason: texts[width + 4] ?? '', cells: texts.slice(0, width) });
    });
    expect(rows).toHaveLength(report.files[kind].counts.rejected);
    const expected = rejected.filter((r) => r.file === kind).map((r) => `${r.row}|${r.reason}`);
    expect(rows.map((r) => `${r.excelRow}|${r.reason}`).sort()).toEqual(expected.sort());
    // The words are the preview's; the problems start with the reason's sentence, as the CLI writes it.
    for (const row of rows) {
      expect(row.words).toBe(REASON_LABEL[row.reason as keyof typeof REASON_LABEL]);
      const cli = rejected.find((r) => r.file === kind && r.row === row.excelRow);
      expect(row.problems.split('\n')[0]).toBe(cli?.message);
    }

    // Each row exactly as it was typed in the source.
    for (const row of rows) expect(row.cells, `${kind} row ${row.excelRow}`).toEqual(rowTexts(sourceSheet.getRow(row.excelRow), width).map(neutraliseFormula));
    rowsWritten += rows.length;
  }
  expect(rowsWritten).toBe(totals.rejected);
});
