import { useLayoutEffect, useState, type RefObject } from 'react';

/**
 * The element's width in CSS pixels, followed as it resizes; null until it is measured (or while
 * `present` is false and the element is not rendered).
 *
 * Measured in a layout effect, before the first paint, so a chart is drawn once at its real width:
 * drawn first at a guessed width and again once measured, opening the dashboard at a million rows
 * re-drew all four charts (the trend's hundreds of bars included) in its first long task.
 */
export function useElementWidth(ref: RefObject<HTMLElement | null>, present: boolean): number | null {
  const [width, setWidth] = useState<number | null>(null);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!present || !element) return undefined;
    if (element.clientWidth > 0) setWidth(element.clientWidth);
    const observer = new ResizeObserver((entries) => {
      const measured = entries[0]?.contentRect.width;
      if (measured) setWidth(Math.round(measured));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref, present]);
  return width;
}
