/**
 * The rows of the dashboard's rollups (rollups.ts), computed from the final appointments' columns
 * and written in COPY's binary format (binaryCopyWriter.ts says why), instead of six CREATE TABLE … AS SELECT over the staged appointments:
 * at a million appointments those statements took 5.8 s of the load on an idle 2-core machine
 * (window functions and sorts over a million rows, six times); this takes 0.8–0.9 s in the
 * reading worker, and the COPY of the 855k rollup rows 0.7–0.9 s of the load (PostgreSQL 15 and
 * 18, same machine, load average ~2). The SQL is kept as the test oracle (test/oracle/rollupsInSql.ts).
 *
 * No object per row: each value becomes a rank (days, doctors, months: their position among the
 * distinct values, sorted), every patient a dense group (IdGroups), per-patient figures live in
 * typed arrays, and each GROUP BY packs a row's ranks into one number in the keys' order and
 * counts the numbers (groupBy). Temporary arrays hold at most a few entries per row, and the rows
 * come out sorted by the grouped columns. */
import type { AppointmentColumns } from '../etl/appointmentTable';
import { patientGroupsOf } from '../etl/patientGroups';
import { BinaryCopyWriter } from './binaryCopyWriter';
import { CLUSTER_GAP_DAYS } from './dashboard/timeAxis';
import { rankOrder, rankStarts, rankValues } from './rankValues';
import type { RollupTable } from './schema';

/** Visit counts are kept up to this many per status: the largest bucket is "4 or more". */
export const VISITS_CAP = 4;
/**
 * The lags booking_lags holds: 2 to 4 bookings back, for at least 2 (n − 1 and n) and at least 4
 * (n − 1 and n) bookings in a range; lag 1 is the patient-day rollups' (see bookingLags.ts).
 */
export const LAGS = [2, 3, 4] as const;
const MAX_LAG = 4;
/** booking_lags' count columns, one per lag. */
export const LAG_COLUMNS: readonly string[] = LAGS.map((lag) => `lag${lag}`);

/** A table in COPY's binary format, header and trailer included: chunks of encoded rows (transferable from the worker). */
export interface RollupCopyTable {
  rows: number;
  chunks: Uint8Array[];
}
export type RollupCopy = Record<RollupTable, RollupCopyTable>;

/** The columns the COPY data carries, in its order (the tables' own column order, schema.ts). */
export const ROLLUP_COPY_COLUMNS: Record<RollupTable, readonly string[]> = {
  appointments_by_day: ['booking_date', 'status', 'placeholder', 'later_confirmed', 'later_cancelled', 'bookings'],
  appointments_by_doctor: ['doctor_id', 'status', 'later_confirmed', 'later_cancelled', 'bookings'],
  appointments_by_doctor_month: ['month', 'doctor_id', 'status', 'bookings'],
  patients_by_visits: ['confirmed', 'cancelled', 'later_confirmed', 'later_cancelled', 'patients'],
  patients_first_day: ['patient_id', 'first_day', 'next_confirmed', 'next_cancelled', 'confirmed', 'cancelled', 'all_confirmed', 'all_cancelled'],
  first_day_bookings: ['first_day', 'status', 'doctor_id', 'placeholder', 'next_confirmed', 'next_cancelled', 'bookings'],
  patient_days_by_previous: ['booking_date', 'previous_day', 'patients'],
  cancelled_patient_days_by_previous: ['booking_date', 'previous_day', 'patients'],
  booking_lags: ['booking_date', 'cancelled', 'lag_day', ...LAG_COLUMNS],
  booking_day_clusters: ['first_day', 'last_day', 'bookings'],
};

type Columns = Pick<AppointmentColumns, 'patientIds' | 'bigPatientIds' | 'patientGroups' | 'doctorIds' | 'days' | 'statuses'>;

// Status codes as in appointmentTable's STATUSES (not imported as a value: see appointmentFields.ts).
const CONFIRMED = 0;
const CANCELLED = 1;
const STATUS_BYTES = [Buffer.from('confirmed'), Buffer.from('cancelled')];
// A chunk is handed over (transferred) with its whole buffer: flush before the longest row (< 100
// bytes) could pass the end of the writer's 256 KiB buffer.
const BUFFER_BYTES = 256 * 1024;
const CHUNK_BYTES = BUFFER_BYTES - 256;
/** A grouped column: a value in [0, size) per row index. */
interface Key {
  /** Int32Array for every key: one element type keeps the packing loop monomorphic (2× faster). */
  of: Int32Array;
  size: number;
  /** When given, the key's value is `through[of[row]]` (a doctor's or patient's figure, no array per row). */
  through?: Int32Array | undefined;
}

/**
 * A key with every property in one order, `through` undefined when absent: keys of one shape keep
 * the code that reads them to one hidden class (keys of two shapes made V8 optimise unpack again).
 */
function key(of: Int32Array, size: number, through?: Int32Array): Key {
  return { of, through, size };
}

function valueAt(key: Key, row: number): number {
  const value = key.of[row] as number;
  return key.through ? (key.through[value] as number) : value;
}

/**
 * The row indexes `rows` sorted by `keys` (the first the most significant), stably: one counting
 * sort per key, from the last key to the first.
 */
function sortBy(rows: Int32Array, keys: readonly Key[]): Int32Array {
  const buffers = [new Int32Array(rows.length), new Int32Array(keys.length > 1 ? rows.length : 0)];
  let from = rows;
  for (let k = keys.length - 1, pass = 0; k >= 0; k--, pass++) {
    const { size } = keys[k] as Key;
    const to = buffers[pass % 2] as Int32Array;
    const start = new Int32Array(size + 1);
    for (let j = 0; j < from.length; j++) {
      const v = valueAt(keys[k] as Key, from[j] as number) + 1;
      start[v] = (start[v] as number) + 1;
    }
    for (let v = 0; v < size; v++) start[v + 1] = (start[v + 1] as number) + (start[v] as number);
    for (let j = 0; j < from.length; j++) {
      const row = from[j] as number;
      const v = valueAt(keys[k] as Key, row);
      const at = start[v] as number;
      start[v] = at + 1;
      to[at] = row;
    }
    from = to;
  }
  return from;
}

