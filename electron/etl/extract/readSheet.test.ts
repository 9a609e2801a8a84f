/**
 * The extract step against real files: workbooks written with exceljs, and broken or hostile
 * files built byte by byte. Every failure must be a typed InputFileError naming the file.
 */
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repackXlsx, writeZip } from '../../../test/support/zipTools';
import { CancelledError, InputFileError } from '../errors';
import type { RawCell } from '../types';
import { inspectWorkbook } from './inspectWorkbook';
import { readSheet } from './readSheet';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'extract-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function workbook(name: string, sheets: Record<string, unknown[][]>, setup?: (wb: ExcelJS.Workbook) => void): Promise<string> {
  const wb = new ExcelJS.Workbook();
  setup?.(wb);
  for (const [sheetName, rows] of Object.entries(sheets)) {
    const ws = wb.addWorksheet(sheetName);
    for (const row of rows) ws.addRow(row);
  }
  const file = path.join(dir, name);
  await wb.xlsx.writeFile(file);
  return file;
}

async function rowsOf(file: string, sheet?: string): Promise<{ sheet: string; rows: [number, RawCell[]][] }> {
  const rows: [number, RawCell[]][] = [];
  const info = await readSheet(file, (row, cells) => rows.push([row, cells]), sheet ? { sheet } : {});
  return { sheet: info.sheet, rows };
}

async function inputError(promise: Promise<unknown>): Promise<InputFileError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputFileError);
  return error as InputFileError;
}

describe('reading sheets', () => {
  it('reads the first sheet in workbook order unless one is named', async () => {
    const file = await workbook('two-sheets.xlsx', { Notes: [['just notes']], Data: [['doctor_id'], [101]] });
    expect((await rowsOf(file)).sheet).toBe('Notes');
    const data = await rowsOf(file, 'data');
    expect(data.sheet).toBe('Data');
    expect(data.rows).toEqual([
      [1, ['doctor_id']],
      [2, [101]],
    ]);
  });

  it('a missing sheet name lists the sheets there are', async () => {
    const file = await workbook('sheets.xlsx', { Doctors: [['x']], Other: [['y']] });
    const error = await inputError(rowsOf(file, 'Appointments'));
    expect(error.code).toBe('sheet_not_found');
    expect(error.message).toContain('sheets.xlsx has no sheet named "Appointments"');
    expect(error.message).toContain('"Doctors", "Other"');
  });

  it('formula results, rich text, hyperlinks and error cells become plain values', async () => {
    const file = await workbook('cells.xlsx', { S: [] }, () => undefined);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.getWorksheet('S') as ExcelJS.Worksheet;
    ws.getCell('A1').value = { formula: '1+1', result: 2 };
    ws.getCell('B1').value = { richText: [{ text: 'conf' }, { text: 'irmed' }] };
    ws.getCell('C1').value = { text: 'Dr. Link', hyperlink: 'https://example.org' };
    ws.getCell('D1').value = { error: '#N/A' };
    ws.getCell('E1').value = { formula: 'DATE(2025,10,21)', result: 45951 };
    ws.getCell('E1').numFmt = 'yyyy-mm-dd';
    await wb.xlsx.writeFile(file);
    const [[, cells]] = (await rowsOf(file)).rows as [[number, RawCell[]]];
    expect(cells.slice(0, 4)).toEqual([2, 'confirmed', 'Dr. Link', '#N/A']);
    expect((cells[4] as Date).toISOString().slice(0, 10)).toBe('2025-10-21');
  });

  it('date cells respect the 1904 date system', async () => {
    const file = await workbook('d1904.xlsx', { S: [] });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    wb.properties.date1904 = true;
    const ws = wb.getWorksheet('S') as ExcelJS.Worksheet;
    ws.getCell('A1').value = new Date(Date.UTC(2025, 9, 21));
    ws.getCell('A1').numFmt = 'yyyy-mm-dd';
    await wb.xlsx.writeFile(file);
    const xml = (await import('../../../test/support/zipTools')).readZipEntries(file);
    expect((await xml).get('xl/workbook.xml')?.toString()).toContain('date1904="1"');
    const [[, cells]] = (await rowsOf(file)).rows as [[number, RawCell[]]];
    expect((cells[0] as Date).toISOString().slice(0, 10)).toBe('2025-10-21');
  });
});

