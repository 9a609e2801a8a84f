/**
 * One Parquet file, written a row group at a time: rows arrive as COPY text fields, are decoded
 * into per-column buffers until the group is full (ROW_GROUP_ROWS rows, what engines such as
 * Athena, Spark and Redshift read well, or earlier when the decoded values would take about
 * ROW_GROUP_MEMORY), then encoded, compressed and appended to the file. Memory is bounded by one
 * row group whatever the table's size (plus, per file, one encoded group waiting for the disk). Bytes are hashed as they are encoded, so the
 * manifest's SHA-256 costs no second read. The file's own opening, writes and closing run behind
 * the encoding (see WriteBehind), so thousands of small partition files do not each stall it.
 *
 * Why hyparquet-writer (measured with 1,000,000 appointment rows on this project's 2-core machine,
 * CPU time because wall time was noisy under shared load; see docs/data-lake.md):
 * - hyparquet-writer: 2.2–3.0 s CPU, peak RSS +50 MB over the data at 100k-row groups, +150 MB at
 *   1M-row groups; pure JavaScript (~1.5 MB installed with its one dependency, nothing native, no
 *   WebAssembly), writes row groups incrementally, DATE/TIMESTAMP/LIST/MAP, snappy built in;
 *   maintained (releases monthly through 2026).
 * - parquet-wasm + apache-arrow: ~5.5 s CPU and 650 MB peak (the table goes through Arrow IPC into
 *   WebAssembly memory whole); ~27 MB installed. zstd, but no gain worth the memory.
 * - @dsnp/parquetjs: ~40 s (row-at-a-time), and it drags in its own AWS SDK, bson and brotli-wasm.
 * - DuckDB (@duckdb/node-api): ~2.3 s CPU, but a 70 MB native binary per platform in the packaged
 *   app, and it is the independent engine the tests read the dataset back with: writing with it
 *   would let one engine's quirk pass its own check.
 * Compression is snappy: the codec hyparquet-writer ships, read by every engine; zstd would need a
 * native or wasm compressor (Node 20's zlib has none).
 */
import { createHash } from 'node:crypto';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { ByteWriter, ParquetWriter, type ColumnSource } from 'hyparquet-writer';
import { decodeField, parquetSchema, type ColumnKind, type LakeColumn } from './columns';
import type { CopyRow } from './copyTextRows';
import type { WriteBehind } from './writeBehind';

export const ROW_GROUP_ROWS = 1_000_000;
/**
 * What one row group's decoded values may take in memory (estimated, see decodedSize). Rows cap
 * the appointments (a million of them is some 80 MB decoded); this caps the rejected rows, whose
 * raw values and problems decode into objects several times their text's size (measured: 41,574
 * rejected rows held 64 MB in one group, so a million would have needed 1.5 GB).
 */
export const ROW_GROUP_MEMORY = 96 * 1024 * 1024;
export const COMPRESSION = 'SNAPPY' as const;
const SINK_INITIAL_BYTES = 64 * 1024;
/** Encoded bytes gathered before a write (a whole small file is one write). */
const WRITE_BATCH_BYTES = 1024 * 1024;

export interface ParquetFileOptions {
  /** Key/value metadata in the file footer (run id, source file hashes, …). */
  metadata: Record<string, string>;
  createdBy: string;
  rowGroupRows?: number;
  /** Overrides ROW_GROUP_MEMORY. */
  rowGroupMemory?: number;
}

export interface WrittenFile {
  rows: number;
  bytes: number;
  sha256: string;
  rowGroups: number;
}

/** A column's values for the row group being filled; numbers of required columns in typed arrays. */
class ColumnBuffer {
  private typed: BigInt64Array | Int32Array | undefined;
  private values: unknown[] = [];
  length = 0;