/** GROUP BY result: each group's value of every key (key by key), and its row count, sorted by the keys. */
interface Groups {
  size: number;
  values: Int32Array[];
  count: Int32Array;
}

/**
 * groupBy's arrays of a number per row, kept across the tables of one call of the rollups: a
 * bucketed table took two fresh ones (8 and 4 MB at a million rows), each allocated, its pages
 * first written and later collected again.
 */
class GroupScratch {
  private packedRows = new Float64Array(0);
  private bucketedRows = new Float64Array(0);
  private firstRows = new Int32Array(0);

  /** A number per row for the packed keys. */
  packed(rows: number): Float64Array {
    if (this.packedRows.length < rows) this.packedRows = new Float64Array(rows);
    return this.packedRows.subarray(0, rows);
  }

  /** A number per row for the packed keys bucketed by the first key. */
  bucketed(rows: number): Float64Array {
    if (this.bucketedRows.length < rows) this.bucketedRows = new Float64Array(rows);
    return this.bucketedRows.subarray(0, rows);
  }

  /** A number per row for the first key's values. */
  firstValues(rows: number): Int32Array {
    if (this.firstRows.length < rows) this.firstRows = new Int32Array(rows);
    return this.firstRows.subarray(0, rows);
  }
}

/** Keys that fit one double exactly (mixed radix) are packed and counted without sorting rows. */
export const PACKED_KEY_LIMIT = 2 ** 53;

/**
 * `rows` grouped by `keys`. When the keys' sizes multiply to at most `packedLimit`, each row's
 * keys are packed into one number whose order is the keys' order, and counted: in an array
 * indexed by it when that array is no larger than a few entries per row, else by bucketing the
 * packed rest of the keys by the first key (a counting sort) and sorting each bucket, small at a
 * million rows (a day's or a month's rows). No row index is followed after the packing: at a
 * million rows, sorting row indexes and reading each key through them took ~4× as long (cache
 * misses). The buckets replaced a hash table of the distinct packed keys, sorted afterwards and
 * probed again for each one's count: at a million rows the rollups (with the scatter by day below)
 * took 0.9–1.6 s of CPU against 1.4–2.0 s with it (six alternating runs each in one process, load
 * average 10–13), and its table and key copies were up to ~40 MB of temporary arrays. Otherwise (a great many days and doctors at
 * once), the row indexes are sorted key by key (sortBy).
 */
export function groupBy(rows: Int32Array, keys: readonly Key[], packedLimit = PACKED_KEY_LIMIT, scratch = new GroupScratch()): Groups {
  const m = rows.length;
  const product = keys.reduce((p, key) => p * key.size, 1);
  if (product <= packedLimit) {
    const direct = countsDirectly(product, m, packedLimit);
    // The first packed key is stored as it is (no zeroing pass: every element is written).
    const packed = scratch.packed(m);
    // Bucketed: the first key stays out of the packed number (it is the bucket).
    const firstKey = keys[0] as Key;
    const firstValues = direct ? undefined : scratch.firstValues(m);
    if (firstValues) keyValuesInto(firstValues, firstKey, rows);
    const firstPacked = direct ? 0 : 1;
    if (firstPacked === keys.length) packed.fill(0);
    for (let k = firstPacked; k < keys.length; k++) {
      const key = keys[k] as Key;
      if (k === firstPacked) keyValuesInto(packed, key, rows);
      else packKey(packed, key, rows);
    }
    const { distinct, count } = firstValues ? countBucketed(packed, firstValues, firstKey.size, product / firstKey.size, scratch.bucketed(m)) : countDirect(packed, product);
    return { size: distinct.length, values: unpack(distinct, keys), count };
  }
  const sorted = sortBy(rows, keys);
  const first = new Int32Array(m);
  const count = new Int32Array(m);
  let size = 0;
  for (let j = 0; j < m; j++) {
    const row = sorted[j] as number;
    const previous = size > 0 ? (first[size - 1] as number) : -1;
    let same = previous >= 0;
    for (let k = 0; same && k < keys.length; k++) same = valueAt(keys[k] as Key, row) === valueAt(keys[k] as Key, previous);
    if (same) {
      count[size - 1] = (count[size - 1] as number) + 1;
    } else {
      first[size] = row;
      count[size] = 1;
      size++;
    }
  }
  const values = keys.map((key) => {
    const column = new Int32Array(size);
    for (let g = 0; g < size; g++) column[g] = valueAt(key, first[g] as number);
    return column;
  });
  return { size, values, count: count.subarray(0, size) };
}

/*
 * groupBy's passes over the rows, each its own small function. In one function they made V8
 * optimise groupBy again and again on a cold run (13 times for the rollups of 100k rows: each of
 * its calls took a branch the last optimisation had not seen, and went back to the interpreter),
 * and the compilations, not the passes, were most of the rollups' time at 100k rows; each of
 * these is optimised once, for every table, with one type per argument.
 */

/** Whether keys whose sizes multiply to `product` are counted in an array indexed by the packed key, for `rows` rows. */
function countsDirectly(product: number, rows: number, packedLimit: number): boolean {
  return product <= packedLimit && product <= rows + 4096;
}

/**
 * appointments_by_day's groups (day, status, placeholder doctor, the patient's flags) and
 * appointments_by_doctor's (doctor, status, the patient's flags), both counted directly, in one
 * pass over the rows: groupBy packed each key in a pass of its own, seven passes and two counting
 * ones, and read each row's patient's flags (a cache miss) twice.
 */
