import type { ReactNode } from 'react';
import { formatCount } from '../format';
import { formatRate } from './format';

const TIP_GAP = 12;
/** About the height of the tallest tooltip: one that would run past the chart's foot is raised. */
const TIP_HEIGHT = 140;

/**
 * A chart's tooltip beside the pointer (at `x`, `y` in the chart's box of `width` × `height`): on
 * its right in the chart's left half, on its left in the right half, so it stays inside the card.
 * The chart's container is `position: relative` (.dash-chart); the tip never takes the pointer.
 */
export function FloatingTip({ x, y, width, height, children }: { x: number; y: number; width: number; height: number; children: ReactNode }) {
  const onRight = x > width / 2;
  return (
    <div
      className="dash-chart-tip"
      style={{
        position: 'absolute',
        top: Math.max(0, Math.min(y, height - TIP_HEIGHT)),
        left: onRight ? undefined : x + TIP_GAP,
        right: onRight ? width - x + TIP_GAP : undefined,
        pointerEvents: 'none',
        zIndex: 2,
      }}
    >
      {children}
    </div>
  );
}

/** A bar's bookings by status and its cancellation rate, as a tooltip lists them. */
export function StatusFigures({ figures }: { figures: { confirmed: number; cancelled: number; cancellationRate: number } }) {
  return (
    <dl className="dash-tooltip-figures">
      <dt>Confirmed</dt>
      <dd>{formatCount(figures.confirmed)}</dd>
      <dt>Cancelled</dt>
      <dd>{formatCount(figures.cancelled)}</dd>
      <dt>Cancellation rate</dt>
      <dd>{formatRate(figures.cancellationRate)}</dd>
    </dl>
  );
}
