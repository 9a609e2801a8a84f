import { describe, expect, it } from 'vitest';
import { InternedTexts, MAX_INTERNED_BYTES } from './internedTexts';

function key(text: string, preserve = false): [Buffer, number, number, boolean, number] {
  // Put the text at an offset, as it lies inside a chunk.
  const buf = Buffer.from(`<t>${text}</t>`);
  const start = 3;
  const end = buf.length - 4;
  return [buf, start, end, preserve, InternedTexts.hash(buf, start, end, preserve)];
}

describe('InternedTexts', () => {
  it('gives back the string added for the same bytes and flag, and nothing for others', () => {
    const table = new InternedTexts();
    table.add(...key('confirmed'), 'confirmed');
    const found = table.find(...key('confirmed'));
    expect(found).toBe('confirmed');
    expect(table.find(...key('confirmed', true))).toBeUndefined();
    expect(table.find(...key('confirmeD'))).toBeUndefined();
    expect(table.find(...key('confirme'))).toBeUndefined();
    expect(table.find(...key(''))).toBeUndefined();
    table.add(...key('', true), '');
    expect(table.find(...key('', true))).toBe('');
    expect(table.find(...key(''))).toBeUndefined();
  });

  it('keeps the flag apart: the same bytes preserved and trimmed are two texts', () => {
    const table = new InternedTexts();
    table.add(...key(' x '), 'x');
    table.add(...key(' x ', true), ' x ');
    expect(table.find(...key(' x '))).toBe('x');
    expect(table.find(...key(' x ', true))).toBe(' x ');
  });

  it('never interns a text longer than the limit', () => {
    const table = new InternedTexts();
    const long = 'a'.repeat(MAX_INTERNED_BYTES + 1);
    table.add(...key(long), long);
    expect(table.find(...key(long))).toBeUndefined();
    const longest = 'b'.repeat(MAX_INTERNED_BYTES);
    table.add(...key(longest), longest);
    expect(table.find(...key(longest))).toBe(longest);
  });

  it('finds every text while it grows, and starts over once full', () => {
    const table = new InternedTexts();
    const texts = Array.from({ length: 20_000 }, (_, i) => `2024-${i}`);
    for (const text of texts) {
      expect(table.find(...key(text))).toBeUndefined();
      table.add(...key(text), text);
    }
    for (const text of texts) expect(table.find(...key(text))).toBe(text);
    // Well past its capacity (2^16 texts) it has started over: the first texts are gone, the last remain.
    for (let i = 0; i < 70_000; i++) table.add(...key(`n${i}`), `n${i}`);
    expect(table.find(...key(texts[0] as string))).toBeUndefined();
    expect(table.find(...key('n69999'))).toBe('n69999');
  });

  it('hash() equals finish() over the bytes folded by the caller', () => {
    const [buf, start, end] = key('Clínica Sur');
    let folded = 0x811c9dc5;
    for (let i = start; i < end; i++) folded = Math.imul(folded ^ buf[i]!, 0x01000193);
    expect(InternedTexts.finish(folded, true)).toBe(InternedTexts.hash(buf, start, end, true));
    expect(InternedTexts.finish(folded, false)).toBe(InternedTexts.hash(buf, start, end, false));
  });
});