function countDaysAndDoctors(keys: { day: Int32Array; status: Uint8Array; doctor: Int32Array; placeholder: Int32Array; patient: Int32Array; later: Int32Array }, byDay: Int32Array, byDoctor: Int32Array): void {
  const { day, status, doctor, placeholder, patient, later } = keys;
  for (let i = 0; i < day.length; i++) {
    const s = status[i] as number;
    const l = later[patient[i] as number] as number;
    const doc = doctor[i] as number;
    const atDay = (((day[i] as number) * 2 + s) * 2 + (placeholder[doc] as number)) * 4 + l;
    byDay[atDay] = (byDay[atDay] as number) + 1;
    const atDoctor = (doc * 2 + s) * 4 + l;
    byDoctor[atDoctor] = (byDoctor[atDoctor] as number) + 1;
  }
}

/** GROUP BY result from counts indexed by the packed key. */
function groupsOfCounts(counts: Int32Array, keys: readonly Key[]): Groups {
  const { distinct, count } = countedKeys(counts);
  return { size: distinct.length, values: unpack(distinct, keys), count };
}

/** Each row's value of `key`, into `into` (the first key's bucket, or the first packed key). */
function keyValuesInto(into: Int32Array | Float64Array, key: Key, rows: Int32Array): void {
  if (into instanceof Int32Array) {
    if (key.through) throughValues(into, key.of, key.through, rows);
    else ownValues(into, key.of, rows);
  } else if (key.through) throughValuesF(into, key.of, key.through, rows);
  else ownValuesF(into, key.of, rows);
}

function ownValues(into: Int32Array, of: Int32Array, rows: Int32Array): void {
  for (let j = 0; j < rows.length; j++) into[j] = of[rows[j] as number] as number;
}

function throughValues(into: Int32Array, of: Int32Array, through: Int32Array, rows: Int32Array): void {
  for (let j = 0; j < rows.length; j++) into[j] = through[of[rows[j] as number] as number] as number;
}

function ownValuesF(into: Float64Array, of: Int32Array, rows: Int32Array): void {
  for (let j = 0; j < rows.length; j++) into[j] = of[rows[j] as number] as number;
}

function throughValuesF(into: Float64Array, of: Int32Array, through: Int32Array, rows: Int32Array): void {
  for (let j = 0; j < rows.length; j++) into[j] = through[of[rows[j] as number] as number] as number;
}

/** `packed` times the key's size plus each row's value of the key (the next digit, mixed radix). */
function packKey(packed: Float64Array, key: Key, rows: Int32Array): void {
  if (key.through) packThrough(packed, key.of, key.through, key.size, rows);
  else packOwn(packed, key.of, key.size, rows);
}

function packOwn(packed: Float64Array, of: Int32Array, size: number, rows: Int32Array): void {
  for (let j = 0; j < rows.length; j++) packed[j] = (packed[j] as number) * size + (of[rows[j] as number] as number);
}

function packThrough(packed: Float64Array, of: Int32Array, through: Int32Array, size: number, rows: Int32Array): void {
  for (let j = 0; j < rows.length; j++) packed[j] = (packed[j] as number) * size + (through[of[rows[j] as number] as number] as number);
}

/** The distinct packed keys, sorted, and their counts: counted in an array over every possible key. */
function countDirect(packed: Float64Array, product: number): { distinct: Float64Array; count: Int32Array } {
  const counts = new Int32Array(product);
  for (let j = 0; j < packed.length; j++) {
    const key = packed[j] as number;
    counts[key] = (counts[key] as number) + 1;
  }
  return countedKeys(counts);
}

/** The keys counted in `counts` (indexed by packed key), in order, and their counts. */
function countedKeys(counts: Int32Array): { distinct: Float64Array; count: Int32Array } {
  const product = counts.length;
  let size = 0;
  for (let key = 0; key < product; key++) if ((counts[key] as number) > 0) size++;
  const distinct = new Float64Array(size);
  const count = new Int32Array(size);
  for (let key = 0, g = 0; key < product; key++) {
    if ((counts[key] as number) > 0) {
      distinct[g] = key;
      count[g++] = counts[key] as number;
    }
  }
  return { distinct, count };
}

/**
 * The same, the packed rest of the keys bucketed by the first key (a counting sort) and each bucket
 * sorted: `rest` is the number of possible packed rests.
 */
function countBucketed(packed: Float64Array, firstValues: Int32Array, buckets: number, rest: number, bucketed: Float64Array): { distinct: Float64Array; count: Int32Array } {
  const m = packed.length;
  const start = rankStarts(firstValues, buckets);
  const at = start.slice(0, buckets);
  for (let j = 0; j < m; j++) {
    const b = firstValues[j] as number;
    bucketed[at[b] as number] = packed[j] as number;
    at[b] = (at[b] as number) + 1;
  }
  // A bucket much longer than the range of its packed values (a month's rows by doctor and
  // status) is sorted by counting them; others (a day's few rows) by the typed array's sort.
  let restCounts: Int32Array | undefined;
  let size = 0;
  for (let b = 0; b < buckets; b++) {
    const from = start[b] as number;
    const to = start[b + 1] as number;
    if (rest <= MAX_COUNTED_REST && (to - from) * COUNTING_RATIO > rest) countingSort(bucketed, from, to, (restCounts ??= new Int32Array(rest)));
    else if (to - from > 1) bucketed.subarray(from, to).sort();
    size += distinctIn(bucketed, from, to);
  }
  const distinct = new Float64Array(size);
  const count = new Int32Array(size);
  for (let b = 0, g = -1; b < buckets; b++) {
    const to = start[b + 1] as number;
    for (let j = start[b] as number; j < to; j++) {
      if (j === start[b] || bucketed[j] !== bucketed[j - 1]) {
        distinct[++g] = b * rest + (bucketed[j] as number);
        count[g] = 1;
      } else {
        count[g] = (count[g] as number) + 1;
      }
    }
  }
  return { distinct, count };
}

/** How many distinct values the sorted `values[from, to)` hold. */
function distinctIn(values: Float64Array, from: number, to: number): number {
  let size = 0;
  for (let j = from; j < to; j++) if (j === from || values[j] !== values[j - 1]) size++;
  return size;
}

