import { describe, expect, it } from 'vitest';
import { copyTextRows, parseLine, unescapeField } from './copyTextRows';

async function* chunks(...parts: (string | Buffer)[]): AsyncGenerator<Buffer | string> {
  for (const part of parts) yield part;
}

async function collect(source: AsyncIterable<Buffer | string>) {
  const rows = [];
  for await (const batch of copyTextRows(source)) rows.push(...batch);
  return rows;
}

describe('COPY text rows', () => {
  it('splits rows and fields, with NULL as \\N', () => {
    expect(parseLine('1\tAna\t\\N\tt')).toEqual(['1', 'Ana', null, 't']);
    expect(parseLine('')).toEqual(['']);
  });

  it('undoes every escape PostgreSQL writes', () => {
    expect(unescapeField('a\\tb\\nc\\rd\\\\e\\bf\\fg\\vh')).toEqual('a\tb\nc\rd\\e\bf\fg\vh');
    expect(unescapeField('\\101\\x42\\N')).toEqual('ABN');
  });

  it('keeps rows whole across chunk boundaries, multi-byte characters included', async () => {
    const text = Buffer.from('1\tJosé\n2\tÅsa\\tÖ\n', 'utf8');
    // Cut inside "é" (two bytes) and inside the second row.
    const cut = text.indexOf(0xa9);
    const rows = await collect(chunks(text.subarray(0, cut), text.subarray(cut, cut + 5), text.subarray(cut + 5)));
    expect(rows).toEqual([
      ['1', 'José'],
      ['2', 'Åsa\tÖ'],
    ]);
  });

  it('yields nothing for an empty table', async () => {
    expect(await collect(chunks())).toEqual([]);
  });
});
