/**
 * Pages through the preview's long lists (rejected rows, duplicates, fixes, suspicious dates,
 * placeholders) with filters, so the renderer only ever holds the rows on screen, even with a
 * million of them.
 *
 * This runs in the main process, whose event loop also carries every IPC call and window event:
 * a filter is found in slices of a few milliseconds that yield to the loop in between (a text
 * search over 500k fixes is ~1 s of work, which must not freeze the app). An unfiltered list needs
 * no scan at all; a filtered one is scanned once and its index list cached (a scan under way is
 * shared by the pages asked meanwhile), so scrolling costs a slice. Rejected rows and suspicious
 * dates are packed buffers (previewLists.ts): a filter reads a byte code or searches the row's
 * UTF-8 text natively, and a page decodes only its own rows.
 */
import type { PreviewRows, PreviewTable } from '../../shared/contract';
import type { FixLog } from '../etl/fixLog';
import { needleBytes, type PreviewLists } from '../etl/previewLists';
import type { PlaceholderUse } from '../etl/types';
import type { Fix, RejectedRow } from '../etl/types';

export interface RowsFilter {
  reason?: RejectedRow['reason'];
  file?: RejectedRow['file'];
  rule?: Fix['rule'];
  column?: string;
  text?: string;
}

/** How long a scan keeps the event loop before letting other work run. */
const SLICE_MS = 8;
/** Rows between clock readings (a row costs well under a microsecond to a few microseconds). */
const ROWS_PER_CHECK = 256;
const MAX_CACHED_FILTERS = 20;

/** The rows of a list that match a filter, in list order; null means every row. */
type Matching = Uint32Array | null;

export class PreviewRowsIndex {
  private readonly cache = new Map<string, Promise<Matching>>();

  constructor(
    private readonly lists: PreviewLists,
    private readonly placeholders: readonly PlaceholderUse[],
    private readonly fixes: FixLog,
  ) {}

  async page(table: PreviewTable, offset: number, limit: number, filter: RowsFilter = {}): Promise<PreviewRows> {
    switch (table) {
      case 'rejected':
      case 'duplicates': {
        const lists = this.lists;
        const size = lists.rejectedCount;
        const matching = await this.matching(table, filter, () =>
          table === 'rejected' && isEmpty(filter) ? null : scan(size, rejectedMatcher(lists, table === 'duplicates' ? { ...filter, duplicates: true } : filter)),
        );
        return { table, total: total(matching, size), offset, rows: pick(matching, size, offset, limit, (i) => lists.rejected(i)) };
      }
      case 'fixes': {
        const fixes = this.fixes;
        const matching = await this.matching(table, filter, () => (isEmpty(filter) ? null : scan(fixes.size, fixMatcher(fixes, filter))));
        return { table, total: total(matching, fixes.size), offset, rows: pick(matching, fixes.size, offset, limit, (i) => fixes.at(i) as Fix) };
      }
      case 'suspicious': {
        const lists = this.lists;
        const size = lists.suspiciousCount;
        const text = filter.text;
        const matching = await this.matching(table, { text }, () => {
          if (!text) return null;
          const needle = needleBytes(text);
          return scan(size, (i) => lists.suspiciousSearch.includes(i, needle));
        });
        return { table, total: total(matching, size), offset, rows: pick(matching, size, offset, limit, (i) => lists.suspicious(i)) };
      }
      case 'placeholders': {
        const rows = this.placeholders;
        return { table, total: rows.length, offset, rows: rows.slice(offset, offset + limit) };
      }
    }
  }

  private matching(table: PreviewTable, filter: RowsFilter, find: () => Matching | Promise<Matching>): Promise<Matching> {
    const key = `${table}\u0000${JSON.stringify(filter)}`;
    let found = this.cache.get(key);
    if (!found) {
      found = Promise.resolve(find());
      // A failed scan is not remembered (the next page asks again).
      found.catch(() => this.cache.delete(key));
      if (this.cache.size >= MAX_CACHED_FILTERS) this.cache.clear();
      this.cache.set(key, found);
    }
    return found;
  }
}

/** True when the filter keeps every row (an empty text searches for nothing). */
function isEmpty(filter: RowsFilter): boolean {
  return !filter.reason && !filter.file && !filter.rule && !filter.column && !filter.text;
}

function total(matching: Matching, size: number): number {
  return matching === null ? size : matching.length;
}

function pick<T>(matching: Matching, size: number, offset: number, limit: number, at: (i: number) => T): T[] {
  const rows: T[] = [];
  const end = Math.min(offset + limit, total(matching, size));
  for (let k = offset; k < end; k++) rows.push(at(matching === null ? k : (matching[k] as number)));
  return rows;
}