/** Each group's value of every key, from its packed key (mixed radix, the last key the last digit). */
function unpack(distinct: Float64Array, keys: readonly Key[]): Int32Array[] {
  const size = distinct.length;
  const values = keys.map(() => new Int32Array(size));
  for (let g = 0; g < size; g++) {
    let key = distinct[g] as number;
    for (let k = keys.length - 1; k >= 0; k--) {
      const keySize = (keys[k] as Key).size;
      const value = key % keySize;
      (values[k] as Int32Array)[g] = value;
      key = (key - value) / keySize;
    }
  }
  return values;
}

/** Counting sorts of a bucket: only for a range of packed values at most this large (an Int32Array of that many counts). */
const MAX_COUNTED_REST = 1 << 20;
/**
 * A bucket is sorted by counting when its length times this exceeds the range of its values: the
 * counting sort reads the whole range once, the comparison sort ~log2(length) times each value.
 */
const COUNTING_RATIO = 4;

/** `values[from, to)`, integers in [0, counts.length), sorted in place; `counts` is all zeros before and after. */
function countingSort(values: Float64Array, from: number, to: number, counts: Int32Array): void {
  for (let j = from; j < to; j++) {
    const v = values[j] as number;
    counts[v] = (counts[v] as number) + 1;
  }
  for (let v = 0, j = from; j < to; v++) {
    const c = counts[v] as number;
    if (c === 0) continue;
    counts[v] = 0;
    for (const end = j + c; j < end; j++) values[j] = v;
  }
}

/** The rows on their patient's first day, in order, into `into` (one pass: counting them first read each row's patient's first day twice). */
function rowsOnFirstDay(into: Int32Array, dayRank: Int32Array, first: Int32Array, patientOf: Int32Array): Int32Array {
  let j = 0;
  for (let i = 0; i < dayRank.length; i++) if (dayRank[i] === first[patientOf[i] as number]) into[j++] = i;
  return into.subarray(0, j);
}

function all(n: number): Int32Array {
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}

/** The first of its month, for a day (days since 1970-01-01). */
function monthOf(day: number): number {
  const date = new Date(day * 86_400_000);
  date.setUTCDate(1);
  return Math.round(date.getTime() / 86_400_000);
}
/** What a patient's rows come to: indexed by the patient's dense group, in the order patients were first seen. */
interface PatientFigures {
  count: number;
  /** The patient's first row (for its id). */
  row: Int32Array;
  /** Day rank of the first day. */
  first: Int32Array;
  /** Per status: the day rank of the next day after the first with such a booking; dayCount when there is none. */
  next: readonly [Int32Array, Int32Array];
  /** Per status: bookings on the first day. */
  onFirst: readonly [Int32Array, Int32Array];
  /** Per status: all bookings. */
  total: readonly [Int32Array, Int32Array];
  /** Came back later with a confirmed booking (bit 1), a cancelled one (bit 0). */
  later: Int32Array;
}

/** `rows` rows of `fields` fields written by `line`, in chunks that fill the writer's buffer without outgrowing it. */
function encode(out: BinaryCopyWriter, rows: number, fields: number, line: (g: number) => void): RollupCopyTable {
  const table = new TableWriter(out);
  for (let g = 0; g < rows; g++) {
    table.row(fields);
    line(g);
  }
  return table.close();
}

/**
 * A table written row by row as its rows are found (no arrays of them first): `row` before each
 * row's fields, `close` after the last. A class, not an object of closures: every table's `row` is
 * then one function, and a loop writing one table after another keeps V8's optimised code (a new
 * closure per table was a "wrong call target" and another optimisation of the loop).
 */
class TableWriter {
  private readonly chunks: Uint8Array[] = [];
  private rows = 0;

  /** `header` false: the table's rows continue another writer's (that one closed without its trailer). */
  constructor(private readonly out: BinaryCopyWriter, header = true) {
    if (header) out.header();
  }

  row(fields: number): void {
    if (this.out.length >= CHUNK_BYTES) this.chunks.push(this.out.take());
    this.out.row(fields);
    this.rows++;
  }

  /** `trailer` false: another writer's rows follow (see the constructor's `header`). */
  close(trailer = true): RollupCopyTable {
    if (trailer) this.out.trailer();
    this.chunks.push(this.out.take());
    return { rows: this.rows, chunks: this.chunks };
  }
}

function writeStatus(out: BinaryCopyWriter, code: number): void {
  out.text(STATUS_BYTES[code] as Buffer);
}

/** A day by its rank among `days`, null for the rank past the last (none). */
function writeDayOrNull(out: BinaryCopyWriter, days: Int32Array, rank: number): void {
  if (rank < days.length) out.date(days[rank] as number);
  else out.null();
}

/**
 * The rollups of these appointments as COPY data (binary format). `placeholder` says whether a doctor id is
 * one of the placeholder doctors the load adds (every appointment's doctor is among the doctors).
 * `packedLimit` is for tests: 0 groups every table by sorting row indexes (see groupBy).
 *
 * In two steps, for the peak memory: the tables grouped over rows need arrays of a few entries per
 * row (ranks, the grouping's scratch: ~75 MB at a million rows; each row's patient is the columns' own when the worker stored it), and are
 * encoded first (rowTables); those arrays are unreachable once it returns, before the largest
 * table (patients_first_day, one row per patient: ~23 MB of its ~60 MB of COPY data at a million
 * rows) is written from the per-patient figures alone. Encoded among them, it met them at the end
 * of the rollups, the CLI run's peak memory. `afterRows` runs between the steps (the worker
 * collects garbage there, so V8 frees those arrays before the last tables grow). Peak RSS of the
 * CLI while the rollups were computed, a million openpyxl rows into PostgreSQL 15: 335–370 MiB
 * (eight runs, median 366) before, 347–356 MiB after (three), 331–346 MiB (five) with the
 * worker's collection before the outputs too (etlWorker.ts); load average 9–15.
 */
