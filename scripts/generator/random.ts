/**
 * A small seeded pseudo-random generator, so that the same seed always produces the same workbooks
 * on every machine and Node version (Math.random cannot be seeded).
 *
 * The core is sfc32 (Chris Doty-Humphrey's "small fast counting" generator, 128-bit state, passes
 * PractRand), seeded through splitmix32 so that nearby seeds (1, 2, 3…) give unrelated streams.
 * Only 32-bit integer arithmetic is used (`| 0`, `>>> 0`, `Math.imul`), which is exact in JS.
 */

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** true with probability p (p ≤ 0 never, p ≥ 1 always; no draw is wasted either way). */
  chance(p: number): boolean;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** One element, chosen with the given relative weights (same length as items, not all zero). */
  weighted<T>(items: readonly T[], weights: readonly number[]): T;
  /** A new generator whose stream depends only on this one's seed and `label`. */
  fork(label: string): Random;
}

/** splitmix32: turns any 32-bit seed into well-mixed state words. */
function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a over a string, used to derive a child seed from a label. */
function hashLabel(label: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Create a generator. `seed` may be any finite number; it is reduced to 32 bits (integers in
 * ±2^31 and non-negative integers below 2^32 map to distinct streams).
 */
export function createRandom(seed: number): Random {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  const seed32 = Math.trunc(seed) >>> 0;
  const init = splitmix32(seed32);
  let a = init();
  let b = init();
  let c = init();
  let d = init();

  const nextUint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Discard the first outputs: sfc32's authors recommend a short warm-up.
  for (let i = 0; i < 12; i++) nextUint32();

  const next = (): number => nextUint32() / 4294967296;

  const random: Random = {
    next,
    int(min, max) {
      if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
        throw new RangeError(`int(${min}, ${max}): need integers with min ≤ max`);
      }
      return min + Math.floor(next() * (max - min + 1));
    },
    chance(p) {
      if (p <= 0) return false;
      if (p >= 1) return true;
      return next() < p;
    },
    pick(items) {
      if (items.length === 0) throw new RangeError('pick() from an empty array');
      return items[Math.floor(next() * items.length)] as (typeof items)[number];
    },
    weighted(items, weights) {
      if (items.length === 0 || items.length !== weights.length) {
        throw new RangeError('weighted() needs as many weights as items, and at least one item');
      }
      const total = weights.reduce((sum, w) => sum + Math.max(0, w), 0);
      if (total <= 0) throw new RangeError('weighted() needs at least one positive weight');
      let target = next() * total;
      for (let i = 0; i < items.length; i++) {
        target -= Math.max(0, weights[i] ?? 0);
        if (target < 0) return items[i] as (typeof items)[number];
      }
      return items[items.length - 1] as (typeof items)[number];
    },
    fork(label) {
      return createRandom(hashLabel(label, seed32));
    },
  };
  return random;
}