describe('files that are not readable workbooks', () => {
  it('a missing file, a folder and an empty file', async () => {
    expect((await inputError(inspectWorkbook(path.join(dir, 'nope.xlsx')))).code).toBe('file_not_found');
    await mkdir(path.join(dir, 'folder.xlsx'), { recursive: true });
    expect((await inputError(inspectWorkbook(path.join(dir, 'folder.xlsx')))).code).toBe('not_a_file');
    await writeFile(path.join(dir, 'empty.xlsx'), '');
    expect((await inputError(inspectWorkbook(path.join(dir, 'empty.xlsx')))).message).toContain('empty.xlsx is empty');
  });

  it('a CSV or an old .xls renamed to .xlsx says what it really is', async () => {
    await writeFile(path.join(dir, 'renamed-csv.xlsx'), 'doctor_id,name\n101,Dr. A\n');
    const csv = await inputError(inspectWorkbook(path.join(dir, 'renamed-csv.xlsx')));
    expect(csv.code).toBe('not_xlsx');
    expect(csv.message).toMatch(/renamed-csv\.xlsx is a text file \(CSV\?\)/);
    await writeFile(path.join(dir, 'old.xlsx'), Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]));
    expect((await inputError(inspectWorkbook(path.join(dir, 'old.xlsx')))).message).toMatch(/old\.xlsx is an old-style \.xls/);
  });

  it('a PNG dropped by mistake is called a PNG image, and is not told to be saved from Excel', async () => {
    await writeFile(path.join(dir, 'scan.png'), Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]));
    const png = await inputError(inspectWorkbook(path.join(dir, 'scan.png')));
    expect(png.code).toBe('not_xlsx');
    expect(png.message).toBe('scan.png is a PNG image, not an .xlsx workbook. Drop the doctors or appointments workbook (.xlsx) instead.');
  });

  it('a truncated workbook is reported as damaged, not a hang or a crash', async () => {
    const file = await workbook('whole.xlsx', { S: [['doctor_id', 'name'], [1, 'a']] });
    const bytes = await readFile(file);
    await writeFile(path.join(dir, 'cut.xlsx'), bytes.subarray(0, Math.floor(bytes.length / 2)));
    const error = await inputError(inspectWorkbook(path.join(dir, 'cut.xlsx')));
    expect(error.code).toBe('corrupt_zip');
    expect(error.message).toMatch(/cut\.xlsx is damaged or incomplete/);
  });

  it('a zip that is not a workbook, and a workbook without sheets', async () => {
    await writeZip(path.join(dir, 'doc.xlsx'), [{ name: 'word/document.xml', data: '<w/>' }]);
    expect((await inputError(inspectWorkbook(path.join(dir, 'doc.xlsx')))).message).toMatch(/^doc\.xlsx is a Word document, not an Excel workbook/);
    await writeZip(path.join(dir, 'bundle.xlsx'), [{ name: 'doctors.xlsx', data: 'x' }]);
    expect((await inputError(inspectWorkbook(path.join(dir, 'bundle.xlsx')))).message).toMatch(/^bundle\.xlsx is a zip archive, not an Excel workbook\. If the workbooks are inside/);
    await writeZip(path.join(dir, 'nosheets.xlsx'), [{ name: 'xl/workbook.xml', data: '<workbook><sheets></sheets></workbook>' }]);
    expect((await inputError(inspectWorkbook(path.join(dir, 'nosheets.xlsx')))).code).toBe('no_sheets');
  });

  it('a sheet cut off inside a well-formed zip is an error, not silently fewer rows', async () => {
    const file = await workbook('good.xlsx', { S: [['doctor_id', 'name'], [1, 'a']] });
    const broken = path.join(dir, 'broken-xml.xlsx');
    await repackXlsx(file, broken, { 'xl/worksheets/sheet1.xml': '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row><row r="2"><c r=' });
    const error = await inputError(readSheet(broken, () => undefined));
    expect(error.code).toBe('corrupt_workbook');
    expect(error.message).toMatch(/broken-xml\.xlsx: the part xl\/worksheets\/sheet1\.xml is cut off/);
  });

  it('an XML entity expansion ("billion laughs") is not expanded', async () => {
    const file = await workbook('base.xlsx', { S: [['doctor_id', 'name'], [1, 'a']] });
    const laughs = path.join(dir, 'laughs.xlsx');
    const entities = ['<!ENTITY a0 "ha">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY a${i + 1} "${`&a${i};`.repeat(10)}">`)].join('');
    await repackXlsx(file, laughs, {
      'xl/worksheets/sheet1.xml': `<?xml version="1.0"?><!DOCTYPE worksheet [${entities}]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&a9;</t></is></c></row></sheetData></worksheet>`,
    });
    const before = process.memoryUsage().rss;
    const cells: RawCell[][] = [];
    const error = await inputError(readSheet(laughs, (_row, c) => cells.push(c)));
    expect(error.message).toMatch(/laughs\.xlsx: sheet "S" could not be read \(.*undefined entity/);
    expect(cells).toEqual([]);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 ** 2);
  });
});

