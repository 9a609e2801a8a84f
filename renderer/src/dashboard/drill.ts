/** What a click on a bar, a point or a key figure drills into: the dashboard's filter narrowed. */
import type { DashboardFilter, DrillFilter, VisitBucket } from '../../../shared/contract';
import { maxDay, minDay } from './dates';

export interface DrillRequest {
  /** The dialog's title, e.g. "Cancelled bookings, October 2025". */
  title: string;
  filter: DrillFilter;
}

export interface Narrowing {
  doctorId?: number;
  specialty?: string | null;
  from?: string;
  to?: string;
  status?: 'confirmed' | 'cancelled';
  segment?: 'new' | 'returning';
  /** Patients with this many bookings within the filter. */
  visits?: VisitBucket;
}

/** A visit-count bucket in words: "2–3 bookings". */
export const VISITS_WORDS: Record<VisitBucket, string> = { '1': '1 booking', '2-3': '2–3 bookings', '4+': '4 or more bookings' };

/**
 * The dashboard filter AND the clicked thing (a bucket's dates are clipped to the filter's range).
 * When the click narrows the bookings (dates, doctor, specialty, status) under a patient segment
 * or a visit count, those stay decided over the dashboard's own filter (`scope`), so the drill
 * lists exactly the bookings the clicked figure counts.
 */
export function narrow(base: DashboardFilter, by: Narrowing): DrillFilter {
  const filter: DrillFilter = { ...base };
  if (by.doctorId !== undefined) filter.doctorIds = [by.doctorId];
  if (by.specialty !== undefined) filter.specialties = [by.specialty ?? ''];
  if (by.from) filter.from = base.from ? maxDay(base.from, by.from) : by.from;
  if (by.to) filter.to = base.to ? minDay(base.to, by.to) : by.to;
  if (by.status) filter.statuses = [by.status];
  if (by.segment) filter.segment = by.segment;
  if (by.visits) filter.visits = by.visits;
  const patientLevel = filter.segment === 'new' || filter.segment === 'returning' || filter.visits !== undefined;
  const narrowed = filter.from !== base.from || filter.to !== base.to || by.doctorId !== undefined || by.specialty !== undefined || by.status !== undefined;
  if (patientLevel && narrowed) filter.scope = { ...base };
  return filter;
}
