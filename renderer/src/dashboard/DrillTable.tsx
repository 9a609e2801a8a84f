/**
 * The drill-through list: the same virtualised, paged table as the preview's (VirtualPagedTable:
 * only the rows on screen are drawn, only their pages fetched, a bounded page cache, compressed
 * scrolling past the browser's height cap, role="table" with aria-rowcount/aria-rowindex and the
 * `vt` styles), reading `dashboard/drill` pages.
 */
import type { DrillFilter, DrillRow } from '../../../shared/contract';
import { call } from '../api';
import { VirtualPagedTable, type Column } from '../components/VirtualPagedTable';

export type DrillColumn = Column<DrillRow>;

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
  const filterJson = JSON.stringify(filter);
  return (
    <VirtualPagedTable
      cacheKey={`${version}|${filterJson}`}
      fetchPage={(offset, limit) => call('dashboard/drill', { filter: JSON.parse(filterJson) as DrillFilter, offset, limit })}
      columns={columns}
      label={label}
      testId="drill-table"
      rowHeight={rowHeight}
      emptyText="No bookings match."
      errorHint="Close this list and try again; if it keeps failing, check the database status at the top right."
      onTotal={onTotal}
    />
  );
}
