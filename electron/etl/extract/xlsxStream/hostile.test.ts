/**
 * Hostile and broken workbooks against the streaming reader: every one must end in a typed
 * InputFileError (or CancelledError when cancelled), quickly, without a hang, without expanding
 * anything, without reading past the byte caps, and without leaving temp files or open files.
 */
import { existsSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readZipEntries, repackXlsx, writeZip } from '../../../../test/support/zipTools';
import { CancelledError, InputFileError } from '../../errors';
import type { RawCell } from '../../types';
import { readSheet } from '../readSheet';
import { readSheetWithExceljs } from '../../../../test/oracle/readSheetWithExceljs';
import { readWorksheet } from './readWorksheet';
import { pumpEntry } from './zipEntries';

let dir: string;
let good: string;
let sheetXml: Buffer;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'xlsx-stream-hostile-'));
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('S');
  ws.addRow(['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'status']);
  for (let i = 1; i <= 2000; i++) ws.addRow([1000 + i, 50 + (i % 97), 100 + (i % 13), new Date(Date.UTC(2025, 9, 1 + (i % 28))), i % 3 ? 'confirmed' : 'Cancelled ']);
  good = path.join(dir, 'good.xlsx');
  await wb.xlsx.writeFile(good);
  sheetXml = (await readZipEntries(good)).get('xl/worksheets/sheet1.xml') as Buffer;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<InputFileError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputFileError);
  return error as InputFileError;
}

async function countRows(file: string): Promise<{ rows: number; error?: InputFileError }> {
  let rows = 0;
  try {
    await readSheet(file, () => rows++);
    return { rows };
  } catch (error) {
    expect(error).toBeInstanceOf(InputFileError);
    return { rows, error: error as InputFileError };
  }
}

interface ZipRecord {
  name: string;
  centralOffset: number;
  localOffset: number;
  dataStart: number;
  compressedSize: number;
}

/** The entries of a (non-zip64) zip as stored: where each header and each part's data sits. */
function zipRecords(bytes: Buffer): ZipRecord[] {
  const records: ZipRecord[] = [];
  for (let at = bytes.length - 22; at >= 0; at--) {
    if (bytes.readUInt32LE(at) !== 0x06054b50) continue;
    let cursor = bytes.readUInt32LE(at + 16);
    const count = bytes.readUInt16LE(at + 10);
    for (let i = 0; i < count; i++) {
      const nameLength = bytes.readUInt16LE(cursor + 28);
      const name = bytes.toString('utf8', cursor + 46, cursor + 46 + nameLength);
      const localOffset = bytes.readUInt32LE(cursor + 42);
      const dataStart = localOffset + 30 + bytes.readUInt16LE(localOffset + 26) + bytes.readUInt16LE(localOffset + 28);
      records.push({ name, centralOffset: cursor, localOffset, dataStart, compressedSize: bytes.readUInt32LE(cursor + 20) });
      cursor += 46 + nameLength + bytes.readUInt16LE(cursor + 30) + bytes.readUInt16LE(cursor + 32);
    }
    return records;
  }
  throw new Error('no end of central directory');
}

/** Rewrites the uncompressed size a part declares (central directory and local header). */
async function declareSize(source: string, target: string, part: string, size: number): Promise<void> {
  const bytes = Buffer.from(await readFile(source));
  const record = zipRecords(bytes).find((r) => r.name === part) as ZipRecord;
  bytes.writeUInt32LE(size, record.centralOffset + 24);
  bytes.writeUInt32LE(size, record.localOffset + 22);
  await writeFile(target, bytes);
}

/**
 * How many of this process's open files are the test's workbooks. Only those: the unit tests run
 * in threads of one process, and the other files' reads open and close their own files meanwhile
 * (a count of every descriptor failed 43 against 42 on a busy machine).
 */
function openFileCount(): number | undefined {
  if (!existsSync('/proc/self/fd')) return undefined;
  // The links name real paths: the test folder's may differ from its name (a linked temp folder).
  const folder = realpathSync(dir) + path.sep;
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    let target: string;
    try {
      target = readlinkSync(path.join('/proc/self/fd', fd));
    } catch {
      continue; // closed since the directory was listed
    }
    if (target.startsWith(folder)) count += 1;
  }
  return count;
}