export function rollupCopy(columns: Columns, placeholder: (doctorId: number) => boolean, packedLimit = PACKED_KEY_LIMIT, afterRows?: () => void): RollupCopy {
  const out = new BinaryCopyWriter(BUFFER_BYTES);
  const { tables, patients, days, dayStart } = rowTables(columns, placeholder, packedLimit, out);
  afterRows?.();
  const { patientIds, bigPatientIds } = columns;
  const dayCount = days.length;
  const bool = (value: number | boolean) => out.bool(value);
  const { count: patientCount, row: patientRow, first, next, onFirst, total, later } = patients;

  // Patients by visit counts (each capped) × flags: at most 5 × 5 × 4 cells.
  const cap = VISITS_CAP + 1;
  const visits = new Int32Array(cap * cap * 4);
  for (let p = 0; p < patientCount; p++) {
    const c = Math.min(total[CONFIRMED][p] as number, VISITS_CAP);
    const x = Math.min(total[CANCELLED][p] as number, VISITS_CAP);
    const cell = (c * cap + x) * 4 + (later[p] as number);
    visits[cell] = (visits[cell] as number) + 1;
  }
  const visitCells: number[] = [];
  for (let cell = 0; cell < visits.length; cell++) if ((visits[cell] as number) > 0) visitCells.push(cell);
  const patientsByVisits = encode(out, visitCells.length, 5, (g) => {
    const cell = visitCells[g] as number;
    out.int4(Math.floor(cell / (4 * cap)));
    out.int4(Math.floor(cell / 4) % cap);
    bool(cell & 2);
    bool(cell & 1);
    out.int4(visits[cell] as number);
  });

  // One row per patient, in first-day order: its first-day index then meets its rows sorted, which
  // PostgreSQL's sort only checks (it sorted the order patients were first seen, only nearly by
  // first day, in full: 0.24–0.28 s of server CPU against 0.18–0.19 s, 314k patients at a million
  // appointments, PostgreSQL 15). The patients are nearly in that order already, so the reads
  // below stay mostly in order.
  const byFirstDay = rankOrder(first, rankStarts(first, dayCount));
  const patientsFirstDay = encode(out, patientCount, 8, (g) => {
    const p = byFirstDay[g] as number;
    const row = patientRow[p] as number;
    const id = patientIds[row] as number;
    if (id === id) out.int8(id);
    else out.int8Text(bigPatientIds.get(row) as string);
    out.date(days[first[p] as number] as number);
    writeDayOrNull(out, days, next[CONFIRMED][p] as number);
    writeDayOrNull(out, days, next[CANCELLED][p] as number);
    out.int4(onFirst[CONFIRMED][p] as number);
    out.int4(onFirst[CANCELLED][p] as number);
    out.int4(total[CONFIRMED][p] as number);
    out.int4(total[CANCELLED][p] as number);
  });

  // Booking days less than CLUSTER_GAP_DAYS apart, summed: the dashboard's dense span (timeAxis.ts)
  // from a few dozen rows instead of every day's bookings (19.8k days at a million, outliers spread
  // over six centuries).
  const clusterStarts: number[] = [];
  for (let d = 0; d < dayCount; d++) if (d === 0 || (days[d] as number) - (days[d - 1] as number) >= CLUSTER_GAP_DAYS) clusterStarts.push(d);
  const bookingDayClusters = encode(out, clusterStarts.length, 3, (c) => {
    const start = clusterStarts[c] as number;
    const end = c + 1 < clusterStarts.length ? (clusterStarts[c + 1] as number) : dayCount;
    const bookings = (dayStart[end] as number) - (dayStart[start] as number);
    out.date(days[start] as number);
    out.date(days[end - 1] as number);
    out.int4(bookings);
  });

  return {
    appointments_by_day: tables.appointmentsByDay,
    appointments_by_doctor: tables.appointmentsByDoctor,
    appointments_by_doctor_month: tables.appointmentsByDoctorMonth,
    patients_by_visits: patientsByVisits,
    patients_first_day: patientsFirstDay,
    first_day_bookings: tables.firstDayBookings,
    patient_days_by_previous: tables.patientDaysByPrevious,
    cancelled_patient_days_by_previous: tables.cancelledPatientDaysByPrevious,
    booking_lags: tables.bookingLags,
    booking_day_clusters: bookingDayClusters,
  };
}

/** Each patient's figures (PatientFigures) from the rows' patients, day ranks and statuses. */
function patientFigures(patientOf: Int32Array, patientCount: number, dayRank: Int32Array, dayCount: number, statuses: Columns['statuses']): PatientFigures {
  const n = patientOf.length;
  const row = new Int32Array(patientCount).fill(-1);
  const first = new Int32Array(patientCount).fill(dayCount);
  for (let i = 0; i < n; i++) {
    const p = patientOf[i] as number;
    if (row[p] === -1) row[p] = i;
    if ((dayRank[i] as number) < (first[p] as number)) first[p] = dayRank[i] as number;
  }
  const next = [new Int32Array(patientCount).fill(dayCount), new Int32Array(patientCount).fill(dayCount)] as const;
  const onFirst = [new Int32Array(patientCount), new Int32Array(patientCount)] as const;
  const total = [new Int32Array(patientCount), new Int32Array(patientCount)] as const;
  for (let i = 0; i < n; i++) {
    const p = patientOf[i] as number;
    const s = statuses[i] as number;
    const d = dayRank[i] as number;
    const totals = total[s] as Int32Array;
    totals[p] = (totals[p] as number) + 1;
    if (d === first[p]) {
      const firsts = onFirst[s] as Int32Array;
      firsts[p] = (firsts[p] as number) + 1;
    } else if (d < ((next[s] as Int32Array)[p] as number)) {
      (next[s] as Int32Array)[p] = d;
    }
  }
  const later = new Int32Array(patientCount);
  for (let p = 0; p < patientCount; p++) later[p] = ((next[CONFIRMED][p] as number) < dayCount ? 2 : 0) | ((next[CANCELLED][p] as number) < dayCount ? 1 : 0);
  return { count: patientCount, row, first, next, onFirst, total, later };
}

