/**
 * CSV for files analysts open in Excel. Cells that Excel would run as a formula (starting with
 * `=`, `+`, `-`, `@`, TAB, CR or NUL) get a leading apostrophe, as OWASP recommends against CSV
 * injection; values we produced as numbers stay numbers (a negative number is data, not a formula).
 */
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { once } from 'node:events';

export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r\0]/;
/** A negative number kept as text (a rejected row's raw cell, e.g. a doctor_id typed as -5): Excel
 * reads it as that number and runs nothing, so it must not gain a visible apostrophe. */
const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?$/;

export function neutralise(value: string): string {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const safe = neutralise(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/**
 * Writes rows to a CSV file, streaming with back-pressure so a million rows never sit in one
 * string. Starts with a UTF-8 BOM so Excel reads accents correctly.
 */
export async function writeCsv(file: string, header: readonly string[], rows: Iterable<readonly CsvValue[]> | AsyncIterable<readonly CsvValue[]>): Promise<number> {
  const out = createWriteStream(file, { encoding: 'utf8' });
  const failed = once(out, 'error').then(([error]) => Promise.reject(error as Error));
  failed.catch(() => undefined);
  let count = 0;
  let buffer = `\uFEFF${csvLine(header)}`;
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
