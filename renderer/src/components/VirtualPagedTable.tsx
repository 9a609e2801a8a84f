/**
 * A virtualised, paged table for long lists (the preview's, the dashboard's drill-through). Only
 * the rows on screen are rendered (@tanstack/react-virtual) and only the pages they fall in are
 * fetched (`fetchPage`, 200 rows a page, a bounded cache), so a million rows cost what a
 * screenful costs.
 *
 * Browsers cap an element's height (Chrome near 33.5M px, Firefox lower), so past MAX_SCROLL_PX the
 * scrollable height is compressed: the real scrollTop maps linearly onto the virtual offset the
 * virtualizer sees, and rows are drawn where the viewport shows them.
 *
 * Semantics: role="table" with aria-rowcount (header row included) and aria-rowindex on every
 * rendered row, so assistive technology knows where a row sits in the whole list.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useMemo, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import { toErrorData } from '../api';

export interface Column<T> {
  key: string;
  header: string;
  /** A CSS grid track, e.g. `120px` or `minmax(200px, 2fr)`. */
  width: string;
  align?: 'end';
  render: (row: T) => ReactNode;
  /** Full text for a tooltip when the cell may be cut short. */
  title?: (row: T) => string;
}

/** One page of the list and the number of rows in the whole list. */
export interface Page<T> {
  total: number;
  rows: readonly T[];
}

export const PAGE_SIZE = 200;
/** Pages kept in memory per table (here 12,000 rows); older ones are dropped and re-fetched if needed. */
const MAX_CACHED_PAGES = 60;
const MAX_IN_FLIGHT = 4;
/** Pages fetched ahead of the screen in the direction of travel (here 400 rows, ~15 screens). */
const PREFETCH_PAGES = 2;
/** While the thumb is dragged (a jump of more than PREFETCH_PAGES), one round of fetches per this long. */
const THROTTLE_MS = 50;
const MAX_SCROLL_PX = 8_000_000;
const MAX_TABLE_HEIGHT = 460;
const MIN_TABLE_HEIGHT = 140;

interface PageCache<T> {
  key: string;
  pages: Map<number, readonly T[]>;
  inFlight: Set<number>;
}

export interface VirtualPagedTableProps<T> {
  /** Names the list `fetchPage` reads: a new key drops the cached pages and starts again at the top. */
  cacheKey: string;
  fetchPage: (offset: number, limit: number) => Promise<Page<T>>;
  columns: readonly Column<T>[];
  label: string;
  testId: string;
  rowHeight: number;
  emptyText: string;
  /** What to do about a failure, said after its message. */
  errorHint?: string;
  /** Called with the number of rows in the list once it is known. */
  onTotal?: (total: number | null) => void;
}

