/**
 * Every period's figures as a table, behind the trend chart's "Show as a table" button. Centuries
 * of months are 3,505 rows; made and laid out at once (or in growing slices) they were 460–560 ms
 * tasks at a million bookings. Only the rows in the box (a fixed 320 px when tall) and a few either
 * side are rendered; a spacer row stands for the rest, so the scroll bar, and every row, are where
 * they would be.
 *
 * The rows are virtualised by @tanstack/react-virtual, the library VirtualPagedTable builds on,
 * not by VirtualPagedTable itself: that one fetches pages of a list it does not hold and draws a
 * grid of divs, where these rows are all in memory and are a real table (a header cell per row, the
 * before/after rows spanning the figures' columns). Like it, the table says how many rows it has
 * (aria-rowcount) and where each rendered row sits (aria-rowindex), so assistive technology reads
 * "row 1,204 of 3,507".
 */
import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual';
import { memo, useCallback, useLayoutEffect, useMemo, useRef, useState, type FocusEvent, type ReactNode, type RefObject } from 'react';
import type { Granularity, Trend, TrendPoint } from '../../../shared/contract';
import { formatCount, plural } from '../format';
import { formatDay, periodLabel, type Period } from './dates';
import { formatRate } from './format';
import { DrillCell, DrillHeader } from './DrillColumn';

/** A row's height before it is measured (13 px text, 6 px padding, the 26 px drill button). */
const ROW_HEIGHT = 31;
/** The header's height before it is measured. */
const HEADER_HEIGHT = 32;
/** The tall box's height (.dash-trend-table-tall), for the rows of the first render. */
const BOX_HEIGHT = 320;
/**
 * Rows rendered beyond each edge of the box: a Tab from the last one shown reaches a row that is
 * there (the browser scrolls it into view, which renders the next ones), and a fast wheel rarely
 * shows a blank. ~35 rows in all cost a few milliseconds to render.
 */
const OVERSCAN = 12;

/** A row of the table: a period's figures, or the bookings before or after the chart's axis. */
export type TrendTableRow = { kind: 'point'; point: TrendPoint } | { kind: 'before' | 'after'; count: number; day: string };

/** The table's rows in order: the bookings before the axis, every period, the bookings after it (each side only when there are some). */
export function trendTableRows(trend: Trend): TrendTableRow[] {
  const rows: TrendTableRow[] = [];
  const axis = trend.axis;
  if (axis && axis.before > 0) rows.push({ kind: 'before', count: axis.before, day: axis.from });
  for (const point of trend.points) rows.push({ kind: 'point', point });
  if (axis && axis.after > 0) rows.push({ kind: 'after', count: axis.after, day: axis.to });
  return rows;
}

function rowKey(row: TrendTableRow | undefined): string {
  return !row ? '' : row.kind === 'point' ? row.point.period : row.kind;
}

/**
 * The indexes to render: those the box shows and its overscan, and the row that holds the focus
 * (a drill button tabbed to, then the box scrolled away from it by the keyboard or the wheel): were
 * it removed, the focus would fall back to the page.
 */
export function renderedIndexes(range: Range, focused: number | null): number[] {
  const indexes = defaultRangeExtractor(range);
  if (focused === null || focused >= range.count || indexes.includes(focused)) return indexes;
  return [...indexes, focused].sort((a, b) => a - b);
}

interface Props {
  trend: Trend;
  onDrill: (period: string, granularity: Period, status?: 'confirmed' | 'cancelled') => void;
  /** The box the table scrolls in (#trend-table). */
  scrollRef: RefObject<HTMLDivElement | null>;
}

