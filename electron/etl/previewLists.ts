/**
 * The preview's long lists (rejected rows, suspicious dates) as a few flat buffers instead of
 * objects: each row's JSON and its search text packed as UTF-8, plus a byte per row for the codes
 * the filters use. Built in the worker and transferred, so they cross to the host without being
 * copied or deserialised (structured-cloning 213k rejected rows held the app's main process for
 * ~4 s), sit outside the JavaScript heap (no long collections of a million-object graph, and the
 * memory goes back when a preview is replaced), and a page decodes only its own rows.
 */
import type { RejectedRow, SuspiciousDate } from './types';

/** Strings packed as UTF-8: string i is bytes [ends[i-1], ends[i]). */
export interface TextColumnData {
  bytes: Uint8Array;
  ends: Uint32Array;
}

export class TextColumn {
  private readonly decoder = new TextDecoder();
  private readonly view: Buffer;

  constructor(readonly data: TextColumnData) {
    this.view = Buffer.from(data.bytes.buffer, data.bytes.byteOffset, data.bytes.byteLength);
  }

  static encode<T>(rows: readonly T[], text: (row: T, index: number) => string): TextColumnData {
    const encoder = new TextEncoder();
    let bytes = new Uint8Array(Math.max(1024, rows.length * 64));
    const ends = new Uint32Array(rows.length);
    let used = 0;
    for (let i = 0; i < rows.length; i++) {
      const value = text(rows[i] as T, i);
      // UTF-8 needs at most 3 bytes per UTF-16 unit.
      if (used + value.length * 3 > bytes.length) {
        const grown = new Uint8Array(Math.max(bytes.length * 2, used + value.length * 3));
        grown.set(bytes.subarray(0, used));
        bytes = grown;
      }
      used += encoder.encodeInto(value, bytes.subarray(used)).written;
      ends[i] = used;
    }
    // Its own buffer, exactly as long as the text (it is transferred whole).
    return { bytes: bytes.slice(0, used), ends };
  }

  get size(): number {
    return this.data.ends.length;
  }

  private start(i: number): number {
    return i === 0 ? 0 : (this.data.ends[i - 1] as number);
  }

  at(i: number): string {
    return this.decoder.decode(this.data.bytes.subarray(this.start(i), this.data.ends[i]));
  }

  /** Whether string i contains `needle` (UTF-8 bytes): a substring of the UTF-8 is one of the text. */
  includes(i: number, needle: Uint8Array): boolean {
    const start = this.start(i);
    const end = this.data.ends[i] as number;
    if (end - start < needle.length) return false;
    return this.view.subarray(start, end).indexOf(needle) !== -1;
  }

  /** The buffers to transfer. */
  transferables(): ArrayBuffer[] {
    return [this.data.bytes.buffer as ArrayBuffer, this.data.ends.buffer as ArrayBuffer];
  }
}

/** A text filter's needle as UTF-8 (the search texts are stored that way). */
export function needleBytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export interface RejectedListData {
  rows: TextColumnData;
  /** Lower-cased `${row} ${every problem's message} ${the values as typed}`: what a text filter searches. */
  search: TextColumnData;
  /** Per row: index into reasonNames, fileNames, and columnNames + 1 (0: no column). */
  reasons: Uint8Array;
  files: Uint8Array;
  columns: Uint16Array;
  reasonNames: string[];
  fileNames: string[];
  columnNames: string[];
}

export interface SuspiciousListData {
  rows: TextColumnData;
  /** `${bookingId} ${date} ${row}` (case as it is). */
  search: TextColumnData;
}

export interface PreviewListsData {
  rejected: RejectedListData;
  suspicious: SuspiciousListData;
}

/** The text a rejected row's text filter searches (lower-cased). */
export function rejectedSearchText(row: RejectedRow): string {
  return `${row.row} ${row.problems.map((p) => p.message).join(' ')} ${Object.values(row.raw).join(' ')}`.toLowerCase();
}

