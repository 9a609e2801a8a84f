import { describe, expect, it } from 'vitest';
import { dayFromYmd, isoFromDay } from '../rules/calendar';
import { ByteWriter } from './byteWriter';

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
});
