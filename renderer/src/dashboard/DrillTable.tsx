/**
 * The drill-through list: the same virtualised, paged table as the preview's (PagedTable: only
 * the rows on screen are drawn, only their pages fetched, a bounded page cache, compressed
 * scrolling past the browser's height cap, role="table" with aria-rowcount/aria-rowindex and the
 * same `vt` styles), reading `dashboard/drill` pages instead of `preview/rows`.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import type { DrillFilter, DrillRow } from '../../../shared/contract';
import { call, toErrorData } from '../api';

export interface DrillColumn {
  key: string;
  header: string;
  width: string;
  align?: 'end';
  render: (row: DrillRow) => ReactNode;
  title?: (row: DrillRow) => string;
}

const PAGE_SIZE = 200;
const MAX_CACHED_PAGES = 60;
const MAX_IN_FLIGHT = 4;
const MAX_SCROLL_PX = 8_000_000;
const MAX_TABLE_HEIGHT = 460;
const MIN_TABLE_HEIGHT = 140;

interface PageCache {
  key: string;
  pages: Map<number, DrillRow[]>;
  inFlight: Set<number>;
}

interface Props {
  filter: DrillFilter;
  /** Bumped when the data may have changed (a new load). */
  version: number;
  columns: readonly DrillColumn[];
  label: string;
  rowHeight: number;
  onTotal?: (total: number | null) => void;
}

export function DrillTable({ filter, version, columns, label, rowHeight, onTotal }: Props) {
  const key = `${version}|${JSON.stringify(filter)}`;
  const scrollRef = useRef<HTMLDivElement>(null);
  const headerRef = useRef<HTMLDivElement>(null);
  const cache = useRef<PageCache>({ key, pages: new Map(), inFlight: new Set() });
  const [totals, setTotals] = useState<{ key: string; total: number } | null>(null);
  const [failure, setFailure] = useState<{ key: string; message: string } | null>(null);
  const [, setRedraw] = useState(0);
  const [headerHeight, setHeaderHeight] = useState(rowHeight);

  if (cache.current.key !== key) cache.current = { key, pages: new Map(), inFlight: new Set() };
  const total = totals?.key === key ? totals.total : null;
  const error = failure?.key === key ? failure.message : null;

  const totalHeight = (total ?? 0) * rowHeight;
  const bodyHeight = Math.min(totalHeight, MAX_SCROLL_PX);
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
  const filterJson = JSON.stringify(filter);

  useEffect(() => {
    const state = cache.current;
    const fetchPage = (page: number) => {
      if (state.pages.has(page) || state.inFlight.has(page) || state.inFlight.size >= MAX_IN_FLIGHT) return;
      state.inFlight.add(page);
      call('dashboard/drill', { filter: JSON.parse(filterJson) as DrillFilter, offset: page * PAGE_SIZE, limit: PAGE_SIZE })
        .then((result) => {
          state.inFlight.delete(page);
          if (cache.current !== state) return;
          state.pages.set(page, result.rows);
          if (state.pages.size > MAX_CACHED_PAGES) {
            for (const cached of state.pages.keys()) {
              if (state.pages.size <= MAX_CACHED_PAGES) break;
              if (cached < firstPage || cached > lastPage) state.pages.delete(cached);
            }
          }
          setTotals((previous) => (previous?.key === state.key && previous.total === result.total ? previous : { key: state.key, total: result.total }));
          setRedraw((v) => v + 1);
        })
        .catch((reason: unknown) => {
          state.inFlight.delete(page);
          if (cache.current !== state) return;
          setFailure({ key: state.key, message: toErrorData(reason).message });
        });
    };
    if (total === null) {
      fetchPage(0);
      return undefined;
    }
    const timer = setTimeout(
      () => {
        for (let page = firstPage; page <= lastPage; page++) fetchPage(page);
      },
      scrolling ? 60 : 0,
    );
    return () => clearTimeout(timer);
  });

  const template = useMemo(() => columns.map((c) => c.width).join(' '), [columns]);
  const lastTotal = useRef<number | null>(null);
  if (total !== null) lastTotal.current = total;
  const height = Math.min(MAX_TABLE_HEIGHT, Math.max(MIN_TABLE_HEIGHT, headerHeight + (total ?? lastTotal.current ?? 3) * rowHeight + 2));
  const style = { '--grid-columns': template, height } as CSSProperties;
  const virtualOffset = virtualizer.scrollOffset ?? 0;
  const realOffset = virtualOffset / ratio.current;
  const loading = total === null && !error;

  return (
    <div className="vt-wrap">
      {error ? (
        <p className="notice notice-error" role="alert">
          {error} Close this list and try again; if it keeps failing, check the database status at the top right.
        </p>
      ) : null}
      <div
        ref={scrollRef}
        className="vt"
        role="table"
        aria-label={label}
        aria-rowcount={(total ?? 0) + 1}
        aria-busy={loading || cache.current.inFlight.size > 0}
        data-testid="drill-table"
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
          {items.map((item) => {
            const page = cache.current.pages.get(Math.floor(item.index / PAGE_SIZE));
            const row = page?.[item.index % PAGE_SIZE];
            const top = item.start - headerHeight - virtualOffset + realOffset;
            return (
              <div
                key={item.key}
                role="row"
                aria-rowindex={item.index + 2}
                className={`vt-row ${item.index % 2 === 1 ? 'odd' : ''} ${row ? '' : 'pending'}`}
                style={{ height: rowHeight, transform: `translateY(${top}px)` }}
              >
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
          })}
        </div>
      </div>
      {loading ? <p className="vt-empty">Loading…</p> : null}
      {total === 0 ? <p className="vt-empty">No bookings match.</p> : null}
    </div>
  );
}
