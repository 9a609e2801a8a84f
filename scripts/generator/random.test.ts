import { describe, expect, it } from 'vitest';
import { createRandom } from './random';

const draw = (seed: number, n: number): number[] => {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => random.next());
};

describe('createRandom', () => {
  it('gives the same stream for the same seed', () => {
    expect(draw(42, 100)).toEqual(draw(42, 100));
  });

  it('gives unrelated streams for nearby seeds', () => {
    const a = draw(1, 50);
    const b = draw(2, 50);
    expect(a.filter((x, i) => x === b[i])).toHaveLength(0);
  });

  it('pins the stream, so generated workbooks stay the same across releases', () => {
    // If this changes, every generated workbook (and the committed samples) changes too.
    expect(draw(20251024, 3).map((x) => Math.floor(x * 1e6))).toEqual([144786, 284310, 53837]);
  });

  it('keeps draws in range', () => {
    const random = createRandom(7);
    for (let i = 0; i < 10_000; i++) {
      const x = random.next();
      expect(x >= 0 && x < 1).toBe(true);
      const n = random.int(-3, 3);
      expect(Number.isInteger(n) && n >= -3 && n <= 3).toBe(true);
    }
  });

  it('int() reaches both ends', () => {
    const random = createRandom(9);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(random.int(1, 4));
    expect([...seen].sort()).toEqual([1, 2, 3, 4]);
  });

  it('chance() is exact at 0 and 1 and roughly right in between', () => {
    const random = createRandom(11);
    let hits = 0;
    for (let i = 0; i < 20_000; i++) {
      expect(random.chance(0)).toBe(false);
      expect(random.chance(1)).toBe(true);
      if (random.chance(0.25)) hits++;
    }
    expect(hits / 20_000).toBeGreaterThan(0.23);
    expect(hits / 20_000).toBeLessThan(0.27);
  });

  it('weighted() never picks a zero weight', () => {
    const random = createRandom(5);
    for (let i = 0; i < 1000; i++) expect(random.weighted(['a', 'b', 'c'], [1, 0, 2])).not.toBe('b');
  });

  it('fork() depends on the seed and the label only', () => {
    const parent = createRandom(3);
    parent.next(); // drawing from the parent does not change its forks
    expect(parent.fork('x').next()).toBe(createRandom(3).fork('x').next());
    expect(createRandom(3).fork('x').next()).not.toBe(createRandom(3).fork('y').next());
  });

  it('rejects bad arguments', () => {
    expect(() => createRandom(Number.NaN)).toThrow(RangeError);
    expect(() => createRandom(1).int(3, 2)).toThrow(RangeError);
    expect(() => createRandom(1).pick([])).toThrow(RangeError);
  });
});
