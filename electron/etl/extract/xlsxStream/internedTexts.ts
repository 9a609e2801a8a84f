/**
 * Inline strings repeat (a status, a clinic, a date typed as text): the same short bytes give the
 * same string object instead of a new one per cell, saving the UTF-8 decoding and the garbage, and
 * a string met again keeps its hash, so the cleaner's caches keyed by text find it without hashing
 * it anew.
 *
 * An open-addressing table keyed by the raw bytes and the xml:space flag; the bytes live in one
 * arena, not a Buffer per key. The value is computed by the caller from the same bytes (elementText,
 * as the generic path does), so a text is the same whether it came from here or not. The table
 * grows to CAPACITY texts and then starts over empty, so memory stays bounded on a sheet of all
 * different texts and the table follows what the sheet repeats now.
 *
 * Why not the direct-mapped table this replaced: openpyxl's million-row appointments sheet has
 * ~49,000 different date texts among ~125,000 different inline strings; in 8,192 slots they kept
 * evicting each other (and the statuses), so most date cells were decoded afresh.
 */
/** Longer texts are rarely repeated and would fill the arena: they are never interned. */
export const MAX_INTERNED_BYTES = 48;
const FIRST_SLOTS = 1024;
/** Texts held before starting over (~5 MB at most with the slot table, twice this: load at most one half). */
const CAPACITY = 1 << 16;

/** Per slot in `table`: the text's hash, its entry + 1 (0: a free slot), its arena offset, its shape. */
const HASH = 0;
const ENTRY = 1;
const START = 2;
const SHAPE = 3;

export class InternedTexts {
  /**
   * Open addressing, linear probing, the four fields of a slot side by side: a lookup of a text
   * met before reads one slot (one cache line), then its bytes, then its string.
   */
  private table = new Int32Array(FIRST_SLOTS * 4);
  private values: string[] = [];
  private arena = Buffer.allocUnsafe(16 * 1024);
  private arenaLength = 0;
  private count = 0;

  /** The hash `find` and `add` take, folded over buf[start, end) (FNV-1a, then the flag). */
  static hash(buf: Buffer, start: number, end: number, preserve: boolean): number {
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ buf[i]!, 0x01000193);
    return InternedTexts.finish(hash, preserve);
  }

  /** The last step of `hash`, for a caller that folded the bytes itself while scanning them. */
  static finish(hash: number, preserve: boolean): number {
    const h = preserve ? Math.imul(hash ^ 1, 0x01000193) : hash;
    return h ^ (h >>> 15);
  }

  /** The string interned for buf[start, end) with this flag, or undefined. */
  find(buf: Buffer, start: number, end: number, preserve: boolean, hash: number): string | undefined {
    if (end - start > MAX_INTERNED_BYTES) return undefined;
    const shape = (end - start) | (preserve ? 0x80 : 0);
    const table = this.table;
    const mask = (table.length >> 2) - 1;
    const arena = this.arena;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const t = slot << 2;
      const entry = table[t + ENTRY]!;
      if (entry === 0) return undefined;
      if (table[t + HASH] !== hash || table[t + SHAPE] !== shape) continue;
      const at = table[t + START]! - start;
      let same = true;
      for (let i = start; i < end; i++) {
        if (arena[at + i] !== buf[i]) {
          same = false;
          break;
        }
      }
      if (same) return this.values[entry - 1];
    }
  }

  /** Remembers `value` for buf[start, end) (which `find` did not know); longer texts are not kept. */
  add(buf: Buffer, start: number, end: number, preserve: boolean, hash: number, value: string): void {
    const length = end - start;
    if (length > MAX_INTERNED_BYTES) return;
    if (this.count === CAPACITY) this.clear();
    if ((this.count + 1) * 2 > this.table.length >> 2) this.grow();
    if (this.arenaLength + length > this.arena.length) {
      const arena = Buffer.allocUnsafe(this.arena.length * 2);
      this.arena.copy(arena, 0, 0, this.arenaLength);
      this.arena = arena;
    }
    buf.copy(this.arena, this.arenaLength, start, end);
    this.values.push(value);
    this.count += 1;
    place(this.table, hash, this.count, this.arenaLength, length | (preserve ? 0x80 : 0));
    this.arenaLength += length;
  }

  private grow(): void {
    const old = this.table;
    const table = new Int32Array(old.length * 2);
    for (let t = 0; t < old.length; t += 4) {
      if (old[t + ENTRY] !== 0) place(table, old[t + HASH]!, old[t + ENTRY]!, old[t + START]!, old[t + SHAPE]!);
    }
    this.table = table;
  }

  private clear(): void {
    this.table.fill(0);
    this.values = [];
    this.arenaLength = 0;
    this.count = 0;
  }
}

function place(table: Int32Array, hash: number, entry: number, start: number, shape: number): void {
  const mask = (table.length >> 2) - 1;
  let slot = hash & mask;
  while (table[(slot << 2) + ENTRY] !== 0) slot = (slot + 1) & mask;
  const t = slot << 2;
  table[t + HASH] = hash;
  table[t + ENTRY] = entry;
  table[t + START] = start;
  table[t + SHAPE] = shape;
}
