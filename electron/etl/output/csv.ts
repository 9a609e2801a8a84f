/**
 * CSV files for analysts to open in Excel, streamed. Fields are written by the shared rule
 * (shared/spreadsheetText.ts): formula-looking text is neutralised, numbers stay numbers.
 */
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { once } from 'node:events';
import { CSV_BOM, csvLine, type SpreadsheetValue } from '../../../shared/spreadsheetText';

export type CsvValue = SpreadsheetValue;

/**
 * Writes rows to a CSV file, streaming with back-pressure so a million rows never sit in one
 * string. Starts with a UTF-8 BOM so Excel reads accents correctly.
 */
export async function writeCsv(file: string, header: readonly string[], rows: Iterable<readonly CsvValue[]> | AsyncIterable<readonly CsvValue[]>): Promise<number> {
  const out = createWriteStream(file, { encoding: 'utf8' });
  const failed = once(out, 'error').then(([error]) => Promise.reject(error as Error));
  failed.catch(() => undefined);
  let count = 0;
  let buffer = `${CSV_BOM}${csvLine(header)}`;
  const flush = async () => {
    if (!out.write(buffer)) await Promise.race([once(out, 'drain'), failed]);
    buffer = '';
  };
  for await (const row of rows) {
    buffer += csvLine(row);
    count += 1;
    if (buffer.length > 256 * 1024) await flush();
  }
  if (buffer) await flush();
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
  return count;
}

/** Writes byte chunks to a file, one after the other (each write lets other work run meanwhile). */
export async function writeChunks(file: string, chunks: Iterable<Uint8Array>): Promise<void> {
  const handle = await open(file, 'w');
  try {
    for (const chunk of chunks) {
      for (let offset = 0; offset < chunk.length; ) offset += (await handle.write(chunk, offset)).bytesWritten;
    }
  } finally {
    await handle.close();
  }
}
