/**
 * Rule 4: booking dates. Real date cells are taken as they are. Text may be `YYYY-MM-DD`,
 * `YYYY/MM/DD` or a slash date `A/B/YYYY`, with an optional time part that is dropped. Slash dates
 * are not resolved here: whether `A` is the month or the day is decided once for the whole column
 * (see dateOrder.ts), so this step only reports the parts.
 */
import { isUncalculated } from '../extract/cellValue';
import type { DateOrder, RawCell } from '../types';
import { dayFromUtcDate, dayFromYmd } from './calendar';

export type DateParse =
  /** A resolved calendar day; `canonical` is false when the cell text was not already `YYYY-MM-DD`. */
  | { kind: 'day'; day: number; canonical: boolean }
  | { kind: 'slash'; first: number; second: number; year: number }
  | { kind: 'invalid'; problem: 'missing_value' | 'formula_not_calculated' | 'invalid_date' };

const TIME = String.raw`(?:(?:T|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*(?:Z|[+-]\d{2}(?::?\d{2})?))?)?`;
const YEAR_FIRST = new RegExp(String.raw`^(\d{4})([-/])(\d{1,2})\2(\d{1,2})${TIME}$`);
const SLASH = new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4})${TIME}$`);
const CANONICAL = /^\d{4}-\d{2}-\d{2}$/;

const INVALID: DateParse = { kind: 'invalid', problem: 'invalid_date' };

export function parseDateCell(cell: RawCell): DateParse {
  if (cell === null) return { kind: 'invalid', problem: 'missing_value' };
  if (isUncalculated(cell)) return { kind: 'invalid', problem: 'formula_not_calculated' };
  if (cell instanceof Date) {
    const day = dayFromUtcDate(cell);
    return day === null ? INVALID : { kind: 'day', day, canonical: true };
  }
  // A bare number is not a date: Excel shows a date only when the cell has a date format, and the
  // reader turns those into Date values. Booleans are not dates either.
  if (typeof cell !== 'string') return INVALID;
  const text = cell.trim();
  if (text === '') return { kind: 'invalid', problem: 'missing_value' };

  const yearFirst = YEAR_FIRST.exec(text);
  if (yearFirst) {
    const day = dayFromYmd(Number(yearFirst[1]), Number(yearFirst[3]), Number(yearFirst[4]));
    return day === null ? INVALID : { kind: 'day', day, canonical: CANONICAL.test(cell) };
  }
  const slash = SLASH.exec(text);
  if (slash) return { kind: 'slash', first: Number(slash[1]), second: Number(slash[2]), year: Number(slash[3]) };
  return INVALID;
}

/** Resolves a slash date with the column's date order; null when it is not a real date. */
export function resolveSlashDate(first: number, second: number, year: number, order: DateOrder): number | null {
  return order === 'mdy' ? dayFromYmd(year, first, second) : dayFromYmd(year, second, first);
}
