/**
 * Reads PostgreSQL's COPY … TO STDOUT text format as it streams in: rows end with a newline,
 * fields are separated by tabs, `\N` is NULL, and backslash escapes stand for the characters the
 * format reserves (https://www.postgresql.org/docs/current/sql-copy.html, "Text Format"). Rows come
 * out in batches (one per network chunk), so a million rows never sit in memory at once.
 */
import { StringDecoder } from 'node:string_decoder';

export type CopyRow = (string | null)[];

export async function* copyTextRows(source: AsyncIterable<Buffer | string>): AsyncGenerator<CopyRow[]> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of source) {
    const text = pending + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
    const last = text.lastIndexOf('\n');
    if (last === -1) {
      pending = text;
      continue;
    }
    pending = text.slice(last + 1);
    yield parseLines(text.slice(0, last));
  }
  const rest = pending + decoder.end();
  if (rest !== '') yield parseLines(rest);
}

function parseLines(text: string): CopyRow[] {
  const rows: CopyRow[] = [];
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    rows.push(parseLine(text.slice(start, end)));
    start = end + 1;
  }
  return rows;
}

export function parseLine(line: string): CopyRow {
  const fields: CopyRow = line.split('\t');
  // In place: one array per row, not two (a million rows are read per export).
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as string;
    if (field.includes('\\')) fields[i] = field === '\\N' ? null : unescapeField(field);
  }
  return fields;
}

const SIMPLE: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

export function unescapeField(field: string): string {
  let out = '';
  for (let i = 0; i < field.length; i++) {
    const c = field[i] as string;
    if (c !== '\\' || i + 1 >= field.length) {
      out += c;
      continue;
    }
    const next = field[i + 1] as string;
    const simple = SIMPLE[next];
    if (simple !== undefined) {
      out += simple;
      i += 1;
    } else if (next >= '0' && next <= '7') {
      const digits = /^[0-7]{1,3}/.exec(field.slice(i + 1))?.[0] as string;
      out += String.fromCharCode(parseInt(digits, 8));
      i += digits.length;
    } else if (next === 'x' && /^[0-9a-fA-F]/.test(field[i + 2] ?? '')) {
      const digits = /^[0-9a-fA-F]{1,2}/.exec(field.slice(i + 2))?.[0] as string;
      out += String.fromCharCode(parseInt(digits, 16));
      i += 1 + digits.length;
    } else {
      // `\\` and any other escaped character stand for themselves.
      out += next;
      i += 1;
    }
  }
  return out;
}