/**
 * A patient's two next days as one key: the rank of the pair among the pairs that occur (the two
 * day ranks side by side would make the packed key too wide when outliers spread the days). Per
 * patient, and the pairs' keys sorted (a rank's key). The patients are put in pair order by two
 * counting sorts over the day ranks (next cancelled, then next confirmed, stably), and a pair's
 * rank counts the distinct pairs before it: a hash table of the pairs, a sort of their keys and a
 * second probe per pair took 0.14 s of the worker's CPU profile against 0.08 s (a million openpyxl
 * rows, the CLI, three runs each, load average 4–5).
 */
function nextDayPairs(patients: PatientFigures, dayCount: number): { pairOf: Int32Array; sortedPairs: Float64Array } {
  const { count: patientCount, next } = patients;
  const byCancelled = rankOrder(next[CANCELLED], rankStarts(next[CANCELLED], dayCount + 1));
  const order = orderedBy(next[CONFIRMED], byCancelled, dayCount + 1);
  const pairOf = new Int32Array(patientCount);
  const pairs = new Float64Array(patientCount);
  const size = rankPairs(order, next, dayCount + 1, pairOf, pairs);
  return { pairOf, sortedPairs: pairs.slice(0, size) };
}

/** `order`'s entries stably sorted by their `rank` (in [0, size)): a counting sort. */
function orderedBy(rank: Int32Array, order: Int32Array, size: number): Int32Array {
  const at = rankStarts(rank, size);
  const sorted = new Int32Array(order.length);
  for (let j = 0; j < order.length; j++) {
    const p = order[j] as number;
    const r = rank[p] as number;
    sorted[at[r] as number] = p;
    at[r] = (at[r] as number) + 1;
  }
  return sorted;
}

/** Each patient's pair rank into `pairOf`, the distinct pairs' keys into `pairs`, from the patients in pair order; how many pairs. */
function rankPairs(order: Int32Array, next: PatientFigures['next'], base: number, pairOf: Int32Array, pairs: Float64Array): number {
  let size = 0;
  for (let j = 0; j < order.length; j++) {
    const p = order[j] as number;
    const pair = (next[CONFIRMED][p] as number) * base + (next[CANCELLED][p] as number);
    if (size === 0 || pair !== pairs[size - 1]) pairs[size++] = pair;
    pairOf[p] = size - 1;
  }
  return size;
}

/**
 * The tables grouped over the rows, encoded, with what the rest of the rollups need of the rows:
 * the per-patient figures, the sorted distinct days and each day rank's first row in day order.
 * Every array of a few entries per row is local to this call, but the patient groups the columns may carry.
 */
