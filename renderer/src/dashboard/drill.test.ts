/**
 * Drill narrowing: the dashboard's filter AND the clicked thing. A bar's dates are clipped to the
 * dashboard's range, and a segment filter stays measured from the dashboard's own start
 * (segmentFrom), so the drill lists the bookings the bar counts; visit buckets pass through.
 */
import { describe, expect, it } from 'vitest';
import type { DashboardFilter } from '../../../shared/contract';
import { bucketEnd } from './dates';
import { BEFORE_EVERY_BOOKING, narrow } from './drill';

const dashboard: DashboardFilter = { from: '2025-06-15', to: '2025-10-20' };

describe('narrow', () => {
  it('clips a bucket to the dashboard range', () => {
    expect(narrow(dashboard, { from: '2025-06-01', to: bucketEnd('2025-06-01', 'month') })).toEqual({ from: '2025-06-15', to: '2025-06-30' });
    expect(narrow(dashboard, { from: '2025-10-01', to: '2025-10-31' })).toEqual({ from: '2025-10-01', to: '2025-10-20' });
    expect(narrow(dashboard, { from: '2025-08-04', to: '2025-08-10' })).toEqual({ from: '2025-08-04', to: '2025-08-10' });
    expect(narrow({}, { from: '2025-08-04', to: '2025-08-10' })).toEqual({ from: '2025-08-04', to: '2025-08-10' });
  });

  it('keeps new and returning measured from the dashboard start when a bar narrows the dates', () => {
    expect(narrow({ ...dashboard, segment: 'new' }, { from: '2025-09-01', to: '2025-09-30', status: 'cancelled' })).toEqual({
      from: '2025-09-01',
      to: '2025-09-30',
      segment: 'new',
      segmentFrom: '2025-06-15',
      statuses: ['cancelled'],
    });
    expect(narrow({ ...dashboard, segment: 'returning' }, { from: '2025-07-07', to: '2025-07-13' }).segmentFrom).toBe('2025-06-15');
    // The first bucket starts before the range: clipped to the range start, nothing to keep.
    expect(narrow({ ...dashboard, segment: 'new' }, { from: '2025-06-01', to: '2025-06-30' })).toEqual({ from: '2025-06-15', to: '2025-06-30', segment: 'new' });
    // Without a start every patient is new and none returning: a day before every booking says the same.
    expect(narrow({ to: '2025-10-20', segment: 'new' }, { from: '2025-09-01', to: '2025-09-30' }).segmentFrom).toBe(BEFORE_EVERY_BOOKING);
  });

  it('adds no segment start without a segment, nor when the dates do not change', () => {
    expect(narrow({ ...dashboard, segment: 'all' }, { from: '2025-09-01', to: '2025-09-30' }).segmentFrom).toBeUndefined();
    expect(narrow(dashboard, { from: '2025-09-01', to: '2025-09-30' }).segmentFrom).toBeUndefined();
    expect(narrow({ ...dashboard, segment: 'new' }, { doctorId: 105 }).segmentFrom).toBeUndefined();
    expect(narrow(dashboard, { segment: 'returning' })).toEqual({ ...dashboard, segment: 'returning' });
  });

  it('narrows to a doctor, a specialty (none recorded as ""), a status and a visit bucket', () => {
    expect(narrow({ ...dashboard, doctorIds: [101, 102] }, { doctorId: 105 }).doctorIds).toEqual([105]);
    expect(narrow(dashboard, { specialty: null }).specialties).toEqual(['']);
    expect(narrow(dashboard, { specialty: 'Cardiology' }).specialties).toEqual(['Cardiology']);
    expect(narrow({ ...dashboard, statuses: ['confirmed'] }, { status: 'cancelled' }).statuses).toEqual(['cancelled']);
    expect(narrow(dashboard, { visits: '2-3' })).toEqual({ ...dashboard, visits: '2-3' });
  });

  it('never changes the dashboard filter it narrows', () => {
    const base: DashboardFilter = { ...dashboard, doctorIds: [101], segment: 'new' };
    const copy = structuredClone(base);
    narrow(base, { from: '2025-09-01', to: '2025-09-30', doctorId: 105, status: 'confirmed', visits: '4+' });
    expect(base).toEqual(copy);
  });
});
