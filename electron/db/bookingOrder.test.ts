import { describe, expect, it } from 'vitest';
import { bookingOrder } from './bookingOrder';

function columns(rows: readonly { booking: number | string; day: number }[]) {
  const bigBookingIds = new Map<number, string>();
  rows.forEach((r, i) => {
    if (typeof r.booking === 'string') bigBookingIds.set(i, r.booking);
  });
  return {
    bookingIds: Float64Array.from(rows, (r) => (typeof r.booking === 'number' ? r.booking : NaN)),
    bigBookingIds,
    days: Int32Array.from(rows, (r) => r.day),
  };
}

/** The oracle: a comparison sort on (day, booking id as a BigInt). */
function oracle(rows: readonly { booking: number | string; day: number }[]): number[] {
  return rows
    .map((r, i) => ({ i, day: r.day, id: BigInt(r.booking) }))
    .sort((a, b) => a.day - b.day || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((r) => r.i);
}

describe('bookingOrder', () => {
  it('orders rows by day, then booking id, ids beyond 2^53 included', () => {
    const rows = [
      { booking: 5, day: 20_000 },
      { booking: '9223372036854775807', day: 19_000 },
      { booking: 3, day: 19_000 },
      { booking: '9007199254740993', day: 19_000 },
      { booking: Number.MAX_SAFE_INTEGER, day: 19_000 },
      { booking: 0, day: 20_000 },
      { booking: 1, day: -25_567 },
    ];
    expect(Array.from(bookingOrder(columns(rows)))).toEqual(oracle(rows));
  });

  it('is a permutation in that order for many rows: crowded days, days far apart, ids out of order', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (const spread of [3, 400, 3_000_000]) {
      const rows = Array.from({ length: 5000 }, (_, i) => ({ booking: random(4) === 0 ? random(1_000_000) : i * 3, day: 19_000 + random(spread) }));
      expect(Array.from(bookingOrder(columns(rows)))).toEqual(oracle(rows));
    }
  });

  it('no rows, no order', () => {
    expect(bookingOrder(columns([]))).toHaveLength(0);
  });
});
