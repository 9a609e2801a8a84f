import { useEffect, useState, type RefObject } from 'react';

/**
 * The element's width in CSS pixels, followed as it resizes; `fallback` until it is measured (or
 * while `present` is false and the element is not rendered).
 */
export function useElementWidth(ref: RefObject<HTMLElement | null>, fallback: number, present: boolean): number {
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
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
