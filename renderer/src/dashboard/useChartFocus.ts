/**
 * Keeps a chart's SVG out of the Tab order. recharts (3.x) draws its layers as <g> elements that
 * Chromium lets Tab stop on, invisibly; the charts here are pictures (role="img") whose keyboard
 * path is the table beside them, so every <g> gets tabindex="-1" — also the ones recharts adds later.
 */
import { useEffect, type RefObject } from 'react';

export function useChartFocus(ref: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const root = ref.current;
    if (!root) return undefined;
    const mark = () => root.querySelectorAll('svg g:not([tabindex])').forEach((g) => g.setAttribute('tabindex', '-1'));
    mark();
    const observer = new MutationObserver(mark);
    observer.observe(root, { childList: true, subtree: true });
    return () => observer.disconnect();
  });
}