function rowTables(columns: Columns, placeholder: (doctorId: number) => boolean, packedLimit: number, out: BinaryCopyWriter) {
  const { doctorIds, statuses } = columns;
  const n = statuses.length;

  // Days, doctors and months as ranks; a day rank's month rank follows from the sorted days.
  const day = rankValues(columns.days);
  const days = day.sorted;
  const dayCount = days.length;
  const doctor = rankValues(doctorIds);
  const doctorCount = doctor.sorted.length;
  const isPlaceholder = new Int32Array(doctorCount);
  for (let d = 0; d < doctorCount; d++) isPlaceholder[d] = placeholder(doctor.sorted[d] as number) ? 1 : 0;
  const monthOfDay = new Int32Array(dayCount);
  const months: number[] = [];
  for (let d = 0; d < dayCount; d++) {
    const month = monthOf(days[d] as number);
    if (months.length === 0 || months[months.length - 1] !== month) months.push(month);
    monthOfDay[d] = months.length - 1;
  }

  // Patients: a dense group each, and their figures by day rank.
  const { of: patientOf, count: patientCount } = patientGroupsOf(columns);
  const patients = patientFigures(patientOf, patientCount, day.rank, dayCount, statuses);
  const { first, later } = patients;

  const bool = (value: number | boolean) => out.bool(value);
  const status = (code: number) => writeStatus(out, code);
  const dayOrNull = (rank: number) => writeDayOrNull(out, days, rank);
  const scratch = new GroupScratch();
  /** A GROUP BY … count(*) table: `line` writes a group from its key values (`v[k]`, key by key). */
  type Line = (v: readonly Int32Array[], g: number, count: number) => void;
  const groupsTable = ({ size, values, count }: Groups, fields: number, line: Line): RollupCopyTable => encode(out, size, fields, (g) => line(values, g, count[g] as number));
  const groupedTable = (rows: Int32Array, keys: readonly Key[], fields: number, line: Line): RollupCopyTable => groupsTable(groupBy(rows, keys, packedLimit, scratch), fields, line);
  const at = (column: Int32Array | undefined, g: number) => (column as Int32Array)[g] as number;

  const dayKey = key(day.rank, dayCount);
  const doctorKey = key(doctor.rank, doctorCount);
  const statusKey = key(Int32Array.from(statuses), 2);
  const laterKey = key(patientOf, 4, later);
  const placeholderKey = key(doctor.rank, 2, isPlaceholder);
  const everyRow = all(n);

  const byDayKeys = [dayKey, statusKey, placeholderKey, laterKey];
  const byDoctorKeys = [doctorKey, statusKey, laterKey];
  const bothDirect = countsDirectly(dayCount * 16, n, packedLimit) && countsDirectly(doctorCount * 8, n, packedLimit);
  const byDayCounts = new Int32Array(bothDirect ? dayCount * 16 : 0);
  const byDoctorCounts = new Int32Array(bothDirect ? doctorCount * 8 : 0);
  if (bothDirect) countDaysAndDoctors({ day: day.rank, status: statuses, doctor: doctor.rank, placeholder: isPlaceholder, patient: patientOf, later }, byDayCounts, byDoctorCounts);
  const byDay = bothDirect ? groupsOfCounts(byDayCounts, byDayKeys) : groupBy(everyRow, byDayKeys, packedLimit, scratch);
  const appointmentsByDay = groupsTable(byDay, 6, ([d, s, ph, l], g, count) => {
    out.date(days[at(d, g)] as number);
    status(at(s, g));
    bool(at(ph, g));
    bool(at(l, g) & 2);
    bool(at(l, g) & 1);
    out.int4(count);
  });

  const byDoctor = bothDirect ? groupsOfCounts(byDoctorCounts, byDoctorKeys) : groupBy(everyRow, byDoctorKeys, packedLimit, scratch);
  const appointmentsByDoctor = groupsTable(byDoctor, 5, ([doc, s, l], g, count) => {
    out.int4(doctor.sorted[at(doc, g)] as number);
    status(at(s, g));
    bool(at(l, g) & 2);
    bool(at(l, g) & 1);
    out.int4(count);
  });

  const appointmentsByDoctorMonth = groupedTable(everyRow, [key(day.rank, months.length, monthOfDay), doctorKey, statusKey], 4, ([m, doc, s], g, count) => {
    out.date(months[at(m, g)] as number);
    out.int4(doctor.sorted[at(doc, g)] as number);
    status(at(s, g));
    out.int4(count);
  });

  // The bookings of each patient's first day, by day, status, doctor and the patient's next days.
  // Over everyRow's memory, no longer needed: a row's index is written at or before its own place.
  const onFirstDay = rowsOnFirstDay(everyRow, day.rank, first, patientOf);
  const { pairOf, sortedPairs } = nextDayPairs(patients, dayCount);
  const firstDayBookings = groupedTable(onFirstDay, [dayKey, statusKey, doctorKey, key(patientOf, sortedPairs.length, pairOf)], 7, ([d, s, doc, pair], g, count) => {
    const pairKey = sortedPairs[at(pair, g)] as number;
    const nextCancelled = pairKey % (dayCount + 1);
    out.date(days[at(d, g)] as number);
    status(at(s, g));
    out.int4(doctor.sorted[at(doc, g)] as number);
    bool(isPlaceholder[at(doc, g)] as number);
    dayOrNull((pairKey - nextCancelled) / (dayCount + 1));
    dayOrNull(nextCancelled);
    out.int4(count);
  });

  // Every day a patient has bookings on, with the patient's previous such day (none: dayCount),
  // counted per (day, previous day): the patients of a date range are that range's rows whose
  // previous day is before it, a sum instead of a distinct count over the range's bookings.
  // Each row's patient in day order (a counting sort by day rank, each day's rows in file order);
  // a patient's day is new when it differs from the last one seen for them, and that last one is
  // its previous day. Each day's previous days are counted in an array over the day ranks (only
  // the touched entries are read and reset). The generic groupBy took ~1 s more at a million rows
  // (a hash table and a sort of ~950k keys); sorting row indexes by day and reading each row's day
  // and patient through them cost ~3× this scatter of the patients (cache misses).
  const dayStart = rankStarts(day.rank, dayCount);
  const patientsByDay = new Int32Array(n);
  // Each of those rows' status, for the walk's stream of cancelled bookings (below).
  const statusesByDay = new Uint8Array(n);
  const dayAt = dayStart.slice(0, dayCount);
  for (let i = 0; i < n; i++) {
    const d = day.rank[i] as number;
    const at = dayAt[d] as number;
    patientsByDay[at] = patientOf[i] as number;
    statusesByDay[at] = statuses[i] as number;
    dayAt[d] = at + 1;
  }
  // Its rows are written as each day's are found: held first in arrays of numbers (~600k rows at a
  // million appointments), their growth and collection cost more than the loop itself.
  //
  // The same walk gives booking_lags: each booking with the day of the patient's booking LAGS[k]
  // places before it (their bookings in day order), of any status and over the cancelled ones
  // alone; a patient has at least n bookings in [from, to] as many times as n consecutive bookings
  // of theirs lie in it, less n + 1 (dashboard/bookingLags.ts). One row per (day, sequence, that
  // earlier day) with the counts of the three lags: 357k rows at a million appointments against
  // 494k as one row per lag. Each patient's last MAX_LAG booking days (latest first, none: `none`)
  // replace the last day: the walk's cost is its cache misses over the patients, one fetch per
  // booking for both tables; 16-bit day ranks when they fit (5 MB at a million appointments, with
  // the cancelled bookings' below). booking_lags has its own writer, its rows written as each
  // day's are found beside the other table's. A day's ties are taken in file order (the counts do
  // not depend on it).
  //
  // The same over the cancelled bookings alone (a patient's days with one, each with the previous
  // such day): the patients of a date range of cancelled bookings. Not the confirmed ones: at a
  // million appointments they made 245k rows more (against 88k), and the load's COPY, index and
  // worker ~0.25 s more of CPU; a confirmed view's patients stay a grouping of its bookings.
  //
  // One walk for both statuses' patient-day tables and lags: each patient's last days of any
  // status and of cancelled bookings sit side by side (LAST_DAYS numbers), so a cancelled
  // booking's second fetch is a hit. Walked once per status, the second walk read every row again
  // and missed the cache again on each cancelled booking: 0.43 s of the worker's CPU profile
  // against 0.26 s for the one walk (a million openpyxl rows, the CLI, three runs each, load
  // average 4–5). Each stream (DayStream) keeps its own counts and writers; booking_lags is the
  // stream of any status' rows then the cancelled one's (its chunks after the first's, one header
  // and one trailer).
  const narrow = dayCount < 0xffff;
  const none = narrow ? 0xffff : 0xffffffff;
  const lastDays = narrow ? new Uint16Array(patientCount * LAST_DAYS).fill(none) : new Uint32Array(patientCount * LAST_DAYS).fill(none);
  const anyStatus = new DayStream(dayCount, days, none, lastDays, false, out, new BinaryCopyWriter(BUFFER_BYTES), true);
  const cancelledOnly = new DayStream(dayCount, days, none, lastDays, true, new BinaryCopyWriter(BUFFER_BYTES), new BinaryCopyWriter(BUFFER_BYTES), false);
  walkDays(dayStart, patientsByDay, statusesByDay, anyStatus, cancelledOnly);
  const patientDaysByPrevious = anyStatus.byPrevious.close();
  const cancelledPatientDaysByPrevious = cancelledOnly.byPrevious.close();
  const anyLags = anyStatus.byLag.close(false);
  const cancelledLags = cancelledOnly.byLag.close();
  const bookingLags: RollupCopyTable = { rows: anyLags.rows + cancelledLags.rows, chunks: [...anyLags.chunks, ...cancelledLags.chunks] };

  return {
    tables: { appointmentsByDay, appointmentsByDoctor, appointmentsByDoctorMonth, firstDayBookings, patientDaysByPrevious, cancelledPatientDaysByPrevious, bookingLags },
    patients,
    days,
    dayStart,
  };
}

