import { describe, expect, it } from 'vitest';
import { autoGranularity, bucketStart, denseSpan, isoOfDay, dayNumber, type DayCount } from './timeAxis';

const days = (entries: [string, number][]): DayCount[] => entries.map(([day, bookings]) => ({ day, bookings }));

/** One booking a year on Oct 24, from `fromYear` to `toYear`: a date column dragged down in Excel. */
const fillSeries = (fromYear: number, toYear: number): [string, number][] =>
  Array.from({ length: toYear - fromYear + 1 }, (_, i) => [`${fromYear + i}-10-24`, 1]);

describe('denseSpan', () => {
  it('a few days of bookings and a fill series to 2355: the few days, the series counted after them', () => {
    const shape = days([['2025-10-20', 60], ['2025-10-21', 58], ['2025-10-22', 61], ['2025-10-23', 57], ['2025-10-24', 64], ...fillSeries(2026, 2355)]);
    expect(denseSpan(shape)).toEqual({ from: '2025-10-20', to: '2025-10-24', before: 0, after: 330 });
  });

  it('two bookings a year apart beside the real days are outliers, not a two-year axis', () => {
    const shape = days([['2025-10-21', 40], ['2025-10-22', 38], ['2026-10-22', 1], ['2027-10-22', 1]]);
    expect(denseSpan(shape)).toEqual({ from: '2025-10-21', to: '2025-10-22', before: 0, after: 2 });
  });

  it('a typo in 1925 before years of daily bookings is one outlier before', () => {
    const daily: [string, number][] = Array.from({ length: 900 }, (_, i) => [isoOfDay(dayNumber('2024-01-01') + i), 30]);
    expect(denseSpan(days([['1925-03-02', 1], ...daily]))).toEqual({ from: '2024-01-01', to: isoOfDay(dayNumber('2024-01-01') + 899), before: 1, after: 0 });
  });

  it('a summer break does not split the data; two busy eras years apart both stay', () => {
    expect(denseSpan(days([['2025-05-30', 20], ['2025-07-20', 25]]))).toEqual({ from: '2025-05-30', to: '2025-07-20', before: 0, after: 0 });
    expect(denseSpan(days([['2019-03-01', 500], ['2025-03-01', 500], ['2030-01-01', 1]]))).toEqual({ from: '2019-03-01', to: '2025-03-01', before: 0, after: 1 });
  });

  it('data sparse everywhere keeps its whole span (every cluster is as large as the largest)', () => {
    const quarterly = days(Array.from({ length: 12 }, (_, i): [string, number] => [isoOfDay(dayNumber('2022-01-15') + i * 91), 1]));
    expect(denseSpan(quarterly)).toEqual({ from: '2022-01-15', to: isoOfDay(dayNumber('2022-01-15') + 11 * 91), before: 0, after: 0 });
  });

  it('one day, an unsorted input, zero counts ignored, nothing at all', () => {
    expect(denseSpan(days([['2025-10-24', 3]]))).toEqual({ from: '2025-10-24', to: '2025-10-24', before: 0, after: 0 });
    expect(denseSpan(days([['2025-10-24', 30], ['2025-10-20', 30], ['1999-01-01', 0]]))).toEqual({ from: '2025-10-20', to: '2025-10-24', before: 0, after: 0 });
    expect(denseSpan([])).toBeNull();
  });
});

describe('autoGranularity and bucketStart', () => {
  it('days up to three months, weeks up to two years, months beyond', () => {
    expect(autoGranularity('2025-10-20', '2025-10-24')).toBe('day');
    expect(autoGranularity('2025-01-01', '2025-04-02')).toBe('day');
    expect(autoGranularity('2025-01-01', '2025-04-03')).toBe('week');
    expect(autoGranularity('2024-01-01', '2025-12-31')).toBe('week');
    expect(autoGranularity('2024-01-01', '2026-01-01')).toBe('month');
  });

  it('weeks start on Monday, months on the first, as date_trunc on a plain timestamp', () => {
    expect(bucketStart('2025-10-22', 'week')).toBe('2025-10-20');
    expect(bucketStart('2025-10-20', 'week')).toBe('2025-10-20');
    expect(bucketStart('2025-10-26', 'week')).toBe('2025-10-20');
    expect(bucketStart('1969-12-31', 'week')).toBe('1969-12-29');
    expect(bucketStart('2025-10-22', 'month')).toBe('2025-10-01');
    expect(bucketStart('2025-10-22', 'day')).toBe('2025-10-22');
  });
});
