import { describe, expect, it } from 'vitest';
import { IdGroups } from './idGroups';

/** The groups of `calls` in order, through `groups`. */
function numbers(groups: IdGroups, calls: readonly (number | string)[]): number[] {
  return calls.map((id) => (typeof id === 'number' ? groups.of(id) : groups.ofText(id)));
}

/** A small deterministic generator (no Math.random in tests). */
function sequence(length: number, next: (i: number) => number): number[] {
  return Array.from({ length }, (_, i) => next(i));
}

describe('IdGroups', () => {
  it('numbers ids densely in order of first sight', () => {
    expect(numbers(new IdGroups(), [5, 9, 5, 2 ** 40, '9007199254740993', 9, 2 ** 40, '9007199254740993'])).toEqual([0, 1, 0, 2, 3, 1, 2, 3]);
  });

  it('grows past the size it was made for', () => {
    const ids = sequence(5000, (i) => (i * 7919) % 3001);
    const groups = new IdGroups(4);
    const got = numbers(groups, ids);
    expect(numbers(new IdGroups(10_000), ids)).toEqual(got);
    expect(groups.size).toBe(new Set(ids).size);
  });

  it('with a direct table for ids in a narrow range, gives the same numbers, ids outside it and above 2^53 included', () => {
    let seed = 17;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const column = sequence(20_000, (i) => (i % 11 === 0 ? 1000 + (random() % 500) : 1000 + i + (random() % 40)));
    column[5] = NaN;
    column[6] = -3;
    const calls: (number | string)[] = [...column.filter((id) => id >= 0), 2 ** 52, 999, 0, '9007199254740993', 1000 + 20_039, 1000 + 20_040, 2 ** 52];
    const direct = IdGroups.forIds(column, column.length);
    expect(numbers(direct, calls)).toEqual(numbers(new IdGroups(column.length), calls));
    const hashed = new IdGroups(column.length);
    numbers(hashed, calls);
    expect(direct.size).toBe(hashed.size);
  });

  it('ids spread too widely for their count, or none valid, go through the hash table alone', () => {
    const wide = [1, 2 ** 40, 3, 2 ** 40, 7];
    expect(numbers(IdGroups.forIds(wide, wide.length), wide)).toEqual([0, 1, 2, 1, 3]);
    const none = [NaN, -1, NaN];
    const groups = IdGroups.forIds(none, none.length);
    expect(numbers(groups, [4, 4, 8])).toEqual([0, 0, 1]);
  });
});
