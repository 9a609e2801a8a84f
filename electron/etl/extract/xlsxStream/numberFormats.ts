/**
 * Which number formats make a number a date (ECMA-376 Part 1 §18.8.30–31, as Excel applies them),
 * and serial numbers to the date Excel shows.
 */
import type { RawCell } from '../../types';

/**
 * Built-in format ids that show a date or a time (§18.8.30): 14–22 and 45–47, and the ids whose
 * code depends on the locale (Chinese, Japanese, Korean, Thai dates and times: 27–36, 50–58, and
 * 71–81), which Excel always shows as dates or times.
 */
export function isBuiltInDateFormat(id: number): boolean {
  return (id >= 14 && id <= 22) || (id >= 45 && id <= 47) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58) || (id >= 71 && id <= 81);
}

/** Elapsed-time sections `[h]`, `[mm]`, `[ss]` are times; every other `[…]` is a colour, condition or locale. */
const ELAPSED = /^(?:h+|m+|s+)$/i;

/**
 * A custom format code shows a date or time when one of its date/time tokens (y, m, d, h, s, in
 * either case, or an elapsed-time section) stands outside quoted text, backslash-escaped characters,
 * `_x` spacing and `*x` fill characters, and `[…]` colour/condition/locale sections. Only the first
 * section (positive numbers) decides, as Excel does.
 */
export function isDateFormatCode(code: string): boolean {
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    switch (c) {
      case '"': {
        const close = code.indexOf('"', i + 1);
        if (close === -1) return false;
        i = close;
        break;
      }
      case '\\':
      case '_':
      case '*':
        i += 1;
        break;
      case '[': {
        const close = code.indexOf(']', i + 1);
        if (close === -1) return false;
        if (ELAPSED.test(code.slice(i + 1, close))) return true;
        i = close;
        break;
      }
      case ';':
        return false;
      case 'y':
      case 'Y':
      case 'm':
      case 'M':
      case 'd':
      case 'D':
      case 'h':
      case 'H':
      case 's':
      case 'S':
        return true;
      default:
        break;
    }
  }
  return false;
}

const MS_PER_DAY = 86_400_000;
/** Days from 1899-12-30 to 1970-01-01. */
const EPOCH_1900 = 25_569;
/** The 1904 date system counts from 1904-01-01, 1,462 days after 1899-12-31. */
const SHIFT_1904 = 1_462;
/** 9999-12-31, the last day Excel shows (1900 system). */
const LAST_SERIAL = 2_958_465;

/**
 * The date a serial number in a date format shows as (§18.17.4.1), as a UTC Date (a calendar date
 * and clock time, no zone). In the 1900 date system Excel keeps Lotus 1-2-3's leap-year bug:
 * serial 60 is the nonexistent 1900-02-29 and serials 1–59 are one day later than plain arithmetic
 * from 1899-12-30 gives (1 is 1900-01-01). So 60 reads as the text Excel shows, `1900-02-29`, which
 * is not a real date; serial 0 shows as `1900-01-00`. Numbers Excel cannot show as a date (negative,
 * after 9999-12-31) stay numbers: Excel shows `#######`.
 */
export function serialToDateCell(serial: number, date1904: boolean): RawCell {
  if (!Number.isFinite(serial) || serial < 0) return serial;
  if (date1904) {
    if (serial > LAST_SERIAL - SHIFT_1904 + 1) return serial;
    return new Date(Math.round((serial - EPOCH_1900 + SHIFT_1904) * MS_PER_DAY));
  }
  if (serial >= LAST_SERIAL + 1) return serial;
  const day = Math.floor(serial);
  if (day === 0) return '1900-01-00';
  if (day === 60) return '1900-02-29';
  const date = new Date(Math.round((serial - EPOCH_1900) * MS_PER_DAY));
  return day < 60 ? new Date(date.getTime() + MS_PER_DAY) : date;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * A `t="d"` cell's ISO 8601 text as a Date. Without a zone it is read as UTC, like serial numbers
 * are (a calendar date and clock time, not an instant). Not a real date → undefined.
 */
export function isoCellToDate(text: string): Date | undefined {
  const match = ISO_DATE.exec(text.trim());
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  const millis = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  if (hour > 24 || minute > 59 || second > 60) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  date.setUTCHours(hour, minute, second, millis);
  let offsetMinutes = 0;
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  }
  return new Date(date.getTime() - offsetMinutes * 60_000);
}
