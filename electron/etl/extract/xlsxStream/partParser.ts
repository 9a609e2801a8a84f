/**
 * One part of the package, streamed through the XML scanner into a handler: inflated (zipEntries),
 * decoded from the part's encoding, filtered to the handler's namespace (MarkupFilter), and every
 * XML problem turned into an InputFileError that names the file, the sheet, the part and, where
 * known, the row and cell.
 *
 * Encoding: OPC (ECMA-376 Part 2 §8.1.4) allows XML parts in UTF-8 or UTF-16; the byte order mark
 * or the first bytes (`<?` as UTF-16) tell which (XML 1.0 Appendix F). UTF-16 is transcoded to
 * UTF-8 on the way, chunk by chunk, so the scanner only ever sees UTF-8. A part that declares any
 * other encoding is refused with a message that says so, rather than read as garbage.
 */
import path from 'node:path';
import type yauzl from 'yauzl';
import { InputFileError } from '../../errors';
import { MarkupFilter } from './markupFilter';
import { CellError } from './sheetRows';
import { XmlScanner, type XmlHandler } from './xmlScanner';
import { XmlCutOffError, XmlError } from './xmlText';
import { pumpEntry } from './zipEntries';

export interface PartSource {
  zip: yauzl.ZipFile;
  file: string;
  /** Inflated bytes allowed per part. */
  maxBytes: number;
  signal?: AbortSignal | undefined;
  /** Tests: inflate in chunks of this size and feed the scanner pieces of at most maxSinkBytes. */
  inflateChunkBytes?: number | undefined;
  maxSinkBytes?: number | undefined;
}

export interface PartRequest {
  entry: yauzl.Entry;
  handler: XmlHandler;
  /** The namespace id whose elements the handler reads (NS_SML, NS_PKG_REL). */
  namespace: number;
  /** Local name of the root element, for messages. */
  root: string;
  /** The sheet being read, when the part belongs to one (or the sheet the read is for). */
  sheet?: string | undefined;
  /** Called after the scanner reached the end without error (e.g. to check </sheetData>). */
  finish?: () => void;
  /** The row the handler was at, for messages about XML damage inside a sheet. */
  rowAt?: () => number;
  onCompressed?: (bytes: number) => void;
}

export async function parsePart(source: PartSource, request: PartRequest): Promise<void> {
  const { file } = source;
  const { entry, root } = request;
  const label = path.basename(file);
  const part = entry.fileName;
  const where = { file, ...(request.sheet === undefined ? {} : { sheet: request.sheet }) };
  const sheetPrefix = request.sheet === undefined ? `${label}` : `${label}: sheet ${quoteName(request.sheet)}`;
  const scanner = new XmlScanner(new MarkupFilter(request.handler, request.namespace, root));
  const decoder = new PartDecoder((chunk) => scanner.write(chunk));
  try {
    await pumpEntry(source.zip, entry, (chunk) => decoder.write(chunk), {
      file,
      maxBytes: source.maxBytes,
      signal: source.signal,
      onCompressed: request.onCompressed,
      inflateChunkBytes: source.inflateChunkBytes,
      maxSinkBytes: source.maxSinkBytes,
    });
    decoder.end();
    scanner.end();
    request.finish?.();
  } catch (error) {
    if (error instanceof CellError) {
      const cell = `${columnLetters(error.column)}${error.row}`;
      throw new InputFileError(
        'corrupt_workbook',
        `${sheetPrefix}, cell ${cell} (${part}): ${error.message}. Open the file in Excel and save it again as .xlsx.`,
        { ...where, row: error.row, column: columnLetters(error.column) },
        { part },
        { cause: error },
      );
    }
    if (error instanceof XmlCutOffError) {
      throw new InputFileError(
        'corrupt_workbook',
        `${label}: the part ${part} is cut off (it does not end with </${root}>; ${error.message}); ${root === 'worksheet' ? 'rows may be missing' : 'values may be wrong'}. Open the file in Excel and save it again.`,
        where,
        { part },
        { cause: error },
      );
    }
    if (error instanceof XmlError) {
      const row = request.rowAt?.() ?? 0;
      const at = row > 0 ? `, at row ${row}` : '';
      throw new InputFileError(
        'corrupt_workbook',
        `${sheetPrefix} could not be read (${part}${at}: ${error.message}). Open the file in Excel and save it again as .xlsx.`,
        row > 0 ? { ...where, row } : where,
        { part },
        { cause: error },
      );
    }
    throw error;
  }
}