/** Its own memoised component, so a render of the card that does not change the trend does not render its rows. */
export const TrendTable = memo(function TrendTable({ trend, onDrill, scrollRef }: Props) {
  const granularity = trend.granularity;
  const rows = useMemo(() => trendTableRows(trend), [trend]);
  const headRef = useRef<HTMLTableSectionElement>(null);
  const [headHeight, setHeadHeight] = useState(HEADER_HEIGHT);
  const [focused, setFocused] = useState<number | null>(null);

  // The rows start below the header (sticky, inside the box): the virtualiser counts from there.
  useLayoutEffect(() => {
    const head = headRef.current;
    if (!head) return undefined;
    setHeadHeight(head.offsetHeight);
    const observer = new ResizeObserver(() => setHeadHeight(head.offsetHeight));
    observer.observe(head);
    return () => observer.disconnect();
  }, []);

  const getItemKey = useCallback((index: number) => rowKey(rows[index]), [rows]);
  const rangeExtractor = useCallback((range: Range) => renderedIndexes(range, focused), [focused]);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
    scrollMargin: headHeight,
    getItemKey,
    rangeExtractor,
    initialRect: { width: 0, height: BOX_HEIGHT },
  });
  const items = virtualizer.getVirtualItems();
  const margin = virtualizer.options.scrollMargin;

  const onFocus = (event: FocusEvent<HTMLTableSectionElement>) => {
    const index = Number((event.target as HTMLElement).closest('tr')?.getAttribute('data-index') ?? Number.NaN);
    setFocused(Number.isNaN(index) ? null : index);
  };
  const onBlur = (event: FocusEvent<HTMLTableSectionElement>) => {
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setFocused(null);
  };

  // The rows not rendered are spacer rows of their height: before the first, between a focused row
  // kept far away and the others, and after the last.
  const body: ReactNode[] = [];
  let end = margin;
  for (const item of items) {
    if (item.start > end) body.push(<Spacer key={`gap-${item.index}`} height={item.start - end} />);
    const row = rows[item.index];
    if (row) body.push(<TableRow key={item.key} row={row} index={item.index} granularity={granularity} onDrill={onDrill} measure={virtualizer.measureElement} />);
    end = item.end;
  }
  const totalEnd = margin + virtualizer.getTotalSize();
  if (totalEnd > end) body.push(<Spacer key="gap-end" height={totalEnd - end} />);

  return (
    <table className="data-table compact dash-table" data-testid="trend-table" aria-rowcount={rows.length + 1}>
      <caption className="visually-hidden">Appointments per {granularity} (periods with bookings)</caption>
      <thead ref={headRef}>
        <tr aria-rowindex={1}>
          <th scope="col">{granularity === 'day' ? 'Day' : granularity === 'week' ? 'Week starting' : 'Month'}</th>
          <th scope="col" className="num">
            Confirmed
          </th>
          <th scope="col" className="num">
            Cancelled
          </th>
          <th scope="col" className="num">
            Cancellation rate
          </th>
          <DrillHeader />
        </tr>
      </thead>
      <tbody onFocus={onFocus} onBlur={onBlur}>
        {body}
      </tbody>
    </table>
  );
});

function Spacer({ height }: { height: number }) {
  return (
    <tr className="dash-table-spacer" aria-hidden="true" style={{ height }}>
      <td colSpan={5} />
    </tr>
  );
}

interface RowProps {
  row: TrendTableRow;
  index: number;
  granularity: Granularity;
  onDrill: Props['onDrill'];
  measure: (element: HTMLTableRowElement | null) => void;
}

/** One row, memoised: a scroll renders only the rows that came into the box. */
const TableRow = memo(function TableRow({ row, index, granularity, onDrill, measure }: RowProps) {
  if (row.kind !== 'point') {
    return (
      <tr ref={measure} data-index={index} aria-rowindex={index + 2} data-testid={`trend-row-${row.kind}`} data-count={row.count}>
        <th scope="row">
          {row.kind === 'before' ? 'Before' : 'After'} {formatDay(row.day)}
        </th>
        <td className="num" colSpan={3}>
          {plural(row.count, 'booking')} (not on the chart)
        </td>
        <td />
      </tr>
    );
  }
  const p = row.point;
  const label = periodLabel(p.period, granularity);
  return (
    <tr ref={measure} data-index={index} aria-rowindex={index + 2} data-testid={`trend-row-${p.period}`} data-confirmed={p.confirmed} data-cancelled={p.cancelled}>
      <th scope="row">{label}</th>
      <td className="num">{formatCount(p.confirmed)}</td>
      <td className="num">{formatCount(p.cancelled)}</td>
      <td className="num">{formatRate(p.cancellationRate)}</td>
      <DrillCell of={label} title="List these bookings" onClick={() => onDrill(p.period, granularity)} />
    </tr>
  );
});
