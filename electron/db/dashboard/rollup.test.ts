import { describe, expect, it } from 'vitest';
import { rollupAnswers, wholeMonths } from './rollup';

describe('wholeMonths', () => {
  it('keeps the months a range holds whole, and leaves the days at either end to the appointments', () => {
    expect(wholeMonths('2025-01-01', '2025-12-31')).toEqual({ first: '2025-01-01', last: '2025-12-01' });
    expect(wholeMonths('2024-03-15', '2025-02-10')).toEqual({ first: '2024-04-01', last: '2025-01-01' });
    expect(wholeMonths('2024-02-01', '2024-02-29')).toEqual({ first: '2024-02-01', last: '2024-02-01' });
    expect(wholeMonths('2024-12-02', '2025-01-30')).toBeNull();
    expect(wholeMonths('2025-03-15', '2025-03-20')).toBeNull();
  });

  it('an open end runs to the first or last month there is', () => {
    expect(wholeMonths(undefined, '2024-12-31')).toEqual({ first: null, last: '2024-12-01' });
    expect(wholeMonths('2024-12-31', undefined)).toEqual({ first: '2025-01-01', last: null });
  });
});

describe('rollupAnswers', () => {
  it('a segment is answered from a rollup only without dates and doctors (the flags say "came back" for statuses only)', () => {
    expect(rollupAnswers('byDay', { segment: 'new', statuses: ['cancelled'] })).toBe(true);
    expect(rollupAnswers('byDay', { segment: 'new', from: '2025-01-01' })).toBe(false);
    expect(rollupAnswers('byDay', { from: '2025-01-01', statuses: ['confirmed'] })).toBe(true);
    expect(rollupAnswers('byDay', { doctorIds: [1] })).toBe(false);
    expect(rollupAnswers('byDoctor', { doctorIds: [1], statuses: ['confirmed'] })).toBe(true);
    expect(rollupAnswers('byDoctor', { doctorIds: [1], segment: 'returning' })).toBe(false);
    expect(rollupAnswers('byDoctor', { to: '2025-01-01' })).toBe(false);
    expect(rollupAnswers('byVisits', { segment: 'returning', statuses: ['confirmed'] })).toBe(true);
    expect(rollupAnswers('byVisits', { specialties: [''] })).toBe(false);
  });
});
