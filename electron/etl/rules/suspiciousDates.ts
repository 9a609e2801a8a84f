/**
 * Rule 9: suspicious dates. A booking before 2000-01-01 or more than 365 days after the run date
 * is almost always a typo or a dragged fill series (10/24/2026, 10/24/2027, …). By default it is
 * kept with a warning; the quarantine policy rejects it instead.
 */
import { dayFromYmd } from './calendar';

import type { SuspiciousReason } from '../types';

export type { SuspiciousReason };

const Y2K = dayFromYmd(2000, 1, 1) as number;
export const FUTURE_WINDOW_DAYS = 365;

export function suspiciousReason(day: number, runDay: number): SuspiciousReason | null {
  if (day < Y2K) return 'before_2000';
  if (day - runDay > FUTURE_WINDOW_DAYS) return 'far_future';
  return null;
}
