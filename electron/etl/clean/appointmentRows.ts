/**
 * The appointments sheet as it streams in: rules 3–6 are applied per row, and the parsed values
 * wait here, one typed array per column, until the whole column has been seen (slash dates are
 * read in one order for the whole column, rule 4). An object per row, plus one per parsed value,
 * made reading and cleaning a million rows spend a third of its time collecting garbage; the
 * columns cost 30 bytes a row and the collector never traces them.
 *
 * What a row needs besides its values is kept only where it exists:
 * - a row with a problem (it will be rejected) keeps the five cells as typed, for its sentence;
 * - a value that will change is recorded at once as a pending fix, by (column, text as typed):
 *   the value after cleaning is a function of that text (and, for slash dates, of the column's
 *   date order), so it is worked out once per distinct text, not once per row;
 * - every other value reads back as typed from its canonical form.
 * Text cells repeat (a shared string is one string object however many cells use it), so
 * parsing dates and statuses is cached by text.
 */
import { cellText } from '../extract/cellValue';
import { STATUSES, STATUS_CODE } from '../appointmentTable';
import { dayFromUtcDate, isoFromDay } from '../rules/calendar';
import { addEvidence, emptyEvidence, type DateOrderEvidence } from '../rules/dateOrder';
import { parseDateCell, type DateParse } from '../rules/parseBookingDate';
import { BIGINT_MAX, ID_BEYOND_SAFE, INTEGER_MAX, idText, integerCode, parseInteger } from '../rules/parseInteger';
import { standardiseStatus } from '../rules/standardiseStatus';
import type { FixRule, IdValue, RawCell } from '../types';

export const BOOKING = 0;
export const PATIENT = 1;
export const DOCTOR = 2;
export const DATE = 3;
export const STATUS = 4;
export const COLUMN_NAMES = ['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'status'] as const;
export const COLUMN_RULES: readonly FixRule[] = ['integer_text', 'integer_text', 'integer_text', 'date_text', 'status_standardised'];

/** What the booking_date cell held (dateKinds). */
export const DATE_MISSING = 0;
export const DATE_FORMULA = 1;
export const DATE_INVALID = 2;
/** A day, from a date cell or `YYYY-MM-DD` text. */
export const DATE_CANONICAL = 3;
/** A day typed another way (`2025/10/21`, with a time part, …): the change is a fix. */
export const DATE_REWRITTEN = 4;
/** A slash date, its parts packed (packSlash) until the column's order is known. */
export const DATE_SLASH = 5;

/** Status codes beyond STATUS_CODE's (statuses column). */
export const STATUS_MISSING = 2;
export const STATUS_FORMULA = 3;
export const STATUS_INVALID = 4;

/** Distinct texts remembered per cache: plenty for real columns, bounded for hostile ones. */
const CACHE_LIMIT = 100_000;

/** A cached text's fix pair before a kept row first needed it; and a status text that needs none. */
const NO_PAIR_YET = -1;
const NO_FIX = -2;

/** What a date typed as text parses to, and its fix pair (PendingFixes) once one was needed. */
interface TextDate {
  readonly parse: DateParse;
  pair: number;
}

/** Likewise for a status text: its code, and its fix pair or NO_FIX. */
interface TextStatus {
  readonly code: number;
  pair: number;
}

export function packSlash(first: number, second: number, year: number): number {
  // Parts are 1–2 and 4 digits (parseBookingDate's pattern), so this stays below 10^8.
  return (first * 100 + second) * 10_000 + year;
}

export function unpackSlash(packed: number): { first: number; second: number; year: number } {
  return { first: Math.floor(packed / 1_000_000), second: Math.floor(packed / 10_000) % 100, year: packed % 10_000 };
}

/** Fixes seen while streaming, for rows that may still be rejected (finish keeps the kept rows'). */
export class PendingFixes {
  length = 0;
  /** Row index (into AppointmentRows) of each fix, ascending. */
  rowIndexes = new Uint32Array(1024);
  pairs = new Uint32Array(1024);
  readonly pairColumn: number[] = [];
  readonly pairBefore: string[] = [];
  /** null for slash dates until the column's date order is known. */
  readonly pairAfter: (string | null)[] = [];
  private readonly byText: Map<string, number>[] = [new Map(), new Map(), new Map(), new Map(), new Map()];

  /** The pair of (column, text as typed), or -1 the first time that text needs a fix. */
  pairOf(column: number, before: string): number {
    return (this.byText[column] as Map<string, number>).get(before) ?? -1;
  }

  newPair(column: number, before: string, after: string | null): number {
    const pair = this.unindexedPair(column, before, after);
    (this.byText[column] as Map<string, number>).set(before, pair);
    return pair;
  }

  /**
   * A pair that pairOf will never be asked for: the caller keeps it itself (a cached date or
   * status text holds its pair, and a text that is cached is never looked up uncached).
   */
  unindexedPair(column: number, before: string, after: string | null): number {
    const pair = this.pairColumn.length;
    this.pairColumn.push(column);
    this.pairBefore.push(before);
    this.pairAfter.push(after);
    return pair;
  }

  add(index: number, pair: number): void {
    if (this.length === this.rowIndexes.length) {
      this.rowIndexes = grown(this.rowIndexes, new Uint32Array(this.length * 2));
      this.pairs = grown(this.pairs, new Uint32Array(this.length * 2));
    }
    this.rowIndexes[this.length] = index;
    this.pairs[this.length] = pair;
    this.length += 1;
  }

  /** The pending fix of row `index` in `column`, or -1. */
  find(index: number, column: number): number {
    let low = 0;
    let high = this.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.rowIndexes[mid] as number) < index) low = mid + 1;
      else high = mid;
    }
    for (let f = low; f < this.length && this.rowIndexes[f] === index; f++) {
      if (this.pairColumn[this.pairs[f] as number] === column) return f;
    }
    return -1;
  }
}

