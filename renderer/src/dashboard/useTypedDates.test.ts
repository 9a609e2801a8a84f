import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTERS, type FilterState } from './filters';
import { onlyDatesTyped } from './useTypedDates';

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