/** The indexes in [0, size) that `keep` accepts, found in slices that yield to the event loop. */
export async function scan(size: number, keep: (i: number) => boolean): Promise<Uint32Array> {
  let found = new Uint32Array(Math.min(size, 4096));
  let count = 0;
  let sliceStart = performance.now();
  for (let i = 0; i < size; i++) {
    if (i % ROWS_PER_CHECK === 0 && performance.now() - sliceStart > SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
    if (!keep(i)) continue;
    if (count === found.length) {
      const grown = new Uint32Array(Math.min(size, found.length * 2));
      grown.set(found);
      found = grown;
    }
    found[count++] = i;
  }
  return found.slice(0, count);
}

/**
 * Whether rejected row `i` matches: its reason, file and column by their byte codes and, with a
 * text, whether its lower-cased search text contains the lower-cased text (rejectedSearchText).
 */
export function rejectedMatcher(lists: PreviewLists, filter: RowsFilter & { duplicates?: boolean }): (i: number) => boolean {
  const { reasons, files, columns } = lists.data.rejected;
  const reason = filter.duplicates ? lists.reasonCode('duplicate') : filter.reason ? lists.reasonCode(filter.reason) : undefined;
  if (filter.duplicates && filter.reason && filter.reason !== 'duplicate') return () => false;
  const file = filter.file ? lists.fileCode(filter.file) : undefined;
  const column = filter.column ? lists.columnCode(filter.column) : undefined;
  // A name no row has matches nothing.
  if (reason === -1 || file === -1 || column === -1) return () => false;
  const needle = filter.text ? needleBytes(filter.text.toLowerCase()) : undefined;
  return (i) =>
    (reason === undefined || reasons[i] === reason) &&
    (file === undefined || files[i] === file) &&
    (column === undefined || columns[i] === column) &&
    (needle === undefined || lists.rejectedSearch.includes(i, needle));
}

/**
 * Whether fix `i` matches: its file, column and rule filter and, with a text, whether
 * `${row} ${before} ${after}` contains it (case-insensitive). Half a million fixes share a few tens
 * of thousands of (before → after) pairs, so each pair is judged once; only a text that starts
 * with a digit or a space can match across the row number, and only then, for pairs that do not
 * contain it, is the row looked at (without building its text).
 */
export function fixMatcher(fixes: FixLog, filter: RowsFilter): (i: number) => boolean {
  const needle = filter.text ? filter.text.toLowerCase() : undefined;
  const needleUtf8 = needle === undefined ? undefined : needleBytes(needle);
  const rowMayMatch = needle !== undefined && /^[0-9 ]/.test(needle);
  /** Per pair: 0 not judged yet, 1 matches, 2 does not match, 3 matches if the text spans the row number. */
  const judged = new Uint8Array(fixes.pairCount);
  const pairTexts: string[] = [];
  // A pair's kind is read without decoding its texts; its search text (pairSearchText, packed) is
  // searched as UTF-8 bytes, and decoded only when the text could span the row number.
  const judge = (id: number): number => {
    const kind = fixes.pairKind(id);
    if ((filter.rule && kind.rule !== filter.rule) || (filter.file && kind.file !== filter.file) || (filter.column && kind.column !== filter.column)) return 2;
    if (needle === undefined) return 1;
    if (fixes.searchIncludes(id, needleUtf8 as Uint8Array, needle)) return 1;
    if (!rowMayMatch) return 2;
    pairTexts[id] = fixes.searchTextOf(id);
    return 3;
  };
  return (i) => {
    const id = fixes.pairAt(i);
    let verdict = judged[id] as number;
    if (verdict === 0) {
      verdict = judged[id] = judge(id);
    }
    if (verdict !== 3) return verdict === 1;
    return startsInRow(String(fixes.rowAt(i)), pairTexts[id] as string, needle as string);
  };
}

/** Whether `needle` occurs in `${row} ${text}` starting within `${row} ` (the rest is known not to hold it). */
export function startsInRow(row: string, text: string, needle: string): boolean {
  const prefix = row.length + 1;
  for (let start = 0; start < prefix; start++) {
    let j = 0;
    for (; j < needle.length; j++) {
      const at = start + j;
      const c = at < row.length ? row.charCodeAt(at) : at === row.length ? 32 : text.charCodeAt(at - prefix);
      if (c !== needle.charCodeAt(j)) break;
    }
    if (j === needle.length) return true;
  }
  return false;
}
