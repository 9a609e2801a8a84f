/**
 * Looks at a workbook before any parsing: is it a readable .xlsx at all, is it safe to inflate, and
 * which sheets does it have in workbook order. Only the zip's central directory and the small
 * package parts (relationships, the workbook) are read here (see xlsxStream/packageParts.ts), so a
 * zip bomb is refused before a single row is inflated, and a CSV or an old .xls renamed to .xlsx
 * gets a message that says what it really is.
 */
import { open as openFile } from 'node:fs/promises';
import path from 'node:path';
import yauzl from 'yauzl';
import { describeByMagic, describeZip } from './notAWorkbook';
import { InputFileError } from '../errors';
import { PartIndex, readPackage, type WorkbookPackage } from './xlsxStream/packageParts';
import { quoteName } from './xlsxStream/partParser';

export interface ZipLimits {
  /** Sum of the declared uncompressed sizes of all entries. */
  maxUncompressedBytes: number;
  /** Largest uncompressed/compressed ratio allowed for an entry bigger than `ratioFloorBytes`. */
  maxCompressionRatio: number;
  ratioFloorBytes: number;
  maxEntries: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  // A 1,000,000-row appointments sheet inflates to roughly 150 MB of XML; 2 GiB leaves room for
  // ten times that while still refusing bombs that claim terabytes.
  maxUncompressedBytes: 2 * 1024 ** 3,
  // Spreadsheet XML compresses 5–30x; classic bombs reach 1000x and more.
  maxCompressionRatio: 200,
  ratioFloorBytes: 1024 ** 2,
  maxEntries: 10_000,
};

export interface SheetEntry {
  name: string;
  /** Path of the sheet's XML inside the zip, e.g. `xl/worksheets/sheet1.xml`. */
  part: string;
  hidden: boolean;
  /** A chart sheet (or a macro or dialog sheet) has no cells to read. */
  kind: 'worksheet' | 'chartsheet' | 'other';
}

export interface WorkbookInspection {
  sheets: SheetEntry[];
  uncompressedBytes: number;
  entries: number;
}

export async function inspectWorkbook(file: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<WorkbookInspection> {
  const zip = await openWorkbookZip(file);
  try {
    return (await inspectOpenZip(zip, file, limits)).inspection;
  } finally {
    zip.close();
  }
}

/** What inspection learns on the way, for a reader that goes on to read parts of the same zip. */
export interface OpenWorkbook {
  inspection: WorkbookInspection;
  index: PartIndex;
  workbook: WorkbookPackage;
}

/** Checks that `file` is a zip at all and opens it for random access (close it when done). */
export async function openWorkbookZip(file: string): Promise<yauzl.ZipFile> {
  const label = path.basename(file);
  await checkMagic(file, label);
  try {
    return await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false });
  } catch (error) {
    throw new InputFileError(
      'corrupt_zip',
      `${label} is damaged or incomplete (${describeZipError(error)}). Open it in Excel and save it again as .xlsx.`,
      { file },
      {},
      { cause: error },
    );
  }
}