export class AppointmentRows {
  readonly evidence: DateOrderEvidence = emptyEvidence();
  length = 0;
  // The columns grow as rows arrive (read them only once reading is done: growing replaces them).
  rows = new Uint32Array(1024);
  /** ≥ 0 a safe integer id; NaN an id above 2^53 (in bigBookingIds); < 0 an integerCode problem. */
  bookingIds = new Float64Array(1024);
  patientIds = new Float64Array(1024);
  readonly bigBookingIds = new Map<number, string>();
  readonly bigPatientIds = new Map<number, string>();
  doctorIds = new Int32Array(1024);
  dateKinds = new Uint8Array(1024);
  /** The day, or the packed slash parts (DATE_SLASH); 0 when the date is missing or invalid. */
  dateValues = new Int32Array(1024);
  statuses = new Uint8Array(1024);
  /** 1 for a row with a problem found while streaming (its texts are in problemTexts). */
  problemFlags = new Uint8Array(1024);
  /** Rows with a problem: the five cells as typed. */
  readonly problemTexts = new Map<number, string[]>();
  /** Date cells with a time of day, as typed (the day alone is their canonical form). */
  readonly timedDates = new Map<number, string>();
  readonly fixes = new PendingFixes();

  private readonly dateCache = new Map<string, TextDate>();
  private readonly statusCache = new Map<string, TextStatus>();
  /** The cache entry of the date cell storeDate just read, when it was cached text. */
  private lastDate: TextDate | null = null;
  /** Likewise for statusCode. */
  private lastStatus: TextStatus | null = null;

