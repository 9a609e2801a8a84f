/** Number words for the dashboard: rates, deltas and signed changes. */
import type { Kpis } from '../../../shared/contract';
import { formatCount } from '../format';

const pct = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
const pctWhole = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 0 });
const points = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' });
const signedPct = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' });

/** 0.2944 → "29.4%" */
export function formatRate(rate: number): string {
  return pct.format(rate);
}

/** 0.2944 → "29%" (axis ticks) */
export function formatRateShort(rate: number): string {
  return pctWhole.format(rate);
}

export type Direction = 'up' | 'down' | 'flat';

export interface Delta {
  text: string;
  direction: Direction;
}

/** The change from `before` to `now` in per cent, or null when there was nothing before. */
export function countDelta(now: number, before: number): Delta | null {
  if (before === 0) return null;
  const change = (now - before) / before;
  return { text: signedPct.format(change), direction: change > 0 ? 'up' : change < 0 ? 'down' : 'flat' };
}

/** A rate's change in percentage points: "+1.6 pts". */
export function rateDelta(now: number, before: number, beforeAppointments: number): Delta | null {
  if (beforeAppointments === 0) return null;
  const change = (now - before) * 100;
  const rounded = Math.round(change * 10) / 10;
  return { text: `${points.format(rounded)} pts`, direction: rounded > 0 ? 'up' : rounded < 0 ? 'down' : 'flat' };
}

/**
 * The period-over-period comparison as one sentence, for a filter with a start and an end. With
 * no previous period from main (it would begin before the first booking ever), says so instead of
 * naming days the data never had.
 */
export function comparisonSentence(kpis: Kpis, range: { from?: string | undefined; to?: string | undefined }, firstBooking: string | null, rangeText: (from: string, to: string) => string, dayText: (day: string) => string): string | null {
  const previous = kpis.previous;
  if (!previous) {
    return range.from && range.to && firstBooking ? `No earlier period of the same length to compare with: the bookings start on ${dayText(firstBooking)}.` : null;
  }
  const where = `the previous period of equal length (${rangeText(previous.from, previous.to)})`;
  if (previous.appointments === 0) return `No bookings in ${where}, so there is nothing to compare with.`;
  const part = (label: string, now: number, before: number) => {
    const delta = countDelta(now, before);
    return `${label} ${formatCount(now)} against ${formatCount(before)}${delta ? ` (${delta.text})` : ''}`;
  };
  const rate = rateDelta(kpis.cancellationRate, previous.cancellationRate, previous.appointments);
  return `Compared with ${where}: ${part('confirmed', kpis.confirmed, previous.confirmed)}, ${part('cancelled', kpis.cancelled, previous.cancelled)}, cancellation rate ${formatRate(kpis.cancellationRate)} against ${formatRate(previous.cancellationRate)}${rate ? ` (${rate.text})` : ''}.`;
}
