/**
 * The exceljs streaming writer, set up so that generated workbooks are reproducible and can carry
 * the 1904 date system, plus the helper that writes one row of `Cell`s.
 *
 * exceljs's streaming `WorkbookWriter` writes rows to the zip as they are committed, so memory stays
 * flat however many rows are written. It has no option for the 1904 flag (its workbook.xml always
 * gets empty workbook properties) and stamps every zip entry with the current time; both are
 * handled here, in one place, with checks that fail loudly if exceljs changes.
 */
import ExcelJS from 'exceljs';
import { open } from 'node:fs/promises';
import type { Cell } from './dirt';

/** The created/modified date written into every generated workbook (and its zip entries). */
export const FIXED_TIMESTAMP = new Date(Date.UTC(2025, 0, 1, 0, 0, 0));

interface ZipAppender {
  append(source: unknown, data: { name: string }): unknown;
}

export interface WorkbookWriterOptions {
  filename: string;
  date1904: boolean;
}

export function createWorkbookWriter(options: WorkbookWriterOptions): ExcelJS.stream.xlsx.WorkbookWriter {
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: options.filename,
    useStyles: true,
    useSharedStrings: true,
  });
  writer.creator = 'HealthTech ETL sample generator';
  writer.lastModifiedBy = 'HealthTech ETL sample generator';
  writer.created = FIXED_TIMESTAMP;
  writer.modified = FIXED_TIMESTAMP;
  if (options.date1904) setDate1904Flag(writer);
  return writer;
}

/**
 * Add `date1904="1"` to `<workbookPr>` when the writer appends xl/workbook.xml. The cells are
 * unaffected: the sheet writers emit serials already computed in the 1904 system.
 */
function setDate1904Flag(writer: ExcelJS.stream.xlsx.WorkbookWriter): void {
  const zip = (writer as unknown as { zip?: ZipAppender }).zip;
  if (!zip || typeof zip.append !== 'function') {
    throw new Error('exceljs WorkbookWriter has no zip.append: cannot set the 1904 date system flag');
  }
  const append = zip.append.bind(zip);
  zip.append = (source: unknown, data: { name: string }): unknown => {
    if (data.name.replace(/^\//, '') === 'xl/workbook.xml') {
      if (typeof source !== 'string' || !source.includes('<workbookPr ')) {
        throw new Error('exceljs wrote xl/workbook.xml without <workbookPr>: cannot set the 1904 date system flag');
      }
      return append(source.replace('<workbookPr ', '<workbookPr date1904="1" '), data);
    }
    return append(source, data);
  };
}

interface PipeLike {
  writableLength?: number;
  _writableState?: { length?: number };
  once(event: string, listener: () => void): unknown;
  removeListener(event: string, listener: () => void): unknown;
}

/** Uncompressed XML allowed to wait for the compressor before the writer pauses. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * Backpressure for the streaming writer. exceljs's sheet stream writes into the zip's input
 * without honouring `write() === false`, so a fast producer would buffer the whole sheet in memory.
 * Call this every few hundred rows: it waits until what is buffered has been compressed.
 */
export async function drainSheet(sheet: ExcelJS.Worksheet): Promise<void> {
  const pipes = (sheet as unknown as { stream?: { pipes?: PipeLike[] } }).stream?.pipes ?? [];
  for (const pipe of pipes) {
    const buffered = pipe.writableLength ?? pipe._writableState?.length ?? 0;
    if (buffered > MAX_BUFFERED_BYTES) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          for (const event of ['drain', 'error', 'close']) pipe.removeListener(event, done);
          resolve();
        };
        for (const event of ['drain', 'error', 'close']) pipe.once(event, done);
      });
    }
  }
  await new Promise((resolve) => setImmediate(resolve));
}

/** A fill for the "formatted but empty" cells of a blank row (what a highlighted, cleared row leaves). */
const HIGHLIGHT: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF2CC' } };

/** Write `cells` (column 1 onwards) into row `rowNumber` and commit it (rows must go in order). */
export function writeRow(sheet: ExcelJS.Worksheet, rowNumber: number, cells: readonly Cell[], bold = false): void {
  const row = sheet.getRow(rowNumber);
  let hasValue = false;
  for (const [index, c] of cells.entries()) {
    if (c.value === null && !c.highlighted) continue;
    const target = row.getCell(index + 1);
    if (c.value !== null) {
      target.value = c.value;
      hasValue = true;
    }
    if (c.numFmt !== undefined) target.numFmt = c.numFmt;
    if (c.highlighted) target.fill = HIGHLIGHT;
    if (bold) target.font = { bold: true };
  }
  // exceljs skips rows without values unless they have a height; a formatted blank row must be written.
  if (!hasValue && cells.some((c) => c.highlighted)) row.height = 15;
  row.commit();
}

// ---------------------------------------------------------------------------------------------
// Reproducible zip timestamps
// ---------------------------------------------------------------------------------------------

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

function dosDateTime(date: Date): { time: number; date: number } {
  return {
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2),
    date: ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

/**
 * Rewrite the modification time of every zip entry (central directory and local headers) to
 * `when`, in place, so the same content gives the same file bytes. Only the fixed-size time/date
 * fields are touched; the archive is otherwise unchanged. Zip64 archives (over 4 GiB, far beyond
 * what this generator writes) are left as they are.
 */
export async function normaliseZipTimestamps(path: string, when: Date = FIXED_TIMESTAMP): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    const { size } = await handle.stat();
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Error(`${path}: not a zip file (no end of central directory)`);
    const entries = tail.readUInt16LE(eocd + 10);
    const centralSize = tail.readUInt32LE(eocd + 12);
    const centralOffset = tail.readUInt32LE(eocd + 16);
    if (entries === 0xffff || centralSize === 0xffffffff || centralOffset === 0xffffffff) return; // zip64

    const central = Buffer.alloc(centralSize);
    await handle.read(central, 0, centralSize, centralOffset);
    const stamp = dosDateTime(when);
    const local = Buffer.alloc(4);
    let pos = 0;
    for (let n = 0; n < entries; n++) {
      if (central.readUInt32LE(pos) !== CENTRAL_SIGNATURE) throw new Error(`${path}: corrupt central directory`);
      central.writeUInt16LE(stamp.time, pos + 12);
      central.writeUInt16LE(stamp.date, pos + 14);
      const localOffset = central.readUInt32LE(pos + 42);
      await handle.read(local, 0, 4, localOffset);
      if (local.readUInt32LE(0) !== LOCAL_SIGNATURE) throw new Error(`${path}: corrupt local header`);
      const stampBytes = Buffer.alloc(4);
      stampBytes.writeUInt16LE(stamp.time, 0);
      stampBytes.writeUInt16LE(stamp.date, 2);
      await handle.write(stampBytes, 0, 4, localOffset + 10);
      pos += 46 + central.readUInt16LE(pos + 28) + central.readUInt16LE(pos + 30) + central.readUInt16LE(pos + 32);
    }
    await handle.write(central, 0, centralSize, centralOffset);
  } finally {
    await handle.close();
  }
}
