/**
 * Booking dates are day strings: arithmetic on UTC midnights, labels formatted in UTC, so the
 * machine's time zone can never move a booking to another day, a week to another Monday, or a
 * month's end to another day.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { addDays, addMonths, bucketEnd, daysInclusive, formatDay, formatRange, isIsoDay, maxDay, minDay, nextPeriod, periodLabel, periodTick, utcMs } from './dates';

/** The test process's environment (Node), reached without Node's types in the web project. */
const env = (globalThis as unknown as { process: { env: Record<string, string | undefined> } }).process.env;
const originalTz = env.TZ;

describe('day arithmetic', () => {
  it('recognises real calendar days only', () => {
    expect(isIsoDay('2024-02-29')).toBe(true);
    expect(isIsoDay('2025-02-29')).toBe(false);
    expect(isIsoDay('2025-13-01')).toBe(false);
    expect(isIsoDay('2025-10-1')).toBe(false);
    expect(isIsoDay('10/21/2025')).toBe(false);
    expect(isIsoDay('')).toBe(false);
    expect(utcMs('not a day')).toBeNaN();
    expect(utcMs('1970-01-02')).toBe(86_400_000);
  });

  it('adds days and months across month, year, leap-day and daylight-saving boundaries', () => {
    expect(addDays('2025-10-31', 1)).toBe('2025-11-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    // The nights clocks change in Europe and the US: still whole days.
    expect(addDays('2025-03-29', 1)).toBe('2025-03-30');
    expect(addDays('2025-03-30', 1)).toBe('2025-03-31');
    expect(addDays('2025-11-01', 2)).toBe('2025-11-03');
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-01');
    expect(addMonths('2025-12-15', 1)).toBe('2026-01-01');
    expect(addMonths('2025-03-10', -3)).toBe('2024-12-01');
    expect(daysInclusive('2025-10-01', '2025-10-31')).toBe(31);
    expect(daysInclusive('2024-01-01', '2024-12-31')).toBe(366);
    expect(daysInclusive('2025-10-21', '2025-10-21')).toBe(1);
    expect(minDay('2025-10-02', '2025-09-30')).toBe('2025-09-30');
    expect(maxDay('2025-10-02', '2025-09-30')).toBe('2025-10-02');
  });

  it('gives each bucket its last day and the next bucket its first', () => {
    expect(bucketEnd('2025-10-21', 'day')).toBe('2025-10-21');
    expect(bucketEnd('2025-10-20', 'week')).toBe('2025-10-26');
    expect(bucketEnd('2025-12-29', 'week')).toBe('2026-01-04');
    expect(bucketEnd('2024-02-01', 'month')).toBe('2024-02-29');
    expect(bucketEnd('2025-02-01', 'month')).toBe('2025-02-28');
    expect(bucketEnd('2025-12-01', 'month')).toBe('2025-12-31');
    expect(nextPeriod('2025-10-31', 'day')).toBe('2025-11-01');
    expect(nextPeriod('2025-10-27', 'week')).toBe('2025-11-03');
    expect(nextPeriod('2025-12-01', 'month')).toBe('2026-01-01');
    expect(nextPeriod('2025-10-01', 'quarter')).toBe('2026-01-01');
    expect(nextPeriod('2025-01-01', 'year')).toBe('2026-01-01');
    expect(bucketEnd('2024-01-01', 'quarter')).toBe('2024-03-31');
    expect(bucketEnd('2024-01-01', 'year')).toBe('2024-12-31');
    // A bucket ends the day before the next one starts, whatever the granularity.
    for (const [period, granularity] of [['2024-02-26', 'week'], ['2024-02-01', 'month'], ['2025-10-21', 'day'], ['2025-07-01', 'quarter'], ['2025-01-01', 'year']] as const) {
      expect(addDays(bucketEnd(period, granularity), 1)).toBe(nextPeriod(period, granularity));
    }
  });
});

describe('labels', () => {
  afterEach(() => {
    if (originalTz === undefined) delete env.TZ;
    else env.TZ = originalTz;
  });

  it('names days, ranges and periods in words', () => {
    expect(formatDay('2025-10-21')).toBe('Oct 21, 2025');
    expect(formatRange('2025-10-01', '2025-10-31')).toBe('Oct 1 – Oct 31, 2025');
    expect(formatRange('2024-12-30', '2025-01-02')).toBe('Dec 30, 2024 – Jan 2, 2025');
    expect(formatRange('2025-10-21', '2025-10-21')).toBe('Oct 21, 2025');
    expect(periodLabel('2025-10-21', 'day')).toBe('Oct 21, 2025');
    expect(periodLabel('2025-10-20', 'week')).toBe('Week of Oct 20, 2025');
    expect(periodLabel('2025-10-01', 'month')).toBe('October 2025');
    expect(periodTick('2025-10-01', 'month', false)).toBe('Oct 2025');
    expect(periodLabel('2025-10-01', 'quarter')).toBe('Q4 2025');
    expect(periodTick('2025-04-01', 'quarter', true)).toBe('Q2 2025');
    expect(periodLabel('2025-01-01', 'year')).toBe('2025');
    expect(periodTick('2025-01-01', 'year', true)).toBe('2025');
    expect(periodTick('2025-10-20', 'week', false)).toBe('Oct 20');
    expect(periodTick('2025-10-20', 'week', true)).toBe('Oct 20 ’25');
    // Text that is not a day is shown as it is rather than as "Invalid Date".
    expect(formatDay('someday')).toBe('someday');
  });

  it('shows the same day in every time zone (a booking never moves to the day before)', () => {
    for (const tz of ['UTC', 'America/Los_Angeles', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Kolkata']) {
      env.TZ = tz;
      expect(formatDay('2025-10-21'), tz).toBe('Oct 21, 2025');
      expect(periodLabel('2025-10-01', 'month'), tz).toBe('October 2025');
      expect(periodTick('2026-01-01', 'month', false), tz).toBe('Jan 2026');
      expect(addDays('2025-03-30', 1), tz).toBe('2025-03-31');
      expect(bucketEnd('2025-10-01', 'month'), tz).toBe('2025-10-31');
    }
  });
});
