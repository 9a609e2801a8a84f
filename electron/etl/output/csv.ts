/**
 * CSV files for analysts to open in Excel, streamed. Fields are written by the shared rule
 * (shared/spreadsheetText.ts): formula-looking text is neutralised, numbers stay numbers.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { CSV_BOM, csvLine, type SpreadsheetValue } from '../../../shared/spreadsheetText';
import { throwIfCancelled } from '../errors';

export type CsvValue = SpreadsheetValue;

const FLUSH_CHARS = 256 * 1024;

/**
 * Writes rows to a CSV file, ~256 KiB at a time, so a million rows never sit in one string.
 * Starts with a UTF-8 BOM so Excel reads accents correctly.
 */
export async function writeCsv(file: string, header: readonly string[], rows: Iterable<readonly CsvValue[]> | AsyncIterable<readonly CsvValue[]>): Promise<number> {
  const handle = await open(file, 'w');
  try {
    return await writeCsvTo(handle, header, rows);
  } finally {
    await handle.close();
  }
}

/** writeCsv into a file already open for writing (the caller closes it); stops between writes once `signal` aborts. */
export async function writeCsvTo(
  handle: FileHandle,
  header: readonly string[],
  rows: Iterable<readonly CsvValue[]> | AsyncIterable<readonly CsvValue[]>,
  signal?: AbortSignal,
): Promise<number> {
  let count = 0;
  let buffer = `${CSV_BOM}${csvLine(header)}`;
  for await (const row of rows) {
    buffer += csvLine(row);
    count += 1;
    if (buffer.length > FLUSH_CHARS) {
      throwIfCancelled(signal);
      await writeAll(handle, Buffer.from(buffer, 'utf8'));
      buffer = '';
    }
  }
  if (buffer) await writeAll(handle, Buffer.from(buffer, 'utf8'));
  return count;
}

/** Writes byte chunks into an open file, one after the other (each write lets other work run meanwhile). */
export async function writeChunksTo(handle: FileHandle, chunks: Iterable<Uint8Array>, signal?: AbortSignal): Promise<void> {
  for (const chunk of chunks) {
    throwIfCancelled(signal);
    await writeAll(handle, chunk);
  }
}

/** A write may take fewer bytes than given (a full disk, a signal): the rest follows until all are written. */
async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.length; ) offset += (await handle.write(bytes, offset)).bytesWritten;
}