  add(row: number, cells: RawCell[]): void {
    if (this.length === this.rows.length) this.grow();
    const i = this.length;
    this.length += 1;
    this.rows[i] = row;

    const bookingCell = cells[BOOKING] ?? null;
    const patientCell = cells[PATIENT] ?? null;
    const doctorCell = cells[DOCTOR] ?? null;
    const dateCell = cells[DATE] ?? null;
    const statusCell = cells[STATUS] ?? null;

    const booking = this.storeId(this.bookingIds, this.bigBookingIds, i, bookingCell);
    const patient = this.storeId(this.patientIds, this.bigPatientIds, i, patientCell);
    const doctor = integerCode(doctorCell, INTEGER_MAX);
    this.doctorIds[i] = doctor;
    const dateKind = this.storeDate(i, row, dateCell);
    const status = this.statusCode(statusCell);
    this.statuses[i] = status;

    const problem = (booking < 0 && booking !== ID_BEYOND_SAFE) || (patient < 0 && patient !== ID_BEYOND_SAFE) || doctor < 0 || dateKind <= DATE_INVALID || status >= STATUS_MISSING;
    if (problem) {
      this.problemFlags[i] = 1;
      this.problemTexts.set(i, [cellText(bookingCell), cellText(patientCell), cellText(doctorCell), cellText(dateCell), cellText(statusCell)]);
      return;
    }
    // Rule 11: a value typed differently from what is loaded is a fix (if the row is kept).
    const fixes = this.fixes;
    if (typeof bookingCell === 'string') {
      const pair = fixes.pairOf(BOOKING, bookingCell);
      if (pair >= 0) fixes.add(i, pair);
      else {
        const after = this.idTextAt(this.bookingIds, this.bigBookingIds, i);
        if (bookingCell !== after) fixes.add(i, fixes.newPair(BOOKING, bookingCell, after));
      }
    }
    if (typeof patientCell === 'string') {
      const pair = fixes.pairOf(PATIENT, patientCell);
      if (pair >= 0) fixes.add(i, pair);
      else {
        const after = this.idTextAt(this.patientIds, this.bigPatientIds, i);
        if (patientCell !== after) fixes.add(i, fixes.newPair(PATIENT, patientCell, after));
      }
    }
    if (typeof doctorCell === 'string') {
      const pair = fixes.pairOf(DOCTOR, doctorCell);
      if (pair >= 0) fixes.add(i, pair);
      else {
        const after = String(doctor);
        if (doctorCell !== after) fixes.add(i, fixes.newPair(DOCTOR, doctorCell, after));
      }
    }
    // A date or status typed as text: its fix pair is a function of the text, kept with the
    // text's cached parse so that the common case is one Map lookup per cell, not two.
    if (dateKind !== DATE_CANONICAL) {
      const cached = this.lastDate;
      if (cached === null) fixes.add(i, this.datePair(cellText(dateCell), dateKind, i));
      else {
        if (cached.pair === NO_PAIR_YET) cached.pair = fixes.unindexedPair(DATE, cellText(dateCell), this.dateAfter(dateKind, i));
        fixes.add(i, cached.pair);
      }
    }
    const cachedStatus = this.lastStatus;
    if (cachedStatus !== null) {
      if (cachedStatus.pair === NO_PAIR_YET) cachedStatus.pair = statusCell !== STATUSES[status] ? fixes.unindexedPair(STATUS, cellText(statusCell), STATUSES[status] as string) : NO_FIX;
      if (cachedStatus.pair !== NO_FIX) fixes.add(i, cachedStatus.pair);
    } else if (statusCell !== STATUSES[status]) {
      fixes.add(i, this.statusPair(cellText(statusCell), status));
    }
  }

  private datePair(before: string, dateKind: number, index: number): number {
    const pair = this.fixes.pairOf(DATE, before);
    return pair >= 0 ? pair : this.fixes.newPair(DATE, before, this.dateAfter(dateKind, index));
  }

  private dateAfter(dateKind: number, index: number): string | null {
    return dateKind === DATE_SLASH ? null : isoFromDay(this.dateValues[index] as number);
  }

  private statusPair(before: string, status: number): number {
    const pair = this.fixes.pairOf(STATUS, before);
    return pair >= 0 ? pair : this.fixes.newPair(STATUS, before, STATUSES[status] as string);
  }

  /** The id of a row whose id is valid. */
  bookingId(index: number): IdValue {
    return idAt(this.bookingIds, this.bigBookingIds, index);
  }

  patientId(index: number): IdValue {
    return idAt(this.patientIds, this.bigPatientIds, index);
  }

  private storeId(column: Float64Array, big: Map<number, string>, index: number, cell: RawCell): number {
    const code = integerCode(cell, BIGINT_MAX);
    if (code === ID_BEYOND_SAFE) {
      const parsed = parseInteger(cell, BIGINT_MAX);
      big.set(index, parsed.ok ? String(parsed.value) : '');
      column[index] = NaN;
    } else {
      column[index] = code;
    }
    return code;
  }

