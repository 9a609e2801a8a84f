/**
 * The preview's long lists (rejected rows, duplicates, fixes, suspicious dates, placeholders) as a
 * VirtualPagedTable over `preview/rows`, filtered on the main side.
 */
import type { PreviewTable } from '../../../shared/contract';
import type { Fix, PlaceholderUse, RejectedRow, SuspiciousDate } from '../../../shared/domain';
import { call } from '../api';
import { VirtualPagedTable, type Column } from './VirtualPagedTable';

export { PAGE_SIZE, type Column } from './VirtualPagedTable';

export interface TableRows {
  rejected: RejectedRow;
  duplicates: RejectedRow;
  fixes: Fix;
  suspicious: SuspiciousDate;
  placeholders: PlaceholderUse;
}

export interface RowsFilter {
  reason?: RejectedRow['reason'];
  file?: RejectedRow['file'];
  rule?: Fix['rule'];
  column?: string;
  text?: string;
}

interface PagedTableProps<K extends PreviewTable> {
  previewId: string;
  table: K;
  filter: RowsFilter;
  columns: readonly Column<TableRows[K]>[];
  label: string;
  testId: string;
  rowHeight: number;
  emptyText: string;
  /** Called with the number of rows that match the filter once it is known. */
  onTotal?: (total: number | null) => void;
}

export function PagedTable<K extends PreviewTable>({ previewId, table, filter, columns, label, testId, rowHeight, emptyText, onTotal }: PagedTableProps<K>) {
  const filterKey = JSON.stringify(filter);
  // The request is built from the key's JSON, so each page is cached under the filter it was asked with.
  const fetchPage = (offset: number, limit: number) =>
    call('preview/rows', { previewId, table, offset, limit, ...(filterKey === '{}' ? {} : { filter: JSON.parse(filterKey) as RowsFilter }) }).then((result) => ({
      total: result.total,
      rows: result.rows as TableRows[K][],
    }));
  return (
    <VirtualPagedTable
      cacheKey={`${previewId}|${table}|${filterKey}`}
      fetchPage={fetchPage}
      columns={columns}
      label={label}
      testId={testId}
      rowHeight={rowHeight}
      emptyText={emptyText}
      onTotal={onTotal}
    />
  );
}
