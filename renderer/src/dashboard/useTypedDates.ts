/**
 * The filters the cards follow: a change that only types a date waits until the typing paused
 * (TYPED_DATE_MS); any other change (a click on a status, a preset, a chip) goes at once.
 *
 * A date field reports every complete date while it is typed ("0002-04-01", "0020-04-01", … on
 * the way to 2025), and a range is typed one end after the other: each step asked all the cards
 * for figures the person never meant. At a million rows the open range after typing only its
 * start (from that day to the last booking) kept the database's connections and both cores busy
 * for ~0.9 s, and the figures of the range typed next waited behind it.
 */
import { useEffect, useState } from 'react';
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

export function useTypedDates(filters: FilterState, ms = TYPED_DATE_MS): FilterState {
  const [settled, setSettled] = useState(filters);
  const waiting = settled !== filters && onlyDatesTyped(settled, filters);
  useEffect(() => {
    if (settled === filters) return undefined;
    if (!waiting) {
      setSettled(filters);
      return undefined;
    }
    const timer = window.setTimeout(() => setSettled(filters), ms);
    return () => window.clearTimeout(timer);
  }, [filters, settled, waiting, ms]);
  return waiting ? settled : filters;
}