describe('zip bombs are refused before parsing', () => {
  it('a part that would inflate far more than any spreadsheet does', async () => {
    const file = await workbook('real.xlsx', { S: [['doctor_id', 'name'], [1, 'a']] });
    const bomb = path.join(dir, 'bomb.xlsx');
    // 64 MiB of one repeated byte: deflates about 1000x, like a classic bomb layer.
    await repackXlsx(file, bomb, { 'xl/worksheets/sheet1.xml': Buffer.alloc(64 * 1024 ** 2, 0x20) });
    const before = process.memoryUsage().rss;
    const error = await inputError(readSheet(bomb, () => undefined));
    expect(error.code).toBe('zip_bomb');
    expect(error.message).toMatch(/bomb\.xlsx was refused: its part xl\/worksheets\/sheet1\.xml would inflate \d+x/);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 ** 2);
  });

  it('a total inflated size above the limit', async () => {
    const file = await workbook('total.xlsx', { S: [['doctor_id', 'name'], [1, 'a']] });
    const error = await inputError(inspectWorkbook(file, { maxUncompressedBytes: 1000, maxCompressionRatio: 200, ratioFloorBytes: 1024 ** 2, maxEntries: 100 }));
    expect(error.message).toMatch(/total\.xlsx was refused: it would inflate to .* \(limit 1000 B\)/);
  });

  it('deflate really is that effective on the bomb part (the check is about real ratios)', () => {
    expect(deflateRawSync(Buffer.alloc(1024 ** 2, 0x20)).length).toBeLessThan(1024 ** 2 / 200);
  });
});

describe('stopping a read', () => {
  it('regression: a signal aborted before or during the read settles with CancelledError (no hang, no uncaught error)', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => [i + 1, `name ${i}`]);
    const file = await workbook('stop.xlsx', { S: [['doctor_id', 'name'], ...rows] });
    const before = new AbortController();
    before.abort();
    await expect(readSheet(file, () => undefined, { signal: before.signal })).rejects.toBeInstanceOf(CancelledError);
    const during = new AbortController();
    let seen = 0;
    await expect(
      readSheet(
        file,
        () => {
          if (++seen === 10) during.abort();
        },
        { signal: during.signal },
      ),
    ).rejects.toBeInstanceOf(CancelledError);
  });
});