export function suspiciousSearchText(s: SuspiciousDate): string {
  return `${s.bookingId} ${s.date} ${s.row}`;
}

function codes<T>(rows: readonly T[], key: (row: T) => string | undefined, array: Uint8Array | Uint16Array, offset: number): string[] {
  const names: string[] = [];
  const index = new Map<string, number>();
  for (let i = 0; i < rows.length; i++) {
    const name = key(rows[i] as T);
    if (name === undefined) continue;
    let code = index.get(name);
    if (code === undefined) {
      code = names.length;
      index.set(name, code);
      names.push(name);
    }
    array[i] = code + offset;
  }
  return names;
}

export function encodePreviewLists(report: { rejected: readonly RejectedRow[]; suspicious: readonly SuspiciousDate[] }): PreviewListsData {
  const { rejected, suspicious } = report;
  const reasons = new Uint8Array(rejected.length);
  const files = new Uint8Array(rejected.length);
  const columns = new Uint16Array(rejected.length);
  return {
    rejected: {
      rows: TextColumn.encode(rejected, (row) => JSON.stringify(row)),
      search: TextColumn.encode(rejected, rejectedSearchText),
      reasons,
      files,
      columns,
      reasonNames: codes(rejected, (row) => row.reason, reasons, 0),
      fileNames: codes(rejected, (row) => row.file, files, 0),
      columnNames: codes(rejected, (row) => row.column, columns, 1),
    },
    suspicious: {
      rows: TextColumn.encode(suspicious, (row) => JSON.stringify(row)),
      search: TextColumn.encode(suspicious, suspiciousSearchText),
    },
  };
}

export function previewListsTransferables(data: PreviewListsData): ArrayBuffer[] {
  const { rejected, suspicious } = data;
  return [
    ...[rejected.rows, rejected.search, suspicious.rows, suspicious.search].flatMap((column) => [column.bytes.buffer as ArrayBuffer, column.ends.buffer as ArrayBuffer]),
    rejected.reasons.buffer as ArrayBuffer,
    rejected.files.buffer as ArrayBuffer,
    rejected.columns.buffer as ArrayBuffer,
  ];
}

/** Every rejected row of a packed list, decoded (for the export, in its worker). */
export function decodeRejected(data: RejectedListData): RejectedRow[] {
  const rows = new TextColumn(data.rows);
  return Array.from({ length: rows.size }, (_, i) => JSON.parse(rows.at(i)) as RejectedRow);
}

/** The lists on the host's side: rows decoded one at a time, filters on the codes and search texts. */
export class PreviewLists {
  readonly rejectedRows: TextColumn;
  readonly rejectedSearch: TextColumn;
  readonly suspiciousRows: TextColumn;
  readonly suspiciousSearch: TextColumn;

  constructor(readonly data: PreviewListsData) {
    this.rejectedRows = new TextColumn(data.rejected.rows);
    this.rejectedSearch = new TextColumn(data.rejected.search);
    this.suspiciousRows = new TextColumn(data.suspicious.rows);
    this.suspiciousSearch = new TextColumn(data.suspicious.search);
  }

  get rejectedCount(): number {
    return this.rejectedRows.size;
  }

  get suspiciousCount(): number {
    return this.suspiciousRows.size;
  }

  rejected(i: number): RejectedRow {
    return JSON.parse(this.rejectedRows.at(i)) as RejectedRow;
  }

  suspicious(i: number): SuspiciousDate {
    return JSON.parse(this.suspiciousRows.at(i)) as SuspiciousDate;
  }

  /** The code of a reason, file or column name in this list (-1: no row has it). */
  reasonCode(name: string): number {
    return this.data.rejected.reasonNames.indexOf(name);
  }

  fileCode(name: string): number {
    return this.data.rejected.fileNames.indexOf(name);
  }

  columnCode(name: string): number {
    const i = this.data.rejected.columnNames.indexOf(name);
    return i === -1 ? -1 : i + 1;
  }
}
