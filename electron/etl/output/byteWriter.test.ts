import { describe, expect, it } from 'vitest';
import { dayFromYmd, isoFromDay } from '../rules/calendar';
import { HOSTILE } from '../../../test/support/hostileText';
import { ByteWriter, Escapes } from './byteWriter';

const written = (write: (out: ByteWriter) => void, chunkBytes?: number) => {
  const out = new ByteWriter(chunkBytes);
  write(out);
  return Buffer.from(out.take()).toString('utf8');
};

describe('ByteWriter', () => {
  it('writes calendar days of years 1–9999 exactly as isoFromDay does (every day around the leap-year edge cases)', () => {
    const days: number[] = [];
    const first = dayFromYmd(1, 1, 1) as number;
    const last = dayFromYmd(9999, 12, 31) as number;
    for (let day = first; day <= last; day += 97) days.push(day);
    for (const year of [1, 100, 400, 1600, 1900, 1970, 2000, 2024, 2100, 9999]) {
      const start = dayFromYmd(Math.max(1, year - 1), 1, 1) as number;
      const end = Math.min(last, dayFromYmd(Math.min(9999, year + 1), 12, 31) as number);
      for (let day = start; day <= end; day++) days.push(day);
    }
    const out = new ByteWriter();
    for (const day of days) {
      out.day(day);
      out.byte(0x0a);
    }
    expect(Buffer.from(out.take()).toString('latin1')).toBe(days.map((day) => `${isoFromDay(day)}\n`).join(''));
  });

  it('writes days outside years 0–9999 as isoFromDay does', () => {
    for (const day of [dayFromYmd(1, 1, 1)! - 1, -719_529, -800_000, 2_932_897, 3_000_000]) {
      expect(written((out) => out.day(day))).toBe(isoFromDay(day));
    }
  });

  it('writes integers up to 2^53 as String does', () => {
    const values = [0, 1, 9, 10, 99, 100, 2147483647, 2147483648, 4294967296, 1e15, 9007199254740991, -0];
    for (let v = 1; v < 9007199254740991; v = v * 7 + 3) values.push(v);
    for (const value of values) expect(written((out) => out.uint(value))).toBe(String(value));
  });

  it('grows past its chunk size and hands over what was written as one chunk', () => {
    const text = 'données, ünïcödé and "quotes"';
    const out = new ByteWriter(8);
    out.text(text);
    out.byte(0x2c);
    out.bytes(Buffer.from('xyz'));
    out.uint(12345);
    expect(out.length).toBe(Buffer.byteLength(text) + 1 + 3 + 5);
    expect(Buffer.from(out.take()).toString('utf8')).toBe(`${text},xyz12345`);
    expect(out.length).toBe(0);
  });

  it('writes text through escapes as Buffer.write writes it, replacing only what they name', () => {
    const none = new Escapes({});
    const tagged = new Escapes({ a: '<A>', '\0': '\\0' }, (unit) => Buffer.from(`<${unit.toString(16)}>`));
    for (const text of HOSTILE) {
      const out = new ByteWriter(4);
      out.escaped(text, none);
      expect(Buffer.from(out.take()).equals(Buffer.from(text, 'utf8'))).toBe(true);
      const byHand = text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (unit) => `<${unit.charCodeAt(0).toString(16)}>`);
      expect(written((out) => out.escaped(text, tagged), 4)).toBe(byHand.replace(/a/g, '<A>').replace(/\0/g, '\\0'));
    }
  });

  it('lends its buffer: a lent chunk is written over by what comes after it', () => {
    const out = new ByteWriter(8);
    out.text('abc');
    const lent = out.lend();
    expect(Buffer.from(lent).toString()).toBe('abc');
    out.text('xyz');
    expect(Buffer.from(lent).toString()).toBe('xyz');
    expect(Buffer.from(out.take()).toString()).toBe('xyz');
  });
});
