/**
 * The rollups' three ways of grouping (a count per packed key, packed keys sorted in buckets of the
 * first key, and
 * sorting row indexes key by key when the keys cannot be packed) give the same bytes. Which rows
 * they give is held to SQL in test/db/rollups.test.ts; this covers the way that real data only
 * takes with a great many days and doctors at once.
 */
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../scripts/generator/random';
import { groupPatients } from '../etl/patientGroups';
import { groupBy, rollupCopy } from './rollupRows';
import { ROLLUP_TABLES } from './schema';

function text(copy: ReturnType<typeof rollupCopy>): Record<string, string> {
  return Object.fromEntries(Object.entries(copy).map(([table, { rows, chunks }]) => [table, `${rows}\n${Buffer.concat(chunks).toString('hex')}`]));
}

function appointments(seed: number, n: number, spread: { patients: number; doctors: number; days: number }) {
  const random = createRandom(seed);
  const patientIds = new Float64Array(n);
  const bigPatientIds = new Map<number, string>();
  const doctorIds = new Int32Array(n);
  const days = new Int32Array(n);
  const statuses = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const patient = random.int(1, spread.patients);
    // One patient's id is above 2^53: NaN in its column, its digits beside it.
    if (patient === 1) {
      patientIds[i] = NaN;
      bigPatientIds.set(i, '9223372036854775807');
    } else {
      patientIds[i] = patient;
    }
    doctorIds[i] = random.int(1, spread.doctors);
    // Mostly a few weeks, some outliers centuries either side.
    days[i] = random.int(0, 9) === 0 ? random.int(-60_000, 120_000) : 20_000 + random.int(0, spread.days);
    statuses[i] = random.int(0, 3) === 0 ? 1 : 0;
  }
  return { patientIds, bigPatientIds, doctorIds, days, statuses };
}

describe('rollup rows', () => {
  const shapes = [
    { name: 'few doctors and days (counted per key)', spread: { patients: 300, doctors: 3, days: 20 } },
    { name: 'many doctors and months (packed keys in buckets of the first key)', spread: { patients: 2000, doctors: 900, days: 400 } },
  ];
  it.each(shapes)('every way of grouping gives the same rows: $name', ({ spread }) => {
    const columns = appointments(7, 5000, spread);
    const placeholder = (doctorId: number) => doctorId % 7 === 0;
    const packed = text(rollupCopy(columns, placeholder));
    expect(text(rollupCopy(columns, placeholder, 0))).toEqual(packed);
    // The id beyond 2^53 as an 8-byte BIGINT field; a patient with no later booking as a NULL date.
    expect(packed.patients_first_day).toContain('000000087fffffffffffffff');
    expect(packed.first_day_bookings).toContain('ffffffff');
  });

  it('groups rows by their keys in key order, whichever way it counts', () => {
    const rows = Int32Array.from([0, 1, 2, 3, 4, 5]);
    const keys = [
      { of: Int32Array.from([2, 0, 2, 1, 0, 2]), size: 3 },
      { of: Int32Array.from([1, 0, 1, 0, 1, 1]), size: 2 },
    ];
    const expected = { size: 4, values: [Int32Array.from([0, 0, 1, 2]), Int32Array.from([0, 1, 0, 1])], count: Int32Array.from([1, 1, 1, 3]) };
    expect(groupBy(rows, keys)).toEqual(expected);
    expect(groupBy(rows, keys, 0)).toEqual(expected);
  });

  it('groups rows in buckets of the first key when the packed keys outnumber the rows', () => {
    // 3 × 3 × 5000 keys for 7 rows: too many to count in an array; the first key goes through a table.
    const rows = Int32Array.from([6, 0, 1, 2, 3, 4, 5]);
    const keys = [
      { of: Int32Array.from([0, 1, 0, 1, 2, 0, 1]), through: Int32Array.from([2, 0, 1]), size: 3 },
      { of: Int32Array.from([1, 0, 1, 0, 1, 1, 0]), size: 3 },
      { of: Int32Array.from([4999, 7, 4999, 3, 0, 4999, 7]), size: 5000 },
    ];
    const expected = {
      size: 4,
      values: [Int32Array.from([0, 0, 1, 2]), Int32Array.from([0, 0, 1, 1]), Int32Array.from([3, 7, 0, 4999])],
      count: Int32Array.from([1, 2, 1, 3]),
    };
    expect(groupBy(rows, keys)).toEqual(expected);
    expect(groupBy(rows, keys, 0)).toEqual(expected);
  });

  it('counts a bucket much longer than the range of its packed keys, as the sort would order it', () => {
    // 5000 × 3 × 4 keys for 400 rows: bucketed; most rows in two buckets of 12 packed values each.
    const random = createRandom(3);
    const n = 400;
    const first = Int32Array.from({ length: n }, (_, i) => (i % 10 === 0 ? random.int(0, 4999) : i % 2 === 0 ? 17 : 4200));
    const keys = [
      { of: first, size: 5000 },
      { of: Int32Array.from({ length: n }, () => random.int(0, 2)), size: 3 },
      { of: Int32Array.from({ length: n }, () => random.int(0, 3)), size: 4 },
    ];
    const rows = Int32Array.from({ length: n }, (_, i) => n - 1 - i);
    expect(groupBy(rows, keys)).toEqual(groupBy(rows, keys, 0));
  });

  it('gives the same rows from the patient groups the reading worker stores with the columns', () => {
    const columns = appointments(5, 4000, { patients: 700, doctors: 60, days: 90 });
    const placeholder = (doctorId: number) => doctorId % 4 === 0;
    expect(text(rollupCopy({ ...columns, patientGroups: groupPatients(columns, true) }, placeholder))).toEqual(text(rollupCopy(columns, placeholder)));
  });

  it('calls afterRows once, between its two steps, and gives the same rows with it', () => {
    const columns = appointments(11, 3000, { patients: 500, doctors: 40, days: 60 });
    const placeholder = (doctorId: number) => doctorId % 5 === 0;
    let calls = 0;
    const withHook = text(rollupCopy(columns, placeholder, undefined, () => calls++));
    expect(calls).toBe(1);
    expect(withHook).toEqual(text(rollupCopy(columns, placeholder)));
  });

  it('gives empty tables for no appointments', () => {
    const empty = rollupCopy(appointments(1, 0, { patients: 1, doctors: 1, days: 1 }), () => false);
    expect(Object.values(empty).map((table) => table.rows)).toEqual(ROLLUP_TABLES.map(() => 0));
  });
});
