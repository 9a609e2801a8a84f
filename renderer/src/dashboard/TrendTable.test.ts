/**
 * The trend table's rows (the before/after rows around the periods) and which of them are
 * rendered: the rows in the box and its overscan, plus the row holding the focus.
 */
import { describe, expect, it } from 'vitest';
import type { Trend, TrendPoint } from '../../../shared/contract';
import { renderedIndexes, trendTableRows } from './TrendTable';

const point = (period: string, confirmed: number, cancelled: number): TrendPoint => ({ period, confirmed, cancelled, cancellationRate: cancelled / (confirmed + cancelled) });
const trend = (axis: Trend['axis']): Trend => ({ granularity: 'month', points: [point('2025-01-01', 8, 2), point('2025-02-01', 3, 1)], axis, ms: 0 });

describe('trendTableRows', () => {
  it('puts the bookings before the axis first and those after it last, each only when there are some', () => {
    expect(trendTableRows(trend({ from: '2025-01-03', to: '2025-02-20', before: 2, after: 330 }))).toEqual([
      { kind: 'before', count: 2, day: '2025-01-03' },
      { kind: 'point', point: point('2025-01-01', 8, 2) },
      { kind: 'point', point: point('2025-02-01', 3, 1) },
      { kind: 'after', count: 330, day: '2025-02-20' },
    ]);
    expect(trendTableRows(trend({ from: '2025-01-03', to: '2025-02-20', before: 0, after: 5 })).map((r) => r.kind)).toEqual(['point', 'point', 'after']);
    expect(trendTableRows(trend(null)).map((r) => r.kind)).toEqual(['point', 'point']);
  });
});

describe('renderedIndexes', () => {
  const range = { startIndex: 100, endIndex: 109, overscan: 2, count: 3_507 };
  it('renders the rows in the box and the overscan either side', () => {
    expect(renderedIndexes(range, null)).toEqual([98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111]);
  });
  it('keeps the focused row rendered, in order, when the box is scrolled away from it', () => {
    expect(renderedIndexes(range, 3)).toEqual([3, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111]);
    expect(renderedIndexes(range, 3_000).at(-1)).toBe(3_000);
    expect(renderedIndexes(range, 104)).toHaveLength(14);
  });
  it('forgets a focused row the table no longer has', () => {
    expect(renderedIndexes({ ...range, count: 112 }, 500)).toHaveLength(14);
  });
});