describe('cut-off parts', () => {
  it('a sheet cut anywhere is an error naming the file and part, never silently fewer rows', async () => {
    const total = (await countRows(good)).rows;
    const cuts = [0, 1, 50, 400, 1000, 5000, 20_000, sheetXml.length - 200, sheetXml.length - 30, sheetXml.length - 13, sheetXml.length - 1];
    // Also right after </sheetData>, and right after a </row>.
    cuts.push(sheetXml.indexOf('</sheetData>') + '</sheetData>'.length, sheetXml.indexOf('</row>') + '</row>'.length);
    for (const cut of cuts) {
      const file = path.join(dir, `cut-${cut}.xlsx`);
      await repackXlsx(good, file, { 'xl/worksheets/sheet1.xml': sheetXml.subarray(0, cut) });
      const { rows, error } = await countRows(file);
      expect(error?.code, `cut at ${cut}`).toBe('corrupt_workbook');
      expect(error?.message).toMatch(new RegExp(`cut-${cut}\\.xlsx: the part xl/worksheets/sheet1\\.xml is cut off`));
      expect(error?.location).toEqual({ file, sheet: 'S' });
      expect(rows).toBeLessThanOrEqual(total);
    }
  });

  it('cut-off shared strings are reported as such, before any row is delivered', async () => {
    const sst = (await readZipEntries(good)).get('xl/sharedStrings.xml') as Buffer;
    const file = path.join(dir, 'cut-sst.xlsx');
    await repackXlsx(good, file, { 'xl/sharedStrings.xml': sst.subarray(0, sst.length - 20) });
    const { rows, error } = await countRows(file);
    expect(rows).toBe(0);
    expect(error?.message).toMatch(/cut-sst\.xlsx: the part xl\/sharedStrings\.xml is cut off \(it does not end with <\/sst>/);
  });

  it('a zip whose sheet part is missing', async () => {
    const file = path.join(dir, 'no-part.xlsx');
    await repackXlsx(good, file, { 'xl/worksheets/sheet1.xml': null });
    expect((await failure(readSheet(file, () => undefined))).message).toMatch(/no-part\.xlsx: sheet "S" is listed but its data is missing/);
  });

  it('a part that is not a worksheet', async () => {
    const file = path.join(dir, 'not-sheet.xlsx');
    await repackXlsx(good, file, { 'xl/worksheets/sheet1.xml': '<chartsheet><sheetData/></chartsheet>' });
    expect((await failure(readSheet(file, () => undefined))).message).toMatch(/root element is <chartsheet> of no namespace, not SpreadsheetML's <worksheet>/);
  });
});

describe('sizes that lie, and bombs', () => {
  it('a part that inflates beyond the size its header declares is stopped there', async () => {
    const bomb = path.join(dir, 'bomb-src.xlsx');
    // 64 MiB of XML white space inside the root: inflates ~1000x, but declared as 20 kB it passes
    // the ratio check, which only sees declared sizes.
    await repackXlsx(good, bomb, { 'xl/worksheets/sheet1.xml': Buffer.concat([Buffer.from('<worksheet><sheetData>'), Buffer.alloc(64 * 1024 ** 2, 0x20)]) });
    const lying = path.join(dir, 'bomb-lying.xlsx');
    await declareSize(bomb, lying, 'xl/worksheets/sheet1.xml', 20_000);
    const before = process.memoryUsage().rss;
    const error = await failure(readSheet(lying, () => undefined));
    expect(error.code).toBe('zip_bomb');
    expect(error.message).toMatch(/bomb-lying\.xlsx was refused: its part xl\/worksheets\/sheet1\.xml inflates to more than the 20000 bytes its header declares/);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 ** 2);
  });

  it('a part that inflates to less than its header declares', async () => {
    const file = path.join(dir, 'short.xlsx');
    await declareSize(good, file, 'xl/worksheets/sheet1.xml', sheetXml.length + 10);
    const error = await failure(readSheet(file, () => undefined));
    expect(error.code).toBe('corrupt_workbook');
    expect(error.message).toMatch(/short\.xlsx: the part xl\/worksheets\/sheet1\.xml is damaged \(it inflates to \d+ bytes, not the \d+ its header declares\)/);
  });

  it('the byte cap holds while streaming, whatever the header says', async () => {
    const zip = await yauzl.openPromise(good, { lazyEntries: true, autoClose: false });
    try {
      const entry = await new Promise<yauzl.Entry>((resolve) => {
        zip.on('entry', (e: yauzl.Entry) => (e.fileName === 'xl/worksheets/sheet1.xml' ? resolve(e) : zip.readEntry()));
        zip.readEntry();
      });
      let seen = 0;
      const error = await failure(pumpEntry(zip, entry, (chunk) => (seen += chunk.length), { file: good, maxBytes: 10_000, inflateChunkBytes: 4096 }));
      expect(error.code).toBe('zip_bomb');
      expect(error.message).toMatch(/inflates beyond 10000 bytes/);
      expect(seen).toBeLessThanOrEqual(10_000);
    } finally {
      zip.close();
    }
  });
});

describe('damaged compressed data', () => {
  it('garbage bytes inside the deflate stream end in a typed error, never a hang or silent success', { timeout: 60_000 }, async () => {
    const bytes = await readFile(good);
    const record = zipRecords(bytes).find((r) => r.name === 'xl/worksheets/sheet1.xml') as ZipRecord;
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let variant = 0; variant < 40; variant++) {
      const damaged = Buffer.from(bytes);
      const at = record.dataStart + Math.floor(random() * (record.compressedSize - 64));
      const length = variant % 4 === 0 ? 1 : 1 + Math.floor(random() * 48);
      for (let i = 0; i < length; i++) damaged[at + i] = variant % 5 === 0 ? damaged[at + i]! ^ (1 << variant % 8) : Math.floor(random() * 256);
      const file = path.join(dir, `garbage-${variant}.xlsx`);
      await writeFile(file, damaged);
      const started = Date.now();
      const { error } = await countRows(file);
      expect(error, `variant ${variant} (${length} bytes at ${at})`).toBeInstanceOf(InputFileError);
      expect(['corrupt_workbook', 'zip_bomb']).toContain(error?.code);
      expect(Date.now() - started).toBeLessThan(10_000);
    }
  });

  it('garbage instead of XML in a stored part', async () => {
    let seed = 3;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let variant = 0; variant < 20; variant++) {
      const junk = Buffer.from(Array.from({ length: 2000 + variant * 97 }, () => Math.floor(random() * 256)));
      const xml = variant % 2 ? Buffer.concat([Buffer.from('<worksheet><sheetData><row r="1"><c r="A1"><v>'), junk]) : junk;
      const file = path.join(dir, `junk-${variant}.xlsx`);
      const entries = await readZipEntries(good);
      entries.set('xl/worksheets/sheet1.xml', xml);
      await writeZip(
        file,
        [...entries].map(([name, data]) => ({ name, data, compress: false })),
      );
      expect((await countRows(file)).error?.code, `variant ${variant}`).toBe('corrupt_workbook');
    }
  });
});

