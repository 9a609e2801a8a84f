/**
 * Pages through the preview's long lists (rejected rows, duplicates, fixes, suspicious dates,
 * placeholders) with filters, so the renderer only ever holds the rows on screen, even with a
 * million of them. Filtered index lists are cached per filter, so scrolling costs a slice.
 */
import type { PreviewRows, PreviewTable } from '../../shared/contract';
import type { FixLog } from '../etl/fixLog';
import type { PreviewReport } from '../etl/report';
import type { Fix, RejectedRow } from '../etl/types';

export interface RowsFilter {
  reason?: RejectedRow['reason'];
  file?: RejectedRow['file'];
  rule?: Fix['rule'];
  column?: string;
  text?: string;
}

export class PreviewRowsIndex {
  private readonly cache = new Map<string, Uint32Array>();

  constructor(
    private readonly report: PreviewReport,
    private readonly fixes: FixLog,
  ) {}

  page(table: PreviewTable, offset: number, limit: number, filter: RowsFilter = {}): PreviewRows {
    switch (table) {
      case 'rejected':
      case 'duplicates': {
        const indexes = this.matching(table, filter, this.report.rejected.length, (i) => {
          const row = this.report.rejected[i] as RejectedRow;
          return (table === 'rejected' || row.reason === 'duplicate') && matchesRejected(row, filter);
        });
        return { table, total: indexes.length, offset, rows: slice(indexes, offset, limit).map((i) => this.report.rejected[i] as RejectedRow) };
      }
      case 'fixes': {
        const indexes = this.matching(table, filter, this.fixes.size, (i) => matchesFix(this.fixes.at(i) as Fix, filter));
        return { table, total: indexes.length, offset, rows: slice(indexes, offset, limit).map((i) => this.fixes.at(i) as Fix) };
      }
      case 'suspicious': {
        const rows = this.report.suspicious.filter((s) => !filter.text || `${s.bookingId} ${s.date} ${s.row}`.includes(filter.text));
        return { table, total: rows.length, offset, rows: rows.slice(offset, offset + limit) };
      }
      case 'placeholders': {
        const rows = this.report.placeholders;
        return { table, total: rows.length, offset, rows: rows.slice(offset, offset + limit) };
      }
    }
  }

  private matching(table: PreviewTable, filter: RowsFilter, size: number, keep: (i: number) => boolean): Uint32Array {
    const key = `${table}\u0000${JSON.stringify(filter)}`;
    let indexes = this.cache.get(key);
    if (!indexes) {
      const found: number[] = [];
      for (let i = 0; i < size; i++) if (keep(i)) found.push(i);
      indexes = Uint32Array.from(found);
      if (this.cache.size > 20) this.cache.clear();
      this.cache.set(key, indexes);
    }
    return indexes;
  }
}

function slice(indexes: Uint32Array, offset: number, limit: number): number[] {
  return Array.from(indexes.subarray(offset, offset + limit));
}

function matchesRejected(row: RejectedRow, filter: RowsFilter): boolean {
  if (filter.reason && row.reason !== filter.reason) return false;
  if (filter.file && row.file !== filter.file) return false;
  if (filter.column && row.column !== filter.column) return false;
  if (filter.text) {
    const needle = filter.text.toLowerCase();
    if (!`${row.row} ${row.problems.map((p) => p.message).join(' ')} ${Object.values(row.raw).join(' ')}`.toLowerCase().includes(needle)) return false;
  }
  return true;
}

function matchesFix(fix: Fix, filter: RowsFilter): boolean {
  if (filter.rule && fix.rule !== filter.rule) return false;
  if (filter.file && fix.file !== filter.file) return false;
  if (filter.column && fix.column !== filter.column) return false;
  if (filter.text) {
    const needle = filter.text.toLowerCase();
    if (!`${fix.row} ${fix.before} ${fix.after}`.toLowerCase().includes(needle)) return false;
  }
  return true;
}
