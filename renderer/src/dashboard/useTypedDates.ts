/**
 * The filters the cards follow: a change that only types a date waits until the typing paused
 * (TYPED_DATE_MS), or until the person says they are done (Enter, or leaving the field: `apply`);
 * any other change (a click on a status, a preset, a chip) goes at once.
 *
 * A date field reports every complete date while it is typed ("0002-04-01", "0020-04-01", … on
 * the way to 2025), and a range is typed one end after the other: each step asked all the cards
 * for figures the person never meant. At a million rows the open range after typing only its
 * start (from that day to the last booking) kept the database's connections and both cores busy
 * for ~0.9 s, and the figures of the range typed next waited behind it. A pause inside the year
 * (a year below 1000: its fourth digit is still to come) is not taken as the end of the typing;
 * Enter or leaving the field applies even such a year, as typed.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { FilterState } from './filters';

export const TYPED_DATE_MS = 150;

/** Whether `next` differs from `before` only in its typed dates. */
export function onlyDatesTyped(before: FilterState, next: FilterState): boolean {
  return (
    next.rangeMode === 'custom' &&
    (before.from !== next.from || before.to !== next.to || before.rangeMode !== next.rangeMode) &&
    before.status === next.status &&
    before.segment === next.segment &&
    before.specialty === next.specialty &&
    before.doctorIds === next.doctorIds
  );
}

/**
 * Whether a typed end of `next` is a year still being typed: the field pads the digits typed so
 * far to four ("202" is "0202"), and no year this data could mean is below 1000.
 */
export function yearBeingTyped(before: FilterState, next: FilterState): boolean {
  return (['from', 'to'] as const).some((end) => next[end] !== before[end] && /^0\d{3}-/.test(next[end]));
}

export interface TypedDates {
  /** What the cards show. */
  shown: FilterState;
  /** Applies the dates typed so far at once (Enter, or focus leaving the field). */
  apply: () => void;
}

export function useTypedDates(filters: FilterState, ms = TYPED_DATE_MS): TypedDates {
  const [settled, setSettled] = useState(filters);
  const latest = useRef(filters);
  useLayoutEffect(() => {
    latest.current = filters;
  }, [filters]);
  const waiting = settled !== filters && onlyDatesTyped(settled, filters);
  const midYear = waiting && yearBeingTyped(settled, filters);
  useEffect(() => {
    if (settled === filters) return undefined;
    if (!waiting) {
      setSettled(filters);
      return undefined;
    }
    if (midYear) return undefined;
    const timer = window.setTimeout(() => setSettled(filters), ms);
    return () => window.clearTimeout(timer);
  }, [filters, settled, waiting, midYear, ms]);
  const apply = useCallback(() => setSettled(latest.current), []);
  return { shown: waiting ? settled : filters, apply };
}