/** A sheet (or file) name inside a message: quoted, on one line. */
export function quoteName(name: string): string {
  let shown = '';
  for (const char of name) shown += char.charCodeAt(0) < 0x20 || char === '\u007f' ? ' ' : char;
  return `"${shown}"`;
}

/** 1 → A, 27 → AA, 16384 → XFD. */
export function columnLetters(column: number): string {
  let letters = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters || '?';
}

const ACCEPTED_ENCODINGS = new Set(['utf-8', 'utf8', 'utf-16', 'utf16', 'us-ascii', 'ascii']);

/** Sniffs the part's encoding from its first bytes and hands UTF-8 on. */
class PartDecoder {
  private head: Buffer | null = Buffer.alloc(0);
  private utf16: InstanceType<typeof TextDecoder> | null = null;

  constructor(private readonly sink: (chunk: Buffer) => void) {}

  write(chunk: Buffer): void {
    if (this.head !== null) {
      const head = this.head.length === 0 ? chunk : Buffer.concat([this.head, chunk]);
      if (head.length < 4) {
        this.head = head;
        return;
      }
      this.head = null;
      this.start(head);
      return;
    }
    this.pass(chunk);
  }

  end(): void {
    if (this.head !== null && this.head.length > 0) {
      const head = this.head;
      this.head = null;
      this.start(head);
    }
    if (this.utf16) {
      let rest: string;
      try {
        rest = this.utf16.decode();
      } catch {
        throw new XmlError('text that is not valid UTF-16 (the part ends inside a character)');
      }
      if (rest) this.sink(Buffer.from(rest, 'utf8'));
    }
  }

  private start(head: Buffer): void {
    const b0 = head[0];
    const b1 = head[1];
    if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0x3c && b1 === 0x00)) this.utf16 = new TextDecoder('utf-16le', { fatal: true });
    else if ((b0 === 0xfe && b1 === 0xff) || (b0 === 0x00 && b1 === 0x3c)) this.utf16 = new TextDecoder('utf-16be', { fatal: true });
    else checkDeclaredEncoding(head);
    this.pass(head);
  }

  private pass(chunk: Buffer): void {
    if (!this.utf16) {
      this.sink(chunk);
      return;
    }
    let text: string;
    try {
      text = this.utf16.decode(chunk, { stream: true });
    } catch {
      throw new XmlError('text that is not valid UTF-16');
    }
    if (text) this.sink(Buffer.from(text, 'utf8'));
  }
}

/** A UTF-8 part's XML declaration may only name UTF-8 (or ASCII, a subset, or UTF-16 mislabelled). */
function checkDeclaredEncoding(head: Buffer): void {
  const start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  if (head.toString('latin1', start, start + 5) !== '<?xml') return;
  const close = head.indexOf('?>', start);
  const declaration = head.toString('latin1', start, close === -1 ? Math.min(head.length, start + 256) : close);
  const match = /\sencoding\s*=\s*["']([^"']*)["']/.exec(declaration);
  if (!match) return;
  const encoding = (match[1] ?? '').toLowerCase();
  if (!ACCEPTED_ENCODINGS.has(encoding)) {
    throw new XmlError(`the part declares the encoding ${JSON.stringify(match[1]?.slice(0, 32))}; workbook parts are UTF-8 or UTF-16`);
  }
}