  constructor(private readonly column: LakeColumn) {
    if (column.required && (column.kind === 'int64' || column.kind === 'timestamptz')) this.typed = new BigInt64Array(1024);
    else if (column.required && (column.kind === 'int32' || column.kind === 'date')) this.typed = new Int32Array(1024);
  }

  push(value: unknown): void {
    if (this.typed) {
      if (this.length === this.typed.length) {
        const grown = new (this.typed.constructor as typeof Int32Array & typeof BigInt64Array)(this.typed.length * 2);
        grown.set(this.typed as never);
        this.typed = grown;
      }
      (this.typed as unknown as unknown[])[this.length] = value;
    } else {
      this.values.push(value);
    }
    this.length += 1;
  }

  take(): ColumnSource['data'] {
    const data = this.typed ? this.typed.slice(0, this.length) : this.values;
    this.values = [];
    if (this.typed) this.typed = new (this.typed.constructor as typeof Int32Array & typeof BigInt64Array)(1024);
    this.length = 0;
    return data as ColumnSource['data'];
  }

  get name(): string {
    return this.column.name;
  }
}

/**
 * About what a decoded value takes on V8's heap, from its COPY text: a slot (and 8 bytes in a typed
 * array) for numbers, a string's header and characters for text, and for JSON, maps and lists the
 * objects and strings they become (about four times the text, as measured on the rejected rows).
 */
function decodedSize(kind: ColumnKind, text: string | null): number {
  if (text === null) return 8;
  switch (kind) {
    case 'int64':
    case 'int32':
    case 'date':
    case 'timestamptz':
    case 'boolean':
      return 8;
    case 'text':
      return 24 + text.length;
    case 'json':
    case 'text_map':
    case 'problems':
      return 64 + 4 * text.length;
  }
}

const ignore = (): void => undefined;

export class ParquetFileWriter {
  private readonly buffers: ColumnBuffer[];
  private readonly kinds: ColumnKind[];
  private readonly hash = createHash('sha256');
  /** Estimated memory of the values buffered for the next row group. */
  private pendingMemory = 0;
  private rows = 0;
  private bytes = 0;
  private rowGroups = 0;
  private readonly writer: ParquetWriter;
  private handle: FileHandle | undefined;
  /** The file's disk work in order: create, then each encoded chunk. */
  private io: Promise<void>;
  /** When the batch before the newest one is on disk (the encoder waits for it: one batch ahead at most). */
  private previousBatch: Promise<void> = Promise.resolve();
  /** Encoded chunks not yet handed to the disk. */
  private unwritten: Uint8Array[] = [];
  private unwrittenBytes = 0;
  private finishing = false;

  private constructor(
    file: string,
    columns: readonly LakeColumn[],
    private readonly options: ParquetFileOptions,
    private readonly behind: WriteBehind,
  ) {
    this.buffers = columns.map((column) => new ColumnBuffer(column));
    this.kinds = columns.map((column) => column.kind);
    this.io = this.chain(
      (async () => {
        await mkdir(path.dirname(file), { recursive: true });
        this.handle = await open(file, 'wx', 0o644);
      })(),
    );
    // Small to start (it doubles as a row group needs): a partition of a few rows is the common
    // case, and a 1 MiB buffer per file was most of the export's garbage collection at a million rows.
    const sink = new ByteWriter(SINK_INITIAL_BYTES);
    // hyparquet-writer calls flush() after each row group (and finish() at the end) and waits for
    // the promise it returns. Small chunks are gathered (a partition of a few rows becomes one
    // write, not two); a batch goes to disk while the encoder runs on, unless the previous batch
    // of this file is still on its way.
    const flush = (): Promise<void> | undefined => {
      const chunk = new Uint8Array(sink.buffer, 0, sink.index).slice();
      sink.index = 0;
      this.hash.update(chunk);
      this.bytes += chunk.length;
      this.unwritten.push(chunk);
      this.unwrittenBytes += chunk.length;
      if (!this.finishing && this.unwrittenBytes < WRITE_BATCH_BYTES) return undefined;
      const batch = this.unwritten.length === 1 ? (this.unwritten[0] as Uint8Array) : Buffer.concat(this.unwritten);
      this.unwritten = [];
      this.unwrittenBytes = 0;
      const wait = this.previousBatch;
      this.io = this.chain(this.io.then(() => this.write(batch)));
      this.previousBatch = this.io;
      return wait;
    };
    Object.assign(sink, { flush, finish: flush });
    this.writer = new ParquetWriter({
      writer: sink,
      schema: parquetSchema(columns),
      codec: COMPRESSION,
      createdBy: options.createdBy,
      kvMetadata: Object.entries(options.metadata).map(([key, value]) => ({ key, value })),
    });
  }