export function VirtualPagedTable<T>({ cacheKey: key, fetchPage, columns, label, testId, rowHeight, emptyText, errorHint, onTotal }: VirtualPagedTableProps<T>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const headerRef = useRef<HTMLDivElement>(null);
  const cache = useRef<PageCache<T>>({ key, pages: new Map(), inFlight: new Set() });
  const [totals, setTotals] = useState<{ key: string; total: number } | null>(null);
  const [failure, setFailure] = useState<{ key: string; message: string } | null>(null);
  const [, setVersion] = useState(0);
  const [headerHeight, setHeaderHeight] = useState(rowHeight);

  if (cache.current.key !== key) cache.current = { key, pages: new Map(), inFlight: new Set() };
  const total = totals?.key === key ? totals.total : null;
  const error = failure?.key === key ? failure.message : null;

  const totalHeight = (total ?? 0) * rowHeight;
  const bodyHeight = Math.min(totalHeight, MAX_SCROLL_PX);
  // Compressed scrolling: ratio of the virtual scroll range to the real one (1 when it all fits).
  const ratio = useRef(1);
  const viewport = scrollRef.current?.clientHeight ?? 400;
  const realRange = headerHeight + bodyHeight - viewport;
  const virtualRange = headerHeight + totalHeight - viewport;
  ratio.current = bodyHeight < totalHeight && realRange > 0 ? virtualRange / realRange : 1;

  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 8,
    scrollMargin: headerHeight,
    observeElementOffset: (instance, notify) => {
      const element = instance.scrollElement;
      if (!element) return undefined;
      let settle: ReturnType<typeof setTimeout> | undefined;
      const report = (isScrolling: boolean) => notify(element.scrollTop * ratio.current, isScrolling);
      const onScroll = () => {
        report(true);
        clearTimeout(settle);
        settle = setTimeout(() => report(false), 150);
      };
      element.addEventListener('scroll', onScroll, { passive: true });
      return () => {
        clearTimeout(settle);
        element.removeEventListener('scroll', onScroll);
      };
    },
  });

  // A new list (another filter, preview or load) starts at the top.
  useEffect(() => {
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
  }, [key]);

  useEffect(() => {
    onTotal?.(total);
  }, [total, onTotal]);

  useEffect(() => {
    const header = headerRef.current;
    if (!header) return undefined;
    const observer = new ResizeObserver(() => setHeaderHeight(header.offsetHeight));
    observer.observe(header);
    return () => observer.disconnect();
  }, []);

  const items = virtualizer.getVirtualItems();
  const firstPage = Math.floor((items[0]?.index ?? 0) / PAGE_SIZE);
  const lastPage = Math.floor((items[items.length - 1]?.index ?? 0) / PAGE_SIZE);
  const scrolling = virtualizer.isScrolling;

  // What the effect below and its timers read: the latest range and fetcher, not a render's.
  const latest = useRef({ firstPage, lastPage, fetchPage, total, direction: 1 as 1 | -1 });
  const direction = firstPage < latest.current.firstPage ? -1 : firstPage > latest.current.firstPage ? 1 : latest.current.direction;
  const jumped = Math.abs(firstPage - latest.current.firstPage) > PREFETCH_PAGES;
  latest.current = { firstPage, lastPage, fetchPage, total, direction };
  const throttle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(throttle.current), []);

  // Runs after every render. Pages are asked for in order of need: those on screen, then the next
  // ones in the direction of travel (a fast wheel reaches them before a fetch returns), then the
  // one behind. While the thumb is dragged across the list, at most one round per THROTTLE_MS,
  // for the range the list shows when it runs: a timer that re-renders do not restart, so a
  // steady scroll still fetches as it goes.
  useEffect(() => {
    const state = cache.current;
    const load = (page: number) => {
      if (page < 0 || state.pages.has(page) || state.inFlight.has(page) || state.inFlight.size >= MAX_IN_FLIGHT) return;
      const now = latest.current;
      if (now.total !== null && page * PAGE_SIZE >= now.total) return;
      state.inFlight.add(page);
      now
        .fetchPage(page * PAGE_SIZE, PAGE_SIZE)
        .then((result) => {
          state.inFlight.delete(page);
          if (cache.current !== state) return;
          state.pages.set(page, result.rows);
          evict(state, latest.current);
          setTotals((previous) => (previous?.key === state.key && previous.total === result.total ? previous : { key: state.key, total: result.total }));
          setVersion((v) => v + 1);
        })
        .catch((reason: unknown) => {
          state.inFlight.delete(page);
          if (cache.current !== state) return;
          setFailure({ key: state.key, message: toErrorData(reason).message });
        });
    };
    if (total === null) {
      load(0);
      return;
    }
    const round = (ahead: boolean) => {
      for (const page of wantedPages(latest.current, ahead)) load(page);
    };
    if (!scrolling || !jumped) {
      round(!jumped);
      return;
    }
    throttle.current ??= setTimeout(() => {
      throttle.current = undefined;
      round(false);
    }, THROTTLE_MS);
  });

  const template = useMemo(() => columns.map((c) => c.width).join(' '), [columns]);
  // Short lists get a short table; long ones scroll inside a fixed height. While a new filter is
  // counted, the table keeps its last height instead of jumping.
  const lastTotal = useRef<number | null>(null);
  if (total !== null) lastTotal.current = total;
  const height = Math.min(MAX_TABLE_HEIGHT, Math.max(MIN_TABLE_HEIGHT, headerHeight + (total ?? lastTotal.current ?? 3) * rowHeight + 2));
  const style = { '--grid-columns': template, height } as CSSProperties;
  const virtualOffset = virtualizer.scrollOffset ?? 0;
  const realOffset = virtualOffset / ratio.current;
  const loading = total === null && !error;
  // Rows are placed from the start of the first one's page (see .vt-window).
  const anchor = Math.floor((items[0]?.index ?? 0) / PAGE_SIZE) * PAGE_SIZE;

  return (
    <div className="vt-wrap">
      {error ? (
        <p className="notice notice-error" role="alert">
          {error}
          {errorHint ? ` ${errorHint}` : null}
        </p>
      ) : null}
      <div
        ref={scrollRef}
        className="vt"
        role="table"
        aria-label={label}
        aria-rowcount={(total ?? 0) + 1}
        aria-busy={loading || cache.current.inFlight.size > 0}
        data-testid={testId}
        data-total={total ?? undefined}
        tabIndex={0}
        style={style}
      >
        <div ref={headerRef} className="vt-head" role="rowgroup">
          <div className="vt-row vt-header-row" role="row" aria-rowindex={1}>
            {columns.map((column) => (
              <div key={column.key} role="columnheader" className={`vt-cell ${column.align === 'end' ? 'num' : ''}`}>
                {column.header}
              </div>
            ))}
          </div>
        </div>
        <div className="vt-body" role="rowgroup" style={{ height: bodyHeight }}>
          {/* One transform moves the rows on screen; each row's own offset is from the start of its
              page, so while the list scrolls within a page a row keeps its props and is not re-rendered. */}
          <div className="vt-window" style={{ transform: `translateY(${anchor * rowHeight - virtualOffset + realOffset}px)` }}>
            {items.map((item) => (
              <VirtualRow
                key={item.key}
                index={item.index}
                top={(item.index - anchor) * rowHeight}
                height={rowHeight}
                row={cache.current.pages.get(Math.floor(item.index / PAGE_SIZE))?.[item.index % PAGE_SIZE]}
                columns={columns}
              />
            ))}
          </div>
        </div>
      </div>
      {loading ? <p className="vt-empty">Loading…</p> : null}
      {total === 0 ? <p className="vt-empty">{emptyText}</p> : null}
    </div>
  );
}

