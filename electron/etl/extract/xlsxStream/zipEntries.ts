/**
 * Random access to the parts of an open workbook zip (yauzl): streaming one part's inflated bytes
 * into a synchronous sink.
 *
 * We inflate ourselves (yauzl hands over the raw bytes) so that we can count compressed bytes for
 * progress and police the inflated size as it grows: a part may never inflate beyond the byte cap
 * or beyond the size its header declares (a bomb with a lying header is stopped there, not at the
 * end), and must reach that size and its CRC-32 exactly (so damage that still inflates, and still
 * happens to be well-formed XML, is not read as data). Nothing is written to disk.
 */
import { createReadStream } from 'node:fs';
import { Readable, addAbortSignal, type TransformOptions } from 'node:stream';
import { crc32, createInflateRaw, type ZlibOptions } from 'node:zlib';
import path from 'node:path';
import type yauzl from 'yauzl';
import { CancelledError, InputFileError } from '../../errors';
import { describeZipError } from '../inspectWorkbook';

export interface PumpOptions {
  file: string;
  /** Inflated bytes allowed for this part. */
  maxBytes: number;
  signal?: AbortSignal | undefined;
  /** After each chunk: compressed bytes of this part read so far. */
  onCompressed?: ((bytes: number) => void) | undefined;
  /** Size of the inflated chunks zlib hands over (at least 64). */
  inflateChunkBytes?: number | undefined;
  /** Tests: cut every chunk into pieces of at most this many bytes before the sink sees them. */
  maxSinkBytes?: number | undefined;
}

const DEFAULT_INFLATE_CHUNK = 256 * 1024;
/**
 * Compressed bytes read from the file at a time. yauzl's own entry stream reads 16 KiB at a time
 * through two Transforms, and each 16 KiB then costs a thread-pool round trip to inflate: the
 * million-row openpyxl sheet (37 MB compressed) arrived as 3,398 inflated chunks for 2,250 reads.
 * Read 1 MiB at a time, the same sheet inflates into 1,182 full 256 KiB chunks, and the thread
 * that parses spent 70–120 ms on reading and inflating it instead of 190–450 ms (five paired runs,
 * main-thread CPU from /proc, load average 8: shared machine).
 */
const RAW_READ_BYTES = 1024 * 1024;
/** Inflated bytes zlib may prepare ahead of the parser (it inflates on another thread meanwhile). */
const READ_AHEAD_BYTES = 8 * 1024 ** 2;

/** Streams the inflated bytes of `entry` into `sink`, which may throw to stop. */
export async function pumpEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, sink: (chunk: Buffer) => void, options: PumpOptions): Promise<void> {
  const { file, signal } = options;
  const label = path.basename(file);
  const part = entry.fileName;
  const damaged = (reason: string, cause?: unknown) =>
    new InputFileError(
      'corrupt_workbook',
      `${label}: the part ${part} is damaged (${reason}). Open the file in Excel and save it again.`,
      { file },
      { part },
      cause === undefined ? undefined : { cause },
    );
  if (entry.isEncrypted()) throw damaged('it is encrypted');
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) throw damaged(`it uses compression method ${entry.compressionMethod}, which Excel never writes`);
  if (signal?.aborted) throw new CancelledError();

  let raw: Readable;
  try {
    raw = await openRawEntry(zip, entry, file);
  } catch (error) {
    throw damaged(describeZipError(error), error);
  }
  let compressed = 0;
  // zlib passes stream options on to its Transform; its types only list the zlib ones.
  const inflateOptions: ZlibOptions & TransformOptions = { chunkSize: options.inflateChunkBytes ?? DEFAULT_INFLATE_CHUNK, readableHighWaterMark: READ_AHEAD_BYTES };
  const inflate = entry.compressionMethod === 8 ? createInflateRaw(inflateOptions) : null;
  const source: Readable = inflate ?? raw;
  if (inflate) {
    raw.on('error', (error) => inflate.destroy(error));
    raw.pipe(inflate);
  }
  if (inflate) {
    raw.on('data', (chunk: Buffer) => {
      compressed += chunk.length;
    });
  }
  if (signal) addAbortSignal(signal, source);

  const declared = entry.uncompressedSize;
  const limit = Math.min(options.maxBytes, declared);
  const pieces = options.maxSinkBytes;
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let total = 0;
  let checksum = 0;
  try {
    for (;;) {
      let step: IteratorResult<Buffer>;
      try {
        step = await iterator.next();
      } catch (error) {
        if (signal?.aborted) throw new CancelledError();
        throw damaged(describeZipError(error), error);
      }
      if (step.done) break;
      const chunk = step.value;
      total += chunk.length;
      if (total > limit) {
        throw new InputFileError(
          'zip_bomb',
          total > declared && declared < options.maxBytes
            ? `${label} was refused: its part ${part} inflates to more than the ${declared} bytes its header declares. This is how decompression bombs look.`
            : `${label} was refused: its part ${part} inflates beyond ${options.maxBytes} bytes.`,
          { file },
          { part },
        );
      }
      if (signal?.aborted) throw new CancelledError();
      if (!inflate) compressed = total;
      checksum = crc32(chunk, checksum);
      options.onCompressed?.(compressed);
      if (pieces === undefined || chunk.length <= pieces) sink(chunk);
      else for (let at = 0; at < chunk.length; at += pieces) sink(chunk.subarray(at, Math.min(at + pieces, chunk.length)));
    }
  } finally {
    source.destroy();
    raw.destroy();
  }
  if (total !== declared) throw damaged(`it inflates to ${total} bytes, not the ${declared} its header declares`);
  if (checksum !== entry.crc32) throw damaged('its checksum does not match: the data was altered after it was written');
}

/**
 * The entry's bytes as stored (still compressed), read straight from the file in large pieces
 * (RAW_READ_BYTES). yauzl finds where they start and checks that they lie inside the file; a file
 * cut short or changed since it was opened ends the stream early or with other bytes, which the
 * size and CRC-32 checks in pumpEntry then report as damage.
 */
async function openRawEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, file: string): Promise<Readable> {
  const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true });
  if (entry.compressedSize === 0) return Readable.from([]);
  return createReadStream(file, { start: fileDataStart, end: fileDataStart + entry.compressedSize - 1, highWaterMark: RAW_READ_BYTES });
}