  /** A new file (its folders created as needed), once the write-behind has room for it. */
  static async create(file: string, columns: readonly LakeColumn[], options: ParquetFileOptions, behind: WriteBehind): Promise<ParquetFileWriter> {
    await behind.room();
    return new ParquetFileWriter(file, columns, options, behind);
  }

  /**
   * Adds one row, as COPY text fields in column order (null for NULL). Returns a promise only when
   * the row completed a row group (to be awaited before the next row), so a million rows do not
   * cost a million awaits.
   */
  add(fields: CopyRow): Promise<void> | undefined {
    for (let i = 0; i < this.buffers.length; i++) {
      const text = fields[i] ?? null;
      const kind = this.kinds[i] as ColumnKind;
      (this.buffers[i] as ColumnBuffer).push(decodeField(kind, text));
      this.pendingMemory += decodedSize(kind, text);
    }
    this.rows += 1;
    const buffered = (this.buffers[0] as ColumnBuffer).length;
    if (buffered >= (this.options.rowGroupRows ?? ROW_GROUP_ROWS) || this.pendingMemory >= (this.options.rowGroupMemory ?? ROW_GROUP_MEMORY)) {
      return this.writeGroup();
    }
    return undefined;
  }

  private async writeGroup(): Promise<void> {
    const length = (this.buffers[0] as ColumnBuffer | undefined)?.length ?? 0;
    if (length === 0) return;
    const columnData = this.buffers.map((buffer) => ({ name: buffer.name, data: buffer.take() }));
    this.pendingMemory = 0;
    this.rowGroups += 1;
    await this.writer.write({ columnData, rowGroupSize: length });
  }

  /**
   * Encodes the last row group and the footer. The file is written and closed in the background
   * (a failure there surfaces through the WriteBehind). It is not synced to disk here: the caller
   * syncs all the files of a run together once they are written (see syncPaths), which measured
   * several times faster than a sync as each file closes, and costs the encoder no wait.
   */
  async finish(): Promise<WrittenFile> {
    await this.writeGroup();
    this.finishing = true;
    await this.writer.finish();
    this.behind.track(
      this.io.then(
        () => this.handle?.close(),
        async (error: unknown) => {
          await this.handle?.close().catch(ignore);
          throw error;
        },
      ),
    );
    return { rows: this.rows, bytes: this.bytes, sha256: this.hash.digest('hex'), rowGroups: this.rowGroups };
  }

  /** Gives the file up unfinished: closed once its pending writes settle (the caller removes it). */
  abandon(): void {
    this.behind.track(this.io.then(ignore, ignore).then(() => this.handle?.close().catch(ignore)));
  }

  private async write(chunk: Uint8Array): Promise<void> {
    const handle = this.handle as FileHandle;
    // write() may take less than asked (a signal, a full pipe on exotic file systems): finish it.
    for (let offset = 0; offset < chunk.length; ) offset += (await handle.write(chunk, offset)).bytesWritten;
  }

  /** Marks a step of the file's disk work as handled (its failure is reported by whoever awaits it). */
  private chain(step: Promise<void>): Promise<void> {
    step.catch(ignore);
    return step;
  }
}
