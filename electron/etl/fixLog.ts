/**
 * Every value the cleaning changed, kept compactly: a 1,000,000-row file can produce half a
 * million fixes but far fewer distinct (column, before → after, rule) pairs (measured by the
 * bench: ~97k, mostly dates and ids typed as text). Each fix is a row number plus an index into
 * that dictionary: two 32-bit numbers instead of an object with strings (~47 bytes a fix in all).
 */
import { TextColumn, type TextColumnData } from './previewLists';
import type { FileKind, Fix, FixGroup, FixRule } from './types';

export type { FixGroup };

/**
 * What crosses a worker boundary: transferable buffers only, the pairs' texts packed as UTF-8
 * (previewLists.ts). ~97k pairs as two arrays of strings cost the host 30–50 ms of deserialising
 * and ~200k strings on its heap, collected as the preview arrived; packed, they are decoded a pair
 * at a time when a page or a filter reads them.
 */
export interface FixLogData {
  rows: Uint32Array;
  pairIds: Uint32Array;
  /** Per pair: its kind (index into kinds), the text before and after. */
  pairKinds: Uint16Array;
  before: TextColumnData;
  after: TextColumnData;
  /** Per pair: `${before} ${after}` lower-cased, what a text filter searches (natively, as bytes). */
  search: TextColumnData;
  kinds: PairKind[];
}

/** The buffers of a FixLogData to transfer. */
export function fixLogTransferables(data: FixLogData): ArrayBuffer[] {
  return [data.rows.buffer, data.pairIds.buffer, data.pairKinds.buffer, ...[data.before, data.after, data.search].flatMap((column) => [column.bytes.buffer, column.ends.buffer])] as ArrayBuffer[];
}

/** What a pair is about: the file, the column and the rule (a handful per run). */
interface PairKind {
  file: FileKind;
  column: string;
  rule: FixRule;
}

export class FixLog {
  private rows: Uint32Array = new Uint32Array(1024);
  private pairIds: Uint32Array = new Uint32Array(1024);
  private length = 0;
  private pairKinds: Uint16Array = new Uint16Array(256);
  private before: string[] = [];
  private after: string[] = [];
  /** A log that crossed from the worker reads its pairs' texts from here (before/after stay empty until something is added). */
  private packed: { before: TextColumn; after: TextColumn; search: TextColumn } | undefined;
  private kinds: PairKind[] = [];
  /**
   * kind → before → the first pair with that text (the text after is nearly always a function of
   * the text before: one map entry per pair, not a map per pair); another after for the same
   * before goes to `otherAfters`.
   */
  private readonly pairIndex = new Map<number, Map<string, number>>();
  private readonly otherAfters = new Map<number, Map<string, number>>();
  /** Pairs [0, indexedPairs) are in pairIndex. */
  private indexedPairs = 0;

  static fromData(data: FixLogData): FixLog {
    const log = new FixLog();
    log.rows = data.rows;
    log.pairIds = data.pairIds;
    log.length = data.rows.length;
    log.pairKinds = data.pairKinds;
    log.packed = { before: new TextColumn(data.before), after: new TextColumn(data.after), search: new TextColumn(data.search) };
    log.kinds = data.kinds;
    // The texts are decoded and the pair index rebuilt only if something is added: a log that
    // crossed from the worker is read, never added to (indexing 100k pairs took ~0.6 s on the
    // host's event loop).
    log.indexedPairs = 0;
    return log;
  }

  get size(): number {
    return this.length;
  }

  /** Distinct (column, before → after, rule) pairs. */
  get pairCount(): number {
    return this.packed ? this.packed.before.size : this.before.length;
  }

  /** The text before of pair `id`. */
  beforeOf(id: number): string {
    return this.packed ? this.packed.before.at(id) : (this.before[id] as string);
  }

  /** A pair's file, column and rule (no text decoded). */
  pairKind(id: number): Readonly<PairKind> {
    return this.kinds[this.pairKinds[id] as number] as PairKind;
  }

  /** `${before} ${after}` of pair `id`, lower-cased: what a text filter searches. */
  searchTextOf(id: number): string {
    return this.packed ? this.packed.search.at(id) : pairSearchText(this.before[id] as string, this.after[id] as string);
  }

