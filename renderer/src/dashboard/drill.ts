/** What a click on a bar, a point or a key figure drills into: the dashboard's filter narrowed. */
import type { DashboardFilter } from '../../../shared/contract';
import { maxDay, minDay } from './dates';

export interface DrillRequest {
  /** The dialog's title, e.g. "Cancelled bookings, October 2025". */
  title: string;
  filter: DashboardFilter;
}

export interface Narrowing {
  doctorId?: number;
  specialty?: string | null;
  from?: string;
  to?: string;
  status?: 'confirmed' | 'cancelled';
  segment?: 'new' | 'returning';
}

/** The dashboard filter AND the clicked thing (a bucket's dates are clipped to the filter's range). */
export function narrow(base: DashboardFilter, by: Narrowing): DashboardFilter {
  const filter: DashboardFilter = { ...base };
  if (by.doctorId !== undefined) filter.doctorIds = [by.doctorId];
  if (by.specialty !== undefined) filter.specialties = [by.specialty ?? ''];
  if (by.from) filter.from = base.from ? maxDay(base.from, by.from) : by.from;
  if (by.to) filter.to = base.to ? minDay(base.to, by.to) : by.to;
  if (by.status) filter.statuses = [by.status];
  if (by.segment) filter.segment = by.segment;
  return filter;
}