  private idTextAt(column: Float64Array, big: Map<number, string>, index: number): string {
    return idText(idAt(column, big, index));
  }

  private storeDate(index: number, row: number, cell: RawCell): number {
    let parse: DateParse;
    this.lastDate = null;
    // Text first: `instanceof` on a string, the usual cell, showed in the profile.
    if (typeof cell === 'string') {
      let cached = this.dateCache.get(cell);
      if (cached === undefined) {
        parse = parseDateCell(cell);
        if (this.dateCache.size < CACHE_LIMIT) {
          cached = { parse, pair: NO_PAIR_YET };
          this.dateCache.set(cell, cached);
          this.lastDate = cached;
        }
      } else {
        parse = cached.parse;
        this.lastDate = cached;
      }
    } else if (cell instanceof Date) {
      const day = dayFromUtcDate(cell);
      if (day === null) return this.setDate(index, DATE_INVALID, 0);
      // A date cell with a time of day shows it (cellText); keep that text for the row's raw values.
      if (cell.getTime() % 86_400_000 !== 0) this.timedDates.set(index, cellText(cell));
      return this.setDate(index, DATE_CANONICAL, day);
    } else {
      parse = parseDateCell(cell);
    }
    switch (parse.kind) {
      case 'day':
        return this.setDate(index, parse.canonical ? DATE_CANONICAL : DATE_REWRITTEN, parse.day);
      case 'slash':
        addEvidence(this.evidence, parse.first, parse.second, row);
        return this.setDate(index, DATE_SLASH, packSlash(parse.first, parse.second, parse.year));
      default:
        return this.setDate(index, parse.problem === 'missing_value' ? DATE_MISSING : parse.problem === 'formula_not_calculated' ? DATE_FORMULA : DATE_INVALID, 0);
    }
  }

  private setDate(index: number, kind: number, value: number): number {
    this.dateKinds[index] = kind;
    this.dateValues[index] = value;
    return kind;
  }

  private statusCode(cell: RawCell): number {
    this.lastStatus = null;
    if (typeof cell === 'string') {
      const cached = this.statusCache.get(cell);
      if (cached !== undefined) {
        this.lastStatus = cached;
        return cached.code;
      }
      const code = codeOf(standardiseStatus(cell));
      if (this.statusCache.size < CACHE_LIMIT) {
        const entry = { code, pair: NO_PAIR_YET };
        this.statusCache.set(cell, entry);
        this.lastStatus = entry;
      }
      return code;
    }
    return codeOf(standardiseStatus(cell));
  }

  /**
   * Sizes the columns for `rows` rows at once (the reader's upper bound for the sheet), instead of
   * doubling them ten times on the way to a million: each doubling copied every column and its
   * new memory counted against V8's external-memory budget, which set off full collections.
   * The bound is at most a worksheet's last row; pages never written are never touched.
   */
  reserve(rows: number): void {
    if (rows > this.rows.length) this.resize(rows);
  }

  private grow(): void {
    this.resize(this.rows.length * 2);
  }

  private resize(capacity: number): void {
    this.rows = grown(this.rows, new Uint32Array(capacity));
    this.bookingIds = grown(this.bookingIds, new Float64Array(capacity));
    this.patientIds = grown(this.patientIds, new Float64Array(capacity));
    this.doctorIds = grown(this.doctorIds, new Int32Array(capacity));
    this.dateKinds = grown(this.dateKinds, new Uint8Array(capacity));
    this.dateValues = grown(this.dateValues, new Int32Array(capacity));
    this.statuses = grown(this.statuses, new Uint8Array(capacity));
    this.problemFlags = grown(this.problemFlags, new Uint8Array(capacity));
  }
}

function codeOf(result: ReturnType<typeof standardiseStatus>): number {
  if (result.ok) return STATUS_CODE[result.value];
  return result.problem === 'missing_value' ? STATUS_MISSING : result.problem === 'formula_not_calculated' ? STATUS_FORMULA : STATUS_INVALID;
}

function idAt(column: Float64Array, big: ReadonlyMap<number, string>, index: number): IdValue {
  const value = column[index] as number;
  return value === value ? value : (big.get(index) as string);
}

function grown<T extends Uint8Array | Uint32Array | Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