/** The checks of inspectWorkbook on a zip opened by openWorkbookZip. */
export async function inspectOpenZip(zip: yauzl.ZipFile, file: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS, signal?: AbortSignal): Promise<OpenWorkbook> {
  const label = path.basename(file);
  const entries = await listEntries(zip, file, label, limits);
  let uncompressed = 0;
  for (const entry of entries.values()) {
    uncompressed += entry.uncompressedSize;
    const ratio = entry.compressedSize > 0 ? entry.uncompressedSize / entry.compressedSize : Infinity;
    if (entry.uncompressedSize > limits.ratioFloorBytes && ratio > limits.maxCompressionRatio) {
      throw new InputFileError(
        'zip_bomb',
        `${label} was refused: its part ${entry.fileName} would inflate ${Math.round(ratio)}x (limit ${limits.maxCompressionRatio}x). ` +
          'This is how decompression bombs look; a real workbook compresses far less.',
        { file },
        { part: entry.fileName, ratio: Math.round(ratio) },
      );
    }
  }
  if (uncompressed > limits.maxUncompressedBytes) {
    throw new InputFileError(
      'zip_bomb',
      `${label} was refused: it would inflate to ${formatBytes(uncompressed)} (limit ${formatBytes(limits.maxUncompressedBytes)}).`,
      { file },
      { uncompressedBytes: uncompressed },
    );
  }
  // A zip that is plainly another kind of document (Word, PowerPoint, OpenDocument, Numbers) or a
  // plain archive: said for what it is. Anything else is read as a package (its workbook part may
  // have any name), which says itself when it has none.
  const names = [...entries.keys()];
  if (names.some((name) => /^(word|ppt)\//.test(name)) || names.includes('mimetype') || names.some((name) => name.startsWith('Index/')) || !names.some((name) => name.endsWith('.xml') || name.endsWith('.rels'))) {
    const { what, hint } = describeZip(names);
    throw new InputFileError('not_xlsx', `${label} is ${what}${what.includes('not an Excel workbook') ? '' : ', not an Excel workbook'}. ${hint}`, { file }, { what });
  }
  const index = new PartIndex(entries);
  const workbook = await readPackage({ zip, file, maxBytes: limits.maxUncompressedBytes, signal }, index);
  const sheets = workbook.sheets;
  if (sheets.length === 0) {
    throw new InputFileError('no_sheets', `${label} has no worksheets.`, { file });
  }
  return { inspection: { sheets, uncompressedBytes: uncompressed, entries: entries.size }, index, workbook };
}

async function checkMagic(file: string, label: string): Promise<void> {
  let handle;
  try {
    handle = await openFile(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputFileError('file_not_found', `${file} does not exist.`, { file });
    if (code === 'EISDIR') throw new InputFileError('not_a_file', `${file} is a folder, not a workbook.`, { file });
    if (code === 'EACCES' || code === 'EPERM') {
      throw new InputFileError('file_unreadable', `${file} cannot be read (permission denied).`, { file });
    }
    throw new InputFileError('file_unreadable', `${file} cannot be read (${code ?? String(error)}).`, { file }, {}, { cause: error });
  }
  try {
    if ((await handle.stat()).isDirectory()) {
      throw new InputFileError('not_a_file', `${file} is a folder, not a workbook.`, { file });
    }
    const head = Buffer.alloc(16);
    const { bytesRead } = await handle.read(head, 0, 16, 0);
    if (bytesRead === 0) throw new InputFileError('empty_file', `${label} is empty (0 bytes).`, { file });
    if (!head.subarray(0, 2).equals(Buffer.from('PK'))) {
      // Say what the file is, in words fitted to it (a PNG is not told to be saved from Excel).
      const { what, hint } = describeByMagic(head.subarray(0, bytesRead));
      throw new InputFileError('not_xlsx', `${label} is ${what}${what.startsWith('not ') ? '' : ', not an .xlsx workbook'}. ${hint}`, { file }, { what });
    }
  } finally {
    await handle.close();
  }
}

function listEntries(zip: yauzl.ZipFile, file: string, label: string, limits: ZipLimits): Promise<Map<string, yauzl.Entry>> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, yauzl.Entry>();
    if (zip.entryCount > limits.maxEntries) {
      reject(new InputFileError('zip_bomb', `${label} was refused: it has ${zip.entryCount} parts (limit ${limits.maxEntries}).`, { file }));
      return;
    }
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.set(entry.fileName, entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', (error: unknown) =>
      reject(new InputFileError('corrupt_zip', `${label} is damaged (${describeZipError(error)}). Open it in Excel and save it again.`, { file }, {}, { cause: error })),
    );
    zip.readEntry();
  });
}

/** The sheet to read: the first in workbook order unless one is named (exactly, else ignoring case and spaces). */
export function chooseSheet(sheets: SheetEntry[], wanted: string | undefined, file: string): SheetEntry {
  const label = path.basename(file);
  if (wanted === undefined || wanted === '') return sheets[0] as SheetEntry;
  const exact = sheets.find((sheet) => sheet.name === wanted);
  if (exact) return exact;
  const loose = (text: string) => text.trim().toLowerCase().replace(/\s+/g, ' ');
  const similar = sheets.find((sheet) => loose(sheet.name) === loose(wanted));
  if (similar) return similar;
  throw new InputFileError(
    'sheet_not_found',
    `${label} has no sheet named ${quoteName(wanted)}. Its sheets are: ${sheets.map((sheet) => quoteName(sheet.name)).join(', ')}.`,
    { file, sheet: wanted },
  );
}

export function describeZipError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/end of central directory/i.test(message)) return 'the end of the file is missing; it may have been cut off while copying';
  return message.replace(/\s+/g, ' ').slice(0, 200);
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
