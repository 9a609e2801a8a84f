/**
 * Every value the cleaning changed, kept compactly: a 1,000,000-row file can produce half a
 * million fixes but far fewer distinct (column, before → after, rule) pairs (measured by the
 * bench: ~97k, mostly dates and ids typed as text). Each fix is a row number plus an index into
 * that dictionary: two 32-bit numbers instead of an object with strings (~47 bytes a fix in all).
 */
import type { FileKind, Fix, FixGroup, FixRule } from './types';

export type { FixGroup };

export interface FixPair {
  file: FileKind;
  column: string;
  before: string;
  after: string;
  rule: FixRule;
}


/** What crosses a worker boundary: plain arrays, transferable buffers. */
export interface FixLogData {
  rows: Uint32Array;
  pairIds: Uint32Array;
  pairs: FixPair[];
}

export class FixLog {
  private rows: Uint32Array = new Uint32Array(1024);
  private pairIds: Uint32Array = new Uint32Array(1024);
  private length = 0;
  private readonly pairs: FixPair[] = [];
  /**
   * file → column → rule → before → after → pair id. Nested maps rather than one map keyed by a
   * joined string: half a million fixes would otherwise build half a million key strings.
   */
  private readonly pairIndex = new Map<FileKind, Map<string, Map<FixRule, Map<string, Map<string, number>>>>>();
  /** Pairs [0, indexedPairs) are in pairIndex. */
  private indexedPairs = 0;

  static fromData(data: FixLogData): FixLog {
    const log = new FixLog();
    log.rows = data.rows;
    log.pairIds = data.pairIds;
    log.length = data.rows.length;
    // The pair index is rebuilt only if something is added: a log that crossed from the worker is
    // read, never added to (indexing 100k pairs took ~0.6 s on the host's event loop).
    log.indexedPairs = 0;
    for (const pair of data.pairs) log.pairs.push(pair);
    return log;
  }

  get size(): number {
    return this.length;
  }

  add(file: FileKind, row: number, column: string, before: string, after: string, rule: FixRule): void {
    this.addPair(row, this.pairId(file, column, before, after, rule));
  }

  /**
   * The id of a (column, before → after, rule) pair, created the first time it is asked for. With
   * addPair, a caller that already grouped its fixes by pair looks each pair up once, not per fix.
   */
  pairId(file: FileKind, column: string, before: string, after: string, rule: FixRule): number {
    this.indexPairs();
    const afters = this.afters(file, column, rule, before);
    let id = afters.get(after);
    if (id === undefined) {
      id = this.pairs.length;
      this.pairs.push({ file, column, before, after, rule });
      this.indexedPairs = this.pairs.length;
      afters.set(after, id);
    }
    return id;
  }

  /** A fix of `row` by a pair from pairId. */
  addPair(row: number, pairId: number): void {
    if (this.length === this.rows.length) this.grow();
    this.rows[this.length] = row;
    this.pairIds[this.length] = pairId;
    this.length += 1;
  }

  at(index: number): Fix | undefined {
    if (index < 0 || index >= this.length) return undefined;
    const pair = this.pairs[this.pairIds[index] as number] as FixPair;
    return { ...pair, row: this.rows[index] as number };
  }

  *[Symbol.iterator](): IterableIterator<Fix> {
    for (let i = 0; i < this.length; i++) yield this.at(i) as Fix;
  }

  countFor(file: FileKind): number {
    let count = 0;
    for (let i = 0; i < this.length; i++) if ((this.pairs[this.pairIds[i] as number] as FixPair).file === file) count += 1;
    return count;
  }

  /** Fixes grouped by file, rule and column, the way the preview lists them. */
  groups(maxPairsPerGroup = 50): FixGroup[] {
    const counts = new Uint32Array(this.pairs.length);
    const firstRows = new Uint32Array(this.pairs.length);
    for (let i = 0; i < this.length; i++) {
      const id = this.pairIds[i] as number;
      if (counts[id] === 0) firstRows[id] = this.rows[i] as number;
      counts[id] = (counts[id] as number) + 1;
    }
    const groups = new Map<string, FixGroup>();
    this.pairs.forEach((pair, id) => {
      const key = `${pair.file}\u0000${pair.rule}\u0000${pair.column}`;
      let group = groups.get(key);
      if (!group) {
        group = { file: pair.file, rule: pair.rule, column: pair.column, count: 0, pairs: [], distinctPairs: 0 };
        groups.set(key, group);
      }
      const count = counts[id] as number;
      group.count += count;
      group.distinctPairs += 1;
      group.pairs.push({ before: pair.before, after: pair.after, count, firstRow: firstRows[id] as number });
    });
    return [...groups.values()].map((group) => ({
      ...group,
      pairs: group.pairs.sort((a, b) => b.count - a.count || a.firstRow - b.firstRow).slice(0, maxPairsPerGroup),
    }));
  }

  toData(): FixLogData {
    return { rows: this.rows.slice(0, this.length), pairIds: this.pairIds.slice(0, this.length), pairs: [...this.pairs] };
  }

  private indexPairs(): void {
    for (; this.indexedPairs < this.pairs.length; this.indexedPairs++) {
      const pair = this.pairs[this.indexedPairs] as FixPair;
      this.afters(pair.file, pair.column, pair.rule, pair.before).set(pair.after, this.indexedPairs);
    }
  }

  private afters(file: FileKind, column: string, rule: FixRule, before: string): Map<string, number> {
    const columns = child(this.pairIndex, file);
    const rules = child(columns, column);
    const befores = child(rules, rule);
    return child(befores, before);
  }

  private grow(): void {
    const rows = new Uint32Array(this.rows.length * 2);
    rows.set(this.rows);
    this.rows = rows;
    const pairIds = new Uint32Array(this.pairIds.length * 2);
    pairIds.set(this.pairIds);
    this.pairIds = pairIds;
  }
}

/** The map stored under `key`, created empty the first time it is asked for. */
function child<K, V extends Map<unknown, unknown>>(map: Map<K, V>, key: K): V {
  let value = map.get(key);
  if (value === undefined) {
    value = new Map() as V;
    map.set(key, value);
  }
  return value;
}
