/**
 * The order the load writes the appointments in: by booking day, then booking id, the order of the
 * date index's keys (and of the drill's pages). PostgreSQL sorts each index's tuples as it reads
 * them from the table, and its quicksort is much cheaper on input already (partly) in order: the
 * key and the three covering indexes over a million appointments took 3.47–3.63 s of server CPU
 * from a table in this order against 4.24–4.55 s in the workbook's order (PostgreSQL 15, same rows,
 * two runs each, load average ~8). Any order loads the same rows; only the build is cheaper.
 */
import type { AppointmentColumns } from '../etl/appointmentTable';
import { rankOrder, rankStarts, rankValues } from './rankValues';

type Columns = Pick<AppointmentColumns, 'bookingIds' | 'bigBookingIds' | 'days'>;

/** Below this many rows a day's rows are put in booking-id order by insertion (mostly in order already). */
const INSERTION_ROWS = 64;

/** Row indexes ordered by (day, booking id). */
export function bookingOrder(columns: Columns): Int32Array {
  const { days } = columns;
  const { rank, sorted } = rankValues(days);
  const size = sorted.length;
  // A stable counting sort by day: each day's rows stay in the workbook's order.
  const start = rankStarts(rank, size);
  const order = rankOrder(rank, start);
  const before = bookingIdBefore(columns);
  for (let d = 0; d < size; d++) sortSpan(order, start[d] as number, start[d + 1] as number, before);
  return order;
}

/** Whether row a's booking id is below row b's (ids beyond 2^53 are NaN in the column, kept as text). */
function bookingIdBefore({ bookingIds, bigBookingIds }: Columns): (a: number, b: number) => boolean {
  return (a, b) => {
    const x = bookingIds[a] as number;
    const y = bookingIds[b] as number;
    if (x === x && y === y) return x < y;
    if (x === x) return true;
    if (y === y) return false;
    return BigInt(bigBookingIds.get(a) as string) < BigInt(bigBookingIds.get(b) as string);
  };
}

function sortSpan(order: Int32Array, from: number, to: number, before: (a: number, b: number) => boolean): void {
  let sorted = true;
  for (let k = from + 1; k < to && sorted; k++) sorted = !before(order[k] as number, order[k - 1] as number);
  if (sorted) return;
  if (to - from <= INSERTION_ROWS) {
    for (let k = from + 1; k < to; k++) {
      const row = order[k] as number;
      let j = k - 1;
      for (; j >= from && before(row, order[j] as number); j--) order[j + 1] = order[j] as number;
      order[j + 1] = row;
    }
    return;
  }
  const rows = Array.from(order.subarray(from, to));
  rows.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  order.set(rows, from);
}
