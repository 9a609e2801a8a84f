/**
 * Ranks of int32 values (booking days, doctor ids): shared by the rollups and the load's booking
 * order.
 */
import { IdGroups } from '../etl/rules/idGroups';

/** Distinct values sorted, and each row's rank among them. */
export interface Ranked {
  sorted: Int32Array;
  rank: Int32Array;
}

/**
 * Ranks of int32 values: equal values share a rank, ranks follow the values' order. Values within
 * a span of at most two per row (doctor ids, booking days unless outliers spread them very far)
 * are ranked through an array over the span; others through a hash table of the distinct values.
 */
export function rankValues(values: Int32Array): Ranked {
  const n = values.length;
  const [min, max] = extent(values);
  if (max - min < 2 * n + 4096) return rankInSpan(values, min, max);
  const rank = new Int32Array(n);
  const groups = new IdGroups(64);
  for (let i = 0; i < n; i++) rank[i] = groups.of((values[i] as number) - min);
  const distinct = new Int32Array(groups.size);
  for (let i = 0; i < n; i++) distinct[rank[i] as number] = values[i] as number;
  const sorted = distinct.slice().sort();
  // Group → rank, through the sorted values (a binary search per distinct value).
  const rankOfGroup = new Int32Array(distinct.length);
  for (let g = 0; g < distinct.length; g++) rankOfGroup[g] = lowerBound(sorted, distinct[g] as number);
  for (let i = 0; i < n; i++) rank[i] = rankOfGroup[rank[i] as number] as number;
  return { sorted, rank };
}

/*
 * The passes over the rows are small functions of their own: in one function, V8 optimised it for
 * its first loop, left that code at the next (no type feedback yet there) and optimised it again,
 * four times per thread on a cold run (--trace-deopt, the CLI at 100k rows).
 */

/** The smallest and largest value ([0, 0] for none). */
function extent(values: Int32Array): [number, number] {
  let min = 0;
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (i === 0 || value < min) min = value;
    if (i === 0 || value > max) max = value;
  }
  return [min, max];
}

/** Ranks through an array over the values' span [min, max]. */
function rankInSpan(values: Int32Array, min: number, max: number): Ranked {
  const rankAt = new Int32Array(max - min + 2);
  markPresent(values, rankAt, min);
  const distinct = ranksOfPresent(rankAt);
  const sorted = new Int32Array(distinct);
  const rank = new Int32Array(values.length);
  rankThrough(values, rankAt, min, rank, sorted);
  return { sorted, rank };
}

function markPresent(values: Int32Array, rankAt: Int32Array, min: number): void {
  for (let i = 0; i < values.length; i++) rankAt[(values[i] as number) - min + 1] = 1;
}

/** Each present value's rank in place of its mark; how many are present. */
function ranksOfPresent(rankAt: Int32Array): number {
  let distinct = 0;
  for (let v = 1; v < rankAt.length; v++) {
    const seen = rankAt[v] as number;
    rankAt[v] = distinct;
    distinct += seen;
  }
  return distinct;
}

function rankThrough(values: Int32Array, rankAt: Int32Array, min: number, rank: Int32Array, sorted: Int32Array): void {
  for (let i = 0; i < values.length; i++) {
    const r = rankAt[(values[i] as number) - min + 1] as number;
    rank[i] = r;
    sorted[r] = values[i] as number;
  }
}

function lowerBound(sorted: Int32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Where each rank's rows start when the rows are put in rank order (a counting sort): `size + 1`
 * offsets, rank r's rows at [starts[r], starts[r + 1]). Shared by the booking order, the rollups'
 * bucketed grouping and their rows by day.
 */
export function rankStarts(rank: ArrayLike<number>, size: number): Int32Array {
  const starts = new Int32Array(size + 1);
  countRanks(rank, starts);
  runningSum(starts, size);
  return starts;
}

/** How many rows each rank has, at `starts[rank + 1]` (a pass of its own, as in rankValues). */
function countRanks(rank: ArrayLike<number>, starts: Int32Array): void {
  for (let i = 0; i < rank.length; i++) starts[(rank[i] as number) + 1] = (starts[(rank[i] as number) + 1] as number) + 1;
}

function runningSum(starts: Int32Array, size: number): void {
  for (let r = 0; r < size; r++) starts[r + 1] = (starts[r + 1] as number) + (starts[r] as number);
}

/**
 * The rows' indexes in rank order, each rank's rows in their own order (a stable counting sort
 * over rankStarts' offsets). Shared by the booking order and the patients' first-day order.
 */
export function rankOrder(rank: ArrayLike<number>, starts: Int32Array): Int32Array {
  const order = new Int32Array(rank.length);
  const at = starts.slice(0, starts.length - 1);
  for (let i = 0; i < rank.length; i++) {
    const r = rank[i] as number;
    order[at[r] as number] = i;
    at[r] = (at[r] as number) + 1;
  }
  return order;
}