  /** Whether pair `id`'s search text contains `needle` (UTF-8 of a lower-cased text). */
  searchIncludes(id: number, needle: Uint8Array, text: string): boolean {
    return this.packed ? this.packed.search.includes(id, needle) : this.searchTextOf(id).includes(text);
  }

  /** The text after of pair `id`. */
  afterOf(id: number): string {
    return this.packed ? this.packed.after.at(id) : (this.after[id] as string);
  }

  add(file: FileKind, row: number, column: string, before: string, after: string, rule: FixRule): void {
    this.addPair(row, this.pairId(file, column, before, after, rule));
  }

  /**
   * The id of a (column, before → after, rule) pair, created the first time it is asked for. With
   * addPair, a caller that already grouped its fixes by pair looks each pair up once, not per fix.
   */
  pairId(file: FileKind, column: string, before: string, after: string, rule: FixRule): number {
    return this.pairIdOfKind(this.kindId(file, column, rule), before, after);
  }

  /** The kind pairIdOfKind takes for (file, column, rule), created the first time it is asked for. */
  kindId(file: FileKind, column: string, rule: FixRule): number {
    const found = this.findKind(file, column, rule);
    if (found !== -1) return found;
    this.kinds.push({ file, column, rule });
    return this.kinds.length - 1;
  }

  /** Whether the log has (file, column, rule) as a kind yet: if not, it has no pair of it either. */
  hasKind(file: FileKind, column: string, rule: FixRule): boolean {
    return this.findKind(file, column, rule) !== -1;
  }

  private findKind(file: FileKind, column: string, rule: FixRule): number {
    return this.kinds.findIndex((kind) => kind.file === file && kind.column === column && kind.rule === rule);
  }

  /**
   * A pair the caller knows the log does not hold (its kind was new to the log, and the caller
   * gives each distinct before of that kind once): added without the lookup pairId makes, and
   * indexed only if a later pairId needs the index (a million appointments' ~97k pairs are never
   * looked up again; indexing them cost two Map operations a pair).
   */
  appendPair(kind: number, before: string, after: string): number {
    this.unpack();
    return this.newPair(kind, before, after, false);
  }

