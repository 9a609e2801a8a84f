/**
 * Keeps a chart's SVG out of the Tab order. recharts (3.x) draws its layers as <g> elements that
 * Chromium lets Tab stop on, invisibly; the charts here are pictures (role="img") whose keyboard
 * path is the table beside them, so every <g> gets tabindex="-1" — also the ones recharts adds later.
 *
 * One observer per chart element, kept across renders, that looks only at the nodes added: a
 * chart of hundreds of bars re-rendered is thousands of mutations, and searching the whole SVG
 * for each batch (or re-attaching on every render) showed up as long tasks.
 */
import { useEffect, useRef, type RefObject } from 'react';

type Watch = { element: HTMLElement; observer: MutationObserver };

function mark(root: Element): void {
  if (root.tagName.toLowerCase() === 'g' && !root.hasAttribute('tabindex')) root.setAttribute('tabindex', '-1');
  if (root.firstElementChild) root.querySelectorAll('g:not([tabindex])').forEach((g) => g.setAttribute('tabindex', '-1'));
}

export function useChartFocus(ref: RefObject<HTMLElement | null>): void {
  const watch = useRef<Watch | null>(null);
  // Every render: the element can appear (or be replaced) once the chart has data.
  useEffect(() => {
    const element = ref.current;
    if (watch.current?.element === element) return;
    watch.current?.observer.disconnect();
    watch.current = null;
    if (!element) return;
    mark(element);
    const observer = new MutationObserver((records) => {
      for (const record of records) for (const node of record.addedNodes) if (node instanceof Element) mark(node);
    });
    observer.observe(element, { childList: true, subtree: true });
    watch.current = { element, observer };
  });
  useEffect(
    () => () => {
      watch.current?.observer.disconnect();
      watch.current = null;
    },
    [],
  );
}