describe('XML attacks', () => {
  const laughs = ['<!ENTITY a0 "ha">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY a${i + 1} "${`&a${i};`.repeat(10)}">`)].join('');

  it('a DOCTYPE with entity declarations ("billion laughs") is refused, in the sheet, the shared strings or the styles', async () => {
    const parts: Record<string, string> = {
      'xl/worksheets/sheet1.xml': `<?xml version="1.0"?><!DOCTYPE worksheet [${laughs}]><worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&a9;</t></is></c></row></sheetData></worksheet>`,
      'xl/sharedStrings.xml': `<?xml version="1.0"?><!DOCTYPE sst [${laughs}]><sst><si><t>&a9;</t></si></sst>`,
      'xl/styles.xml': `<?xml version="1.0"?><!DOCTYPE styleSheet [${laughs}]><styleSheet/>`,
    };
    for (const [part, xml] of Object.entries(parts)) {
      const file = path.join(dir, `laughs-${path.basename(part)}.xlsx`);
      await repackXlsx(good, file, { [part]: xml });
      const cells: RawCell[][] = [];
      const before = process.memoryUsage().rss;
      const error = await failure(readSheet(file, (_row, c) => cells.push(c)));
      expect(error.code).toBe('corrupt_workbook');
      expect(error.message).toMatch(/could not be read \(.*DOCTYPE declaration/);
      expect(cells).toEqual([]);
      expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 ** 2);
    }
  });

  it('an external entity (XXE) is never fetched or read', async () => {
    const file = path.join(dir, 'xxe.xlsx');
    await repackXlsx(good, file, {
      'xl/worksheets/sheet1.xml': '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]><worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&x;</t></is></c></row></sheetData></worksheet>',
    });
    expect((await failure(readSheet(file, () => undefined))).message).toMatch(/DOCTYPE/);
  });

  it('an undefined entity, mismatched tags, deep nesting, an endless tag, an endless value', async () => {
    // Letters that do not compress like a bomb, so the zip checks let them through to the parser:
    // one 64 KiB block of random letters, repeated. Deflate looks back 32 KiB at most, so the
    // repeats do not compress either, and filling 50 MiB takes copies, not 50 million draws.
    let seed = 11;
    const block = Buffer.allocUnsafe(64 * 1024);
    for (let i = 0; i < block.length; i++) block[i] = 0x61 + ((seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 1) % 26);
    const letters = (size: number) => {
      const bytes = Buffer.allocUnsafe(size);
      for (let at = 0; at < size; at += block.length) block.copy(bytes, at, 0, Math.min(block.length, size - at));
      return bytes;
    };
    const cases: Record<string, Buffer | string> = {
      entity: '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&nbsp;</t></is></c></row></sheetData></worksheet>',
      mismatch: '<worksheet><sheetData><row r="1"><c r="A1"><v>1</c></v></row></sheetData></worksheet>',
      nesting: `<worksheet>${'<x>'.repeat(5000)}${'</x>'.repeat(5000)}<sheetData/></worksheet>`,
      tag: Buffer.concat([Buffer.from('<worksheet><sheetData><row r="1" x="'), letters(17 * 1024 ** 2), Buffer.from('"/></sheetData></worksheet>')]),
      value: Buffer.concat([Buffer.from('<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'), letters(33 * 1024 ** 2), Buffer.from('</t></is></c></row></sheetData></worksheet>')]),
      tworoots: '<worksheet><sheetData/></worksheet><worksheet/>',
      textOutside: 'hello<worksheet><sheetData/></worksheet>',
    };
    const expected: Record<string, RegExp> = {
      entity: /undefined entity &nbsp;/,
      mismatch: /end tag <\/c> that closes no open element/,
      nesting: /nested more than 1024 deep/,
      tag: /longer than 16 MiB/,
      value: /a value longer than 32 MiB/,
      tworoots: /second root element/,
      textOutside: /text outside the root element/,
    };
    for (const [name, xml] of Object.entries(cases)) {
      const file = path.join(dir, `xml-${name}.xlsx`);
      await repackXlsx(good, file, { 'xl/worksheets/sheet1.xml': xml });
      const error = await failure(readSheet(file, () => undefined));
      expect(error.code, name).toBe('corrupt_workbook');
      expect(error.message, name).toMatch(expected[name] as RegExp);
    }
  });
});

describe('stopping, progress, and what is left behind', () => {
  it('cancelling: before the read, from a row callback (no row after it), and from outside', async () => {
    const stopped = new AbortController();
    stopped.abort();
    await expect(readSheet(good, () => undefined, { signal: stopped.signal })).rejects.toBeInstanceOf(CancelledError);

    const during = new AbortController();
    let seen = 0;
    await expect(
      readSheet(
        good,
        () => {
          if (++seen === 10) during.abort();
        },
        { signal: during.signal },
      ),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(seen).toBe(10);

    const outside = new AbortController();
    const reading = readWorksheet(good, () => undefined, { signal: outside.signal, inflateChunkBytes: 64, maxSinkBytes: 7 });
    setTimeout(() => outside.abort(), 5);
    await expect(reading).rejects.toBeInstanceOf(CancelledError);
  });

  it('a row callback that throws stops the read with a typed error', async () => {
    const error = await failure(
      readSheet(good, (row) => {
        if (row === 3) throw new Error('boom');
      }),
    );
    expect(error.code).toBe('corrupt_workbook');
    expect(error.message).toMatch(/good\.xlsx: sheet "S" could not be read \(boom\)/);
  });

  it('progress grows and ends at the file size', async () => {
    const seen: [number, number][] = [];
    await readWorksheet(good, () => undefined, { onBytes: (read, total) => seen.push([read, total]), inflateChunkBytes: 4096 });
    expect(seen.length).toBeGreaterThan(3);
    const size = (await readFile(good)).length;
    expect(seen.every(([, total]) => total === size)).toBe(true);
    expect(seen.every(([read], i) => i === 0 || read >= (seen[i - 1] as [number, number])[0])).toBe(true);
    expect(seen.at(-1)).toEqual([size, size]);
  });

  it('no temp file, even when the sheet precedes the shared strings in the zip (exceljs spools it)', async () => {
    const file = path.join(dir, 'sheet-first.xlsx');
    await repackXlsx(good, file, {}, (names) => ['xl/worksheets/sheet1.xml', ...names.filter((n) => n !== 'xl/worksheets/sheet1.xml')]);
    const tmp = await mkdtemp(path.join(dir, 'tmp-'));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      const duringNew: string[][] = [];
      await readSheet(file, (row) => {
        if (row === 1000) duringNew.push(readdirSync(tmp));
      });
      expect(duringNew).toEqual([[]]);
      const duringOld: string[][] = [];
      for (let attempt = 1; duringOld.length === 0 && attempt <= 5; attempt++) {
        // exceljs now and then loses a spooled sheet under load ("listed but its data is missing").
        await readSheetWithExceljs(file, (row) => {
          if (row === 1000) duringOld.push(readdirSync(tmp));
        }).catch((error: unknown) => {
          if (!(error instanceof Error) || !/is listed but its data is missing/.test(error.message)) throw error;
        });
      }
      // The reason for the switch: exceljs keeps the sheet's XML (patient data) in a temp file.
      expect(duringOld[0]?.length).toBe(1);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });

  it('no file handle is left open after reads that fail', async () => {
    const before = openFileCount();
    if (before === undefined) {
      console.log('open file count not checked: this system has no /proc/self/fd');
      return;
    }
    for (let i = 0; i < 20; i++) {
      await countRows(path.join(dir, 'cut-400.xlsx'));
      await countRows(path.join(dir, 'garbage-3.xlsx'));
      const stop = new AbortController();
      await readSheet(good, () => stop.abort(), { signal: stop.signal }).catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(openFileCount()).toBeLessThanOrEqual(before + 2);
  });
});
