/**
 * The final appointments, one typed array per column instead of one object per row: an object per
 * kept row cost ~79 bytes and a million objects for the garbage collector to trace (measured with
 * `npm run bench -- --rows 1m`); these columns take 29 bytes a row, cross a worker boundary in
 * shared memory (see sharedBytes), and are what the COPY and CSV encoders read. Callers that want objects use
 * `at(i)`, iteration, `map` or `filter` (tests and small tables).
 *
 * Ids are doubles, exact up to Number.MAX_SAFE_INTEGER; an id above that (BIGINT allows up to
 * 2^63 − 1) is NaN in its column and kept exactly, as canonical text, in a side map by row index,
 * so `bookingId(i)` gives the same IdValue the parser gave.
 */
import { appointmentTableBinaryCopy, appointmentTableCopy } from '../db/copyText';
import type { PatientGroups } from './patientGroups';
import type { FinalAppointment, IdValue, Status } from './types';

/** Status codes of the status column. */
export const STATUSES: readonly Status[] = ['confirmed', 'cancelled'];
export const STATUS_CODE: Readonly<Record<Status, number>> = { confirmed: 0, cancelled: 1 };

export interface AppointmentColumns {
  bookingIds: Float64Array;
  patientIds: Float64Array;
  /** Ids above Number.MAX_SAFE_INTEGER by row index (their number column holds NaN). */
  bigBookingIds: Map<number, string>;
  bigPatientIds: Map<number, string>;
  doctorIds: Int32Array;
  /** Days since 1970-01-01. */
  days: Int32Array;
  /** Index into STATUSES. */
  statuses: Uint8Array;
  sourceRows: Uint32Array;
  /** Each row's patient as a dense group (patientGroups.ts), when the reading worker computed them. */
  patientGroups?: PatientGroups;
}

export class AppointmentTable implements Iterable<FinalAppointment> {
  readonly length: number;

  constructor(readonly columns: AppointmentColumns) {
    this.length = columns.sourceRows.length;
  }

  static empty(): AppointmentTable {
    return new AppointmentTable({
      bookingIds: new Float64Array(0),
      patientIds: new Float64Array(0),
      bigBookingIds: new Map(),
      bigPatientIds: new Map(),
      doctorIds: new Int32Array(0),
      days: new Int32Array(0),
      statuses: new Uint8Array(0),
      sourceRows: new Uint32Array(0),
    });
  }

  /** Rows given as objects, in columns (tests and small tables; the cleaner fills columns directly). */
  static fromRows(rows: readonly FinalAppointment[]): AppointmentTable {
    const n = rows.length;
    const columns: AppointmentColumns = {
      bookingIds: new Float64Array(n),
      patientIds: new Float64Array(n),
      bigBookingIds: new Map(),
      bigPatientIds: new Map(),
      doctorIds: new Int32Array(n),
      days: new Int32Array(n),
      statuses: new Uint8Array(n),
      sourceRows: new Uint32Array(n),
    };
    rows.forEach((row, i) => {
      columns.bookingIds[i] = typeof row.bookingId === 'number' ? row.bookingId : NaN;
      if (typeof row.bookingId === 'string') columns.bigBookingIds.set(i, row.bookingId);
      columns.patientIds[i] = typeof row.patientId === 'number' ? row.patientId : NaN;
      if (typeof row.patientId === 'string') columns.bigPatientIds.set(i, row.patientId);
      columns.doctorIds[i] = row.doctorId;
      columns.days[i] = row.day;
      columns.statuses[i] = STATUS_CODE[row.status];
      columns.sourceRows[i] = row.sourceRow;
    });
    return new AppointmentTable(columns);
  }

  /** The row count, under the name the load's encoded tables use. */
  get rows(): number {
    return this.length;
  }

  /** The table in COPY text (see db/copyText.ts), encoded a chunk at a time as it is read. */
  get chunks(): Iterable<Uint8Array> {
    return appointmentTableCopy(this);
  }

  /** The same rows in COPY's binary format, which the load prefers (see db/copyText.ts). */
  get binaryChunks(): Iterable<Uint8Array> {
    return appointmentTableBinaryCopy(this);
  }

  /** The buffers to transfer (not copy) to another thread; columns in shared memory are shared, not transferred. */
  transferables(): ArrayBuffer[] {
    const c = this.columns;
    return [c.bookingIds, c.patientIds, c.doctorIds, c.days, c.statuses, c.sourceRows].flatMap((column) => (column.buffer instanceof ArrayBuffer ? [column.buffer] : []));
  }

  bookingId(index: number): IdValue {
    return idAt(this.columns.bookingIds, this.columns.bigBookingIds, index);
  }

  patientId(index: number): IdValue {
    return idAt(this.columns.patientIds, this.columns.bigPatientIds, index);
  }

  status(index: number): Status {
    return STATUSES[this.columns.statuses[index] as number] as Status;
  }

  at(index: number): FinalAppointment | undefined {
    if (index < 0 || index >= this.length) return undefined;
    const { doctorIds, days, sourceRows } = this.columns;
    return {
      bookingId: this.bookingId(index),
      patientId: this.patientId(index),
      doctorId: doctorIds[index] as number,
      day: days[index] as number,
      status: this.status(index),
      sourceRow: sourceRows[index] as number,
    };
  }

  *[Symbol.iterator](): IterableIterator<FinalAppointment> {
    for (let i = 0; i < this.length; i++) yield this.at(i) as FinalAppointment;
  }

  map<T>(f: (appointment: FinalAppointment, index: number) => T): T[] {
    const out: T[] = new Array<T>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = f(this.at(i) as FinalAppointment, i);
    return out;
  }

  filter(keep: (appointment: FinalAppointment, index: number) => boolean): FinalAppointment[] {
    const out: FinalAppointment[] = [];
    for (let i = 0; i < this.length; i++) {
      const appointment = this.at(i) as FinalAppointment;
      if (keep(appointment, i)) out.push(appointment);
    }
    return out;
  }
}

/**
 * Memory for a final column: shared between threads, so the worker that cleaned the rows can
 * write final_appointments.csv from the same columns the host is COPYing, without a copy of them
 * (29 bytes a row) or a wait for the file before the load starts.
 */
export function sharedBytes(bytes: number): SharedArrayBuffer {
  return new SharedArrayBuffer(bytes);
}

/** The id at `index` of a number column with its side map of ids above 2^53. */
export function idAt(numbers: Float64Array, big: ReadonlyMap<number, string>, index: number): IdValue {
  const value = numbers[index] as number;
  return value === value ? value : (big.get(index) as string);
}