/** Numbers per patient in the walk over the days: the last MAX_LAG days of any status, then as many of cancelled bookings (latest first). */
const LAST_DAYS = 2 * MAX_LAG;
/** Where a patient's last days of cancelled bookings start among their LAST_DAYS. */
const CANCELLED_DAYS = MAX_LAG;

/** The rows in day order, each patient's days fed to the stream of any status, and a cancelled booking's to the cancelled stream too; each stream's rows written at the end of each day. */
function walkDays(dayStart: Int32Array, patientsByDay: Int32Array, statusesByDay: Uint8Array, anyStatus: DayStream, cancelledOnly: DayStream): void {
  const dayCount = dayStart.length - 1;
  for (let d = 0; d < dayCount; d++) {
    const to = dayStart[d + 1] as number;
    for (let j = dayStart[d] as number; j < to; j++) {
      const at = (patientsByDay[j] as number) * LAST_DAYS;
      anyStatus.booking(at, d);
      if (statusesByDay[j] === CANCELLED) cancelledOnly.booking(at + CANCELLED_DAYS, d);
    }
    anyStatus.endDay(d);
    cancelledOnly.endDay(d);
  }
}

/**
 * One status' stream of the walk over the days (any status, or cancelled bookings alone): a
 * booking's patient's earlier days counted per lag and per previous day, and the day's rows of
 * patient_days_by_previous (or its cancelled twin) and of booking_lags written once the day ends.
 * A class: both streams are one shape, so the walk's calls stay monomorphic and are inlined.
 */
class DayStream {
  private readonly previousCounts: Int32Array;
  /** A day's previous days as first met, sorted before its rows are written (a typed array's own numeric sort, no comparator calls). */
  private readonly touched: Int32Array;
  private touchedCount = 0;
  private readonly lagCounts: Int32Array;
  private readonly lagTouched: Uint8Array;
  /** A day's earlier days of its lags, as first met. */
  private readonly lagDays: Int32Array;
  private lagDayCount = 0;
  readonly byPrevious: TableWriter;
  readonly byLag: TableWriter;

  constructor(
    private readonly dayCount: number,
    private readonly days: Int32Array,
    private readonly none: number,
    private readonly lastDays: Uint16Array | Uint32Array,
    private readonly cancelled: boolean,
    private readonly out: BinaryCopyWriter,
    private readonly lagOut: BinaryCopyWriter,
    lagHeader: boolean,
  ) {
    this.previousCounts = new Int32Array(dayCount + 1);
    this.touched = new Int32Array(dayCount + 1);
    this.lagCounts = new Int32Array(dayCount * LAGS.length);
    this.lagTouched = new Uint8Array(dayCount);
    this.lagDays = new Int32Array(dayCount);
    this.byPrevious = new TableWriter(out);
    this.byLag = new TableWriter(lagOut, lagHeader);
  }

  /** A booking on day rank `d`, its patient's last days at `at`. */
  booking(at: number, d: number): void {
    const { lastDays, none, lagCounts, lagTouched } = this;
    for (let k = 0; k < LAGS.length; k++) {
      const earlier = lastDays[at + (LAGS[k] as number) - 1] as number;
      if (earlier === none) break;
      if ((lagTouched[earlier] as number) === 0) {
        lagTouched[earlier] = 1;
        this.lagDays[this.lagDayCount++] = earlier;
      }
      const c = earlier * LAGS.length + k;
      lagCounts[c] = (lagCounts[c] as number) + 1;
    }
    const last = lastDays[at] as number;
    for (let i = MAX_LAG - 1; i > 0; i--) lastDays[at + i] = lastDays[at + i - 1] as number;
    lastDays[at] = d;
    if (last === d) return;
    const previous = last === none ? this.dayCount : last;
    const previousCounts = this.previousCounts;
    if ((previousCounts[previous] as number) === 0) this.touched[this.touchedCount++] = previous;
    previousCounts[previous] = (previousCounts[previous] as number) + 1;
  }

  /** Day rank `d`'s rows, its counts reset. */
  endDay(d: number): void {
    const { out, lagOut, days, touched, previousCounts, lagCounts } = this;
    const touchedCount = this.touchedCount;
    if (touchedCount > 1) touched.subarray(0, touchedCount).sort();
    for (let t = 0; t < touchedCount; t++) {
      const previous = touched[t] as number;
      this.byPrevious.row(3);
      out.date(days[d] as number);
      writeDayOrNull(out, days, previous);
      out.int4(previousCounts[previous] as number);
      previousCounts[previous] = 0;
    }
    this.touchedCount = 0;
    for (let e = 0; e < this.lagDayCount; e++) {
      const earlier = this.lagDays[e] as number;
      this.byLag.row(3 + LAGS.length);
      lagOut.date(days[d] as number);
      lagOut.bool(this.cancelled);
      lagOut.date(days[earlier] as number);
      const base = earlier * LAGS.length;
      for (let k = 0; k < LAGS.length; k++) {
        lagOut.int4(lagCounts[base + k] as number);
        lagCounts[base + k] = 0;
      }
      this.lagTouched[earlier] = 0;
    }
    this.lagDayCount = 0;
  }
}
