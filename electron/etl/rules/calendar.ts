/**
 * Calendar dates as whole days since 1970-01-01, with no time zone anywhere: a booking date is a
 * day on the calendar, not an instant, so it must not move when the machine's zone changes.
 */
const MS_PER_DAY = 86_400_000;

/** The day number of a valid calendar date, or null for an impossible one (`2025-02-30`). */
export function dayFromYmd(year: number, month: number, day: number): number | null {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return Math.floor(date.getTime() / MS_PER_DAY);
}

/** `YYYY-MM-DD` for a day number. */
export function isoFromDay(day: number): string {
  const date = new Date(day * MS_PER_DAY);
  const year = String(date.getUTCFullYear()).padStart(4, '0');
  const month = String(date.getUTCMonth() + 1).padStart(2, '0');
  const dom = String(date.getUTCDate()).padStart(2, '0');
  return `${year}-${month}-${dom}`;
}

/** Parses a strict `YYYY-MM-DD` (used for options such as the run date). */
export function dayFromIso(text: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  return dayFromYmd(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** The calendar day of a JS Date read from a workbook (exceljs builds them in UTC). */
export function dayFromUtcDate(date: Date): number | null {
  const time = date.getTime();
  if (!Number.isFinite(time)) return null;
  return Math.floor(time / MS_PER_DAY);
}

export function todayDay(now: Date = new Date()): number {
  // The run date is the analyst's local calendar day, not UTC's.
  return dayFromYmd(now.getFullYear(), now.getMonth() + 1, now.getDate()) as number;
}