interface VirtualRowProps<T> {
  index: number;
  /** Offset from the window's top (px). */
  top: number;
  height: number;
  /** Undefined while its page is being fetched. */
  row: T | undefined;
  columns: readonly Column<T>[];
}

/**
 * One row. Memoised: a scroll frame or a page arriving re-renders only the rows that came on screen
 * or got their data, not every row shown.
 */
const VirtualRow = memo(function VirtualRow<T>({ index, top, height, row, columns }: VirtualRowProps<T>) {
  return (
    <div role="row" aria-rowindex={index + 2} className={`vt-row ${index % 2 === 1 ? 'odd' : ''} ${row ? '' : 'pending'}`} style={{ height, transform: `translateY(${top}px)` }}>
      {columns.map((column, i) =>
        row ? (
          <div key={column.key} role="cell" className={`vt-cell ${column.align === 'end' ? 'num' : ''}`} title={column.title?.(row)}>
            {column.render(row)}
          </div>
        ) : (
          <div key={column.key} role="cell" className="vt-cell">
            {i === 0 ? <span className="skeleton">Loading…</span> : null}
          </div>
        ),
      )}
    </div>
  );
}) as <T>(props: VirtualRowProps<T>) => ReactNode;

interface Range {
  firstPage: number;
  lastPage: number;
  direction: 1 | -1;
}

/** The pages a range needs, most needed first: on screen, then `ahead` in the direction of travel and one behind. */
export function wantedPages({ firstPage, lastPage, direction }: Range, ahead: boolean): number[] {
  const pages: number[] = [];
  for (let page = firstPage; page <= lastPage; page++) pages.push(page);
  if (!ahead) return pages;
  const front = direction === 1 ? lastPage : firstPage;
  for (let step = 1; step <= PREFETCH_PAGES; step++) pages.push(front + direction * step);
  pages.push(direction === 1 ? firstPage - 1 : lastPage + 1);
  return pages;
}

/** Drops cached pages beyond MAX_CACHED_PAGES, farthest from the screen first; never those a range needs. */
function evict<T>(state: PageCache<T>, range: Range): void {
  if (state.pages.size <= MAX_CACHED_PAGES) return;
  const keep = new Set(wantedPages(range, true));
  const centre = (range.firstPage + range.lastPage) / 2;
  const farthest = [...state.pages.keys()].filter((page) => !keep.has(page)).sort((a, b) => Math.abs(b - centre) - Math.abs(a - centre));
  for (const page of farthest) {
    if (state.pages.size <= MAX_CACHED_PAGES) break;
    state.pages.delete(page);
  }
}
