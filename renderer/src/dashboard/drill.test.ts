/**
 * Drill narrowing: the dashboard's filter AND the clicked thing. A bar's dates are clipped to the
 * dashboard's range, and a segment or visit count stays decided over the dashboard's own filter
 * (scope), so the drill lists the bookings the bar counts.
 */
import { describe, expect, it } from 'vitest';
import type { DashboardFilter } from '../../../shared/contract';
import { bucketEnd } from './dates';
import { narrow } from './drill';

const dashboard: DashboardFilter = { from: '2025-06-15', to: '2025-10-20' };

describe('narrow', () => {
  it('clips a bucket to the dashboard range', () => {
    expect(narrow(dashboard, { from: '2025-06-01', to: bucketEnd('2025-06-01', 'month') })).toEqual({ from: '2025-06-15', to: '2025-06-30' });
    expect(narrow(dashboard, { from: '2025-10-01', to: '2025-10-31' })).toEqual({ from: '2025-10-01', to: '2025-10-20' });
    expect(narrow(dashboard, { from: '2025-08-04', to: '2025-08-10' })).toEqual({ from: '2025-08-04', to: '2025-08-10' });
    expect(narrow({}, { from: '2025-08-04', to: '2025-08-10' })).toEqual({ from: '2025-08-04', to: '2025-08-10' });
  });

  it('keeps new and returning decided over the dashboard filter when a bar narrows the bookings', () => {
    const base: DashboardFilter = { ...dashboard, segment: 'new' };
    expect(narrow(base, { from: '2025-09-01', to: '2025-09-30', status: 'cancelled' })).toEqual({
      from: '2025-09-01',
      to: '2025-09-30',
      segment: 'new',
      statuses: ['cancelled'],
      scope: base,
    });
    expect(narrow({ ...dashboard, segment: 'returning' }, { doctorId: 105 }).scope).toEqual({ ...dashboard, segment: 'returning' });
    // A bucket clipped to exactly the range changes nothing: no scope needed.
    expect(narrow({ ...dashboard, segment: 'new' }, { from: '2025-06-01', to: '2025-10-31' })).toEqual({ ...dashboard, segment: 'new' });
  });

  it('adds no scope without a segment or visit count, nor for a segment or bucket clicked itself', () => {
    expect(narrow({ ...dashboard, segment: 'all' }, { from: '2025-09-01', to: '2025-09-30' }).scope).toBeUndefined();
    expect(narrow(dashboard, { from: '2025-09-01', to: '2025-09-30' }).scope).toBeUndefined();
    expect(narrow(dashboard, { segment: 'returning' })).toEqual({ ...dashboard, segment: 'returning' });
    expect(narrow(dashboard, { visits: '4+' })).toEqual({ ...dashboard, visits: '4+' });
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
