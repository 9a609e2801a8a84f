/**
 * Dense group numbers for ids: equal ids get the same number, 0, 1, 2, … in order of first sight.
 * Rule 7 groups the appointments by booking_id, and the COPY encoder groups them by patient_id.
 * A JS Map keyed by the id costs a hash-table entry object per id and ~0.5 s at a million rows
 * (one set and two gets per row, measured with `npm run bench -- --rows 1m --profile`); this
 * open-addressing table on typed arrays does the same in a few tens of milliseconds. Ids above
 * 2^53 come as their canonical text and go to a plain Map: they are rare.
 */
import type { IdValue } from '../types';

const EMPTY = -1;

/**
 * Ids spanning at most this many values per id to group get a direct table (IdGroups.forIds): at
 * 4 bytes a value, never more than twice the hash table's 12 bytes a slot at half load.
 */
const DIRECT_SPAN_PER_ID = 4;

export class IdGroups {
  /**
   * Groups for ids from `directFrom` up, by id minus it, EMPTY where unseen: ids in a narrow range
   * (booking ids typed in sequence, patient ids numbered from 1) go through this table instead of
   * the hash table. A million rows of the generated files (booking ids from 1001 to ~1.01M,
   * patient ids from 1 to 333,333): the hash table's probes were ~0.1 s of the clean's CPU and
   * ~0.09 s of the patient groups' (CPU profile, CLI run), misses in 24 MB and 12 MB of slots.
   */
  private direct: Int32Array | undefined;
  private directFrom = 0;
  private keys: Float64Array;
  /** Group per slot, EMPTY for a free slot. */
  private slots: Int32Array;
  private numbers = 0;
  /** How many ids the hash table holds. */
  private hashed = 0;
  private readonly texts = new Map<string, number>();

  /** @param expected how many distinct ids to size the table for (it grows past that). */
  constructor(expected = 8) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.keys = new Float64Array(capacity);
    this.slots = new Int32Array(capacity).fill(EMPTY);
  }

  /**
   * Groups for the ids of `ids` (the same numbers as `of` in any order of calls): when its safe,
   * non-negative ids span few enough values for their count, they get a direct table, and the
   * rest (other ids given to `of`, ids above 2^53) the hash table, sized for few.
   */
  static forIds(ids: ArrayLike<number>, expected: number): IdGroups {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      // NaN and negative values (markers of ids that are not valid) fail both tests.
      if (id >= 0 && id < min) min = id;
      if (id > max) max = id;
    }
    const span = max - min + 1;
    if (!(span <= Math.max(expected, 16) * DIRECT_SPAN_PER_ID) || !Number.isSafeInteger(min)) return new IdGroups(expected);
    const groups = new IdGroups(8);
    groups.direct = new Int32Array(span).fill(EMPTY);
    groups.directFrom = min;
    return groups;
  }

  /** How many distinct ids were seen: every group number is below this. */
  get size(): number {
    return this.numbers + this.texts.size;
  }

  /** The group of a safe, non-negative integer id. */
  of(id: number): number {
    const direct = this.direct;
    if (direct !== undefined) {
      const at = id - this.directFrom;
      // A non-negative integer below the table's length (a valid id always is an integer).
      if (at >>> 0 === at && at < direct.length) {
        const group = direct[at] as number;
        if (group !== EMPTY) return group;
        const next = this.size;
        direct[at] = next;
        this.numbers += 1;
        return next;
      }
    }
    const slots = this.slots;
    const keys = this.keys;
    const mask = slots.length - 1;
    let slot = hash(id) & mask;
    for (;;) {
      const group = slots[slot] as number;
      if (group === EMPTY) break;
      if (keys[slot] === id) return group;
      slot = (slot + 1) & mask;
    }
    const group = this.size;
    keys[slot] = id;
    slots[slot] = group;
    this.numbers += 1;
    this.hashed += 1;
    if (this.hashed * 2 > slots.length) this.grow();
    return group;
  }

  /** The group of an id above 2^53, in its canonical text. */
  ofText(id: string): number {
    let group = this.texts.get(id);
    if (group === undefined) {
      group = this.size;
      this.texts.set(id, group);
    }
    return group;
  }

  ofId(id: IdValue): number {
    return typeof id === 'number' ? this.of(id) : this.ofText(id);
  }

  private grow(): void {
    const keys = this.keys;
    const slots = this.slots;
    this.keys = new Float64Array(keys.length * 2);
    this.slots = new Int32Array(slots.length * 2).fill(EMPTY);
    const mask = this.slots.length - 1;
    for (let old = 0; old < slots.length; old++) {
      const group = slots[old] as number;
      if (group === EMPTY) continue;
      const id = keys[old] as number;
      let slot = hash(id) & mask;
      while (this.slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      this.keys[slot] = id;
      this.slots[slot] = group;
    }
  }
}

/**
 * Blocks of 16 neighbouring ids land in 16 neighbouring slots, and the blocks are scattered by
 * mixing both 32-bit halves of the id: ids typed in sequence (booking ids usually are) then probe
 * memory in order instead of at random, which at a million ids is most of the lookup's cost, and
 * ids that are all multiples of 16 still spread over the blocks.
 */
function hash(id: number): number {
  const low = id >>> 0;
  const high = (id / 4294967296) >>> 0;
  let h = Math.imul((low >>> 4) ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h << 4) | (low & 15);
}
