/**
 * Rule 7: duplicates. Among rows that are otherwise valid, rows sharing a key keep one winner;
 * `prefer(candidate, current)` says when a later row beats the current winner (strictly, so ties
 * keep the row that came first in the file). Returns, per item, the index of its key's winner.
 */
export function findWinners<T, K>(items: readonly T[], key: (item: T) => K, prefer: (candidate: T, current: T) => boolean): Int32Array {
  const winnerOf = new Map<K, number>();
  items.forEach((item, i) => {
    const k = key(item);
    const current = winnerOf.get(k);
    if (current === undefined || prefer(item, items[current] as T)) winnerOf.set(k, i);
  });
  const winners = new Int32Array(items.length);
  items.forEach((item, i) => {
    winners[i] = winnerOf.get(key(item)) as number;
  });
  return winners;
}

/**
 * The same rule over rows already numbered by key (IdGroups): each key is hashed once per row and
 * the current winner per group sits in a typed array, not a Map. `prefer` compares row indexes.
 */
export function findWinnersInGroups(groupOfRow: Int32Array, groups: number, prefer: (candidate: number, current: number) => boolean): Int32Array {
  const best = new Int32Array(groups).fill(-1);
  for (let i = 0; i < groupOfRow.length; i++) {
    const group = groupOfRow[i] as number;
    if (group < 0) continue;
    const current = best[group] as number;
    if (current === -1 || prefer(i, current)) best[group] = i;
  }
  const winners = new Int32Array(groupOfRow.length).fill(-1);
  for (let i = 0; i < groupOfRow.length; i++) {
    const group = groupOfRow[i] as number;
    if (group >= 0) winners[i] = best[group] as number;
  }
  return winners;
}