  /**
   * pairId with the kind looked up once by the caller: a caller with a pair per distinct text
   * (~97k on a million appointments) and a handful of kinds skips a search of the kinds per pair.
   */
  pairIdOfKind(kind: number, before: string, after: string): number {
    this.unpack();
    this.indexPairs();
    const befores = child(this.pairIndex, kind);
    const first = befores.get(before);
    if (first === undefined) {
      const id = this.newPair(kind, before, after);
      befores.set(before, id);
      return id;
    }
    if (this.after[first] === after) return first;
    const others = child(this.otherAfters, first);
    let id = others.get(after);
    if (id === undefined) {
      id = this.newPair(kind, before, after);
      others.set(after, id);
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
    const id = this.pairIds[index] as number;
    const kind = this.kinds[this.pairKinds[id] as number] as PairKind;
    return { file: kind.file, column: kind.column, before: this.beforeOf(id), after: this.afterOf(id), rule: kind.rule, row: this.rows[index] as number };
  }

  /** The row of fix `index` (no object made: for scans over every fix). */
  rowAt(index: number): number {
    return this.rows[index] as number;
  }

  /** The pair id of fix `index`. */
  pairAt(index: number): number {
    return this.pairIds[index] as number;
  }

  /** A pair's file, column, rule and texts. */
  pair(id: number): Omit<Fix, 'row'> {
    const kind = this.kinds[this.pairKinds[id] as number] as PairKind;
    return { file: kind.file, column: kind.column, rule: kind.rule, before: this.beforeOf(id), after: this.afterOf(id) };
  }

  *[Symbol.iterator](): IterableIterator<Fix> {
    for (let i = 0; i < this.length; i++) yield this.at(i) as Fix;
  }

  countFor(file: FileKind): number {
    let count = 0;
    for (let i = 0; i < this.length; i++) if ((this.kinds[this.pairKinds[this.pairIds[i] as number] as number] as PairKind).file === file) count += 1;
    return count;
  }

  /** Fixes grouped by file, rule and column, the way the preview lists them. */
  groups(maxPairsPerGroup = 50): FixGroup[] {
    const pairs = this.pairCount;
    const counts = new Uint32Array(pairs);
    const firstRows = new Uint32Array(pairs);
    for (let i = 0; i < this.length; i++) {
      const id = this.pairIds[i] as number;
      if (counts[id] === 0) firstRows[id] = this.rows[i] as number;
      counts[id] = (counts[id] as number) + 1;
    }
    const groups = new Map<string, FixGroup>();
    // The group of each kind, found once per kind rather than by a key built per pair.
    const kindGroups: (FixGroup | undefined)[] = new Array<FixGroup | undefined>(this.kinds.length).fill(undefined);
    for (let id = 0; id < pairs; id++) {
      const kindIndex = this.pairKinds[id] as number;
      let group = kindGroups[kindIndex];
      if (group === undefined) {
        const kind = this.kinds[kindIndex] as PairKind;
        const key = `${kind.file}\u0000${kind.rule}\u0000${kind.column}`;
        group = groups.get(key);
        if (!group) {
          group = { file: kind.file, rule: kind.rule, column: kind.column, count: 0, pairs: [], distinctPairs: 0 };
          groups.set(key, group);
        }
        kindGroups[kindIndex] = group;
      }
      const count = counts[id] as number;
      group.count += count;
      group.distinctPairs += 1;
      group.pairs.push({ before: this.beforeOf(id), after: this.afterOf(id), count, firstRow: firstRows[id] as number });
    }
    return [...groups.values()].map((group) => ({
      ...group,
      pairs: group.pairs.sort((a, b) => b.count - a.count || a.firstRow - b.firstRow).slice(0, maxPairsPerGroup),
    }));
  }

  toData(): FixLogData {
    return {
      rows: this.rows.slice(0, this.length),
      pairIds: this.pairIds.slice(0, this.length),
      pairKinds: this.pairKinds.slice(0, this.pairCount),
      before: this.packed ? copyColumn(this.packed.before.data) : TextColumn.encode(this.before, (text) => text),
      after: this.packed ? copyColumn(this.packed.after.data) : TextColumn.encode(this.after, (text) => text),
      search: this.packed ? copyColumn(this.packed.search.data) : TextColumn.encode(this.before, (before, id) => pairSearchText(before, this.after[id] as string)),
      kinds: this.kinds.map((kind) => ({ ...kind })),
    };
  }

  private newPair(kind: number, before: string, after: string, indexed = true): number {
    const id = this.before.length;
    if (id === this.pairKinds.length) {
      const grown = new Uint16Array(id * 2);
      grown.set(this.pairKinds);
      this.pairKinds = grown;
    }
    this.pairKinds[id] = kind;
    this.before.push(before);
    this.after.push(after);
    if (indexed) this.indexedPairs = this.before.length;
    return id;
  }

  /** Decodes a packed log's texts, before something is added to it. */
  private unpack(): void {
    const packed = this.packed;
    if (!packed) return;
    this.before = Array.from({ length: packed.before.size }, (_, i) => packed.before.at(i));
    this.after = Array.from({ length: packed.after.size }, (_, i) => packed.after.at(i));
    this.packed = undefined;
  }

  private indexPairs(): void {
    for (; this.indexedPairs < this.before.length; this.indexedPairs++) {
      const id = this.indexedPairs;
      const befores = child(this.pairIndex, this.pairKinds[id] as number);
      const before = this.before[id] as string;
      const first = befores.get(before);
      if (first === undefined) befores.set(before, id);
      else child(this.otherAfters, first).set(this.after[id] as string, id);
    }
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

/** What a text filter over fixes searches in a pair (with the row number in front, checked apart). */
export function pairSearchText(before: string, after: string): string {
  return `${before} ${after}`.toLowerCase();
}

/** A copy with buffers of its own (the data is transferred, which detaches them). */
function copyColumn(data: TextColumnData): TextColumnData {
  return { bytes: data.bytes.slice(), ends: data.ends.slice() };
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
