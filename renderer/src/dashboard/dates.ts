/**
 * Booking dates and trend periods are 'YYYY-MM-DD' strings from the database. They are never read
 * with `new Date('…')` in local time: arithmetic runs on UTC midnights and labels are formatted in
 * UTC, so no time zone can move a booking to the day before.
 */
import type { Granularity } from '../../../shared/contract';

/**
 * A period the trend chart can draw: the periods the database groups by, and quarters and years,
 * into which the chart sums months when it has no room for a bar per month (decades of bookings).
 */
export type Period = Granularity | 'quarter' | 'year';

const DAY_MS = 86_400_000;
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** UTC midnight of an ISO day, in ms; NaN when the text is not a day. */
export function utcMs(iso: string): number {
  const match = ISO.exec(iso);
  if (!match) return Number.NaN;
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

export function isIsoDay(text: string): boolean {
  const ms = utcMs(text);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === text;
}

function fromMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(iso: string, days: number): string {
  return fromMs(utcMs(iso) + days * DAY_MS);
}

/** The first day of the month `months` after the month of `iso`. */
export function addMonths(iso: string, months: number): string {
  const ms = utcMs(iso);
  const date = new Date(ms);
  return fromMs(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
}

/** Days from `from` to `to`, both included. */
export function daysInclusive(from: string, to: string): number {
  return Math.round((utcMs(to) - utcMs(from)) / DAY_MS) + 1;
}

/** The last day of the bucket that starts at `period`. */
export function bucketEnd(period: string, granularity: Period): string {
  if (granularity === 'day') return period;
  if (granularity === 'week') return addDays(period, 6);
  return addDays(nextPeriod(period, granularity), -1);
}

export function nextPeriod(period: string, granularity: Period): string {
  if (granularity === 'day') return addDays(period, 1);
  if (granularity === 'week') return addDays(period, 7);
  return addMonths(period, MONTHS[granularity]);
}

const MONTHS = { month: 1, quarter: 3, year: 12 } as const;

/** "Q3 2025" for the quarter starting at `period`. */
function quarterName(period: string): string {
  return `Q${Math.floor((Number(period.slice(5, 7)) - 1) / 3) + 1} ${period.slice(0, 4)}`;
}

export const minDay = (a: string, b: string) => (a <= b ? a : b);
export const maxDay = (a: string, b: string) => (a >= b ? a : b);

const medium = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', month: 'short', day: 'numeric', year: 'numeric' });
const monthDay = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', month: 'short', day: 'numeric' });
const monthYear = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', month: 'short', year: 'numeric' });
const longMonthYear = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', month: 'long', year: 'numeric' });

function format(formatter: Intl.DateTimeFormat, iso: string): string {
  const ms = utcMs(iso);
  return Number.isFinite(ms) ? formatter.format(ms) : iso;
}

/** "Oct 21, 2025" */
export function formatDay(iso: string): string {
  return format(medium, iso);
}

/** "Oct 1 – Oct 31, 2025", or with both years when they differ. */
export function formatRange(from: string, to: string): string {
  if (from === to) return formatDay(from);
  if (from.slice(0, 4) === to.slice(0, 4)) return `${format(monthDay, from)} – ${formatDay(to)}`;
  return `${formatDay(from)} – ${formatDay(to)}`;
}

/** A short axis label for a period: "Oct 21" (days and weeks, with the year when it varies) or "Oct 2025". */
export function periodTick(period: string, granularity: Period, manyYears: boolean): string {
  if (granularity === 'year') return period.slice(0, 4);
  if (granularity === 'quarter') return quarterName(period);
  if (granularity === 'month') return format(monthYear, period);
  const label = format(monthDay, period);
  return manyYears ? `${label} ’${period.slice(2, 4)}` : label;
}

/** The period in words, for tooltips, tables and drill titles. */
export function periodLabel(period: string, granularity: Period): string {
  if (granularity === 'year') return period.slice(0, 4);
  if (granularity === 'quarter') return quarterName(period);
  if (granularity === 'day') return formatDay(period);
  if (granularity === 'week') return `Week of ${formatDay(period)}`;
  return format(longMonthYear, period);
}
