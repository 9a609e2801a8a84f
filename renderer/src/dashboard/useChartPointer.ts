import { useState, type MouseEvent, type PointerEvent } from 'react';

/** Where the pointer is over a chart (CSS pixels from its top left) and the band or row under it. */
export interface ChartPointer {
  index: number;
  x: number;
  y: number;
}

/**
 * The pointer over a chart's SVG, for its cursor band and tooltip: `indexAt` says which band or
 * row a position is in (-1 for none). Small moves within the same band keep the same state, so
 * the tooltip does not re-render on every pixel.
 */
export function useChartPointer(indexAt: (x: number, y: number) => number) {
  const [active, setActive] = useState<ChartPointer | null>(null);
  const pointerAt = (event: MouseEvent<SVGSVGElement>): ChartPointer => {
    const box = event.currentTarget.getBoundingClientRect();
    const x = event.clientX - box.left;
    const y = event.clientY - box.top;
    return { index: indexAt(x, y), x, y };
  };
  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    const at = pointerAt(event);
    setActive((now) => (at.index < 0 ? null : now && now.index === at.index && Math.abs(now.x - at.x) < 8 && Math.abs(now.y - at.y) < 8 ? now : at));
  };
  const onPointerLeave = () => setActive(null);
  return { active, pointerAt, handlers: { onPointerMove, onPointerLeave } };
}
