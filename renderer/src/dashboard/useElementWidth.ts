import { startTransition, useLayoutEffect, useState, type RefObject } from 'react';

/**
 * The element's width in CSS pixels, followed as it resizes; null until it is measured (or while
 * `present` is false and the element is not rendered).
 *
 * Measured by the ResizeObserver's first report, in the frame that lays the element out, so a
 * chart is drawn once at its real width (drawn first at a guessed width and again once measured,
 * opening the dashboard at a million rows re-drew all four charts). That first width is rendered
 * as a transition, in a task after the card's own: reading clientWidth in a layout effect forced
 * the layout of every card committed with it, and the chart was drawn in the same task (~170 ms
 * at a million rows, opening). A later resize is drawn at once.
 */
export function useElementWidth(ref: RefObject<HTMLElement | null>, present: boolean): number | null {
  const [width, setWidth] = useState<number | null>(null);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!present || !element) return undefined;
    let first = true;
    const observer = new ResizeObserver((entries) => {
      const measured = entries[0]?.contentRect.width;
      if (!measured) return;
      const rounded = Math.round(measured);
      if (first) startTransition(() => setWidth(rounded));
      else setWidth(rounded);
      first = false;
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref, present]);
  return width;
}
