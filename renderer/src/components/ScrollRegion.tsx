/**
 * A box that scrolls sideways when a wide table does not fit: focusable and named, so keyboard
 * users can scroll it too (axe: scrollable-region-focusable).
 */
import type { ReactNode } from 'react';

export function ScrollRegion({ label, className, children }: { label: string; className?: string; children: ReactNode }) {
  return (
    <div className={`table-scroll ${className ?? ''}`} role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
