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
/** Texts held before starting over; the slot table is twice this (load at most one half). */
const CAPACITY = 1 << 17;

export class InternedTexts {
  private slots = new Int32Array(FIRST_SLOTS).fill(-1);
  private hashes = new Int32Array(FIRST_SLOTS / 2);
  private starts = new Int32Array(FIRST_SLOTS / 2);
  /** Length in bytes; bit 7 set when xml:space="preserve". */
  private shapes = new Uint8Array(FIRST_SLOTS / 2);
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
    const slots = this.slots;
    const mask = slots.length - 1;
    const arena = this.arena;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot]!;
      if (entry === -1) return undefined;
      if (this.hashes[entry] !== hash || this.shapes[entry] !== shape) continue;
      const at = this.starts[entry]! - start;
      let same = true;
      for (let i = start; i < end; i++) {
        if (arena[at + i] !== buf[i]) {
          same = false;
          break;
        }
      }
      if (same) return this.values[entry];
    }
  }

  /** Remembers `value` for buf[start, end) (which `find` did not know); longer texts are not kept. */
  add(buf: Buffer, start: number, end: number, preserve: boolean, hash: number, value: string): void {
    const length = end - start;
    if (length > MAX_INTERNED_BYTES) return;
    if (this.count === CAPACITY) this.clear();
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    if (this.arenaLength + length > this.arena.length) {
      const arena = Buffer.allocUnsafe(this.arena.length * 2);
      this.arena.copy(arena, 0, 0, this.arenaLength);
      this.arena = arena;
    }
    buf.copy(this.arena, this.arenaLength, start, end);
    const entry = this.count++;
    this.hashes[entry] = hash;
    this.starts[entry] = this.arenaLength;
    this.shapes[entry] = length | (preserve ? 0x80 : 0);
    this.values[entry] = value;
    this.arenaLength += length;
    this.place(entry, hash);
  }

  private place(entry: number, hash: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let slot = hash & mask;
    while (slots[slot] !== -1) slot = (slot + 1) & mask;
    slots[slot] = entry;
  }

  private grow(): void {
    const size = this.slots.length * 2;
    this.slots = new Int32Array(size).fill(-1);
    this.hashes = grownInt32(this.hashes, size / 2);
    this.starts = grownInt32(this.starts, size / 2);
    const shapes = new Uint8Array(size / 2);
    shapes.set(this.shapes);
    this.shapes = shapes;
    for (let entry = 0; entry < this.count; entry++) this.place(entry, this.hashes[entry]!);
  }

  private clear(): void {
    this.slots.fill(-1);
    this.values = [];
    this.arenaLength = 0;
    this.count = 0;
  }
}

function grownInt32(from: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> {
  const to = new Int32Array(size);
  to.set(from);
  return to;
}
