import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTERS, type FilterState } from './filters';
import { onlyDatesTyped, yearBeingTyped } from './useTypedDates';

const typed = (from: string, to = ''): FilterState => ({ ...DEFAULT_FILTERS, rangeMode: 'custom', from, to });

describe('onlyDatesTyped', () => {
  it('holds back a typed date, from every loaded date or from another typed date', () => {
    expect(onlyDatesTyped(DEFAULT_FILTERS, typed('2025-04-01'))).toBe(true);
    expect(onlyDatesTyped(typed('2025-04-01'), typed('2025-04-01', '2025-04-30'))).toBe(true);
  });

  it('lets every other change go at once', () => {
    const range = typed('2025-04-01', '2025-04-30');
    expect(onlyDatesTyped(range, { ...range, status: 'cancelled' })).toBe(false);
    expect(onlyDatesTyped(range, { ...range, from: '2025-03-01', segment: 'new' })).toBe(false);
    expect(onlyDatesTyped(range, { ...range, doctorIds: [7] })).toBe(false);
    expect(onlyDatesTyped(range, { ...range, specialty: '' })).toBe(false);
    expect(onlyDatesTyped(range, { ...range, rangeMode: 'all', from: '', to: '' })).toBe(false);
    expect(onlyDatesTyped(range, { ...range, rangeMode: 'main', from: '', to: '' })).toBe(false);
    expect(onlyDatesTyped(range, range)).toBe(false);
  });
});

describe('yearBeingTyped', () => {
  it('takes a year below 1000 in the end just typed for one still being typed', () => {
    for (const year of ['0002', '0020', '0202']) {
      expect(yearBeingTyped(DEFAULT_FILTERS, typed(`${year}-09-01`))).toBe(true);
      expect(yearBeingTyped(typed('2025-09-01', '2025-09-30'), typed('2025-09-01', `${year}-09-30`))).toBe(true);
    }
  });

  it('lets a four-digit year go, and an end left as it was', () => {
    expect(yearBeingTyped(DEFAULT_FILTERS, typed('2025-09-01'))).toBe(false);
    expect(yearBeingTyped(DEFAULT_FILTERS, typed('1000-01-01'))).toBe(false);
    expect(yearBeingTyped(typed('2025-09-01'), typed('2025-09-01', ''))).toBe(false);
    // A year below 1000 applied before (Enter) does not hold back the other end.
    expect(yearBeingTyped(typed('0202-09-01'), typed('0202-09-01', '2025-09-30'))).toBe(false);
  });
});
