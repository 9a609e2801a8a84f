/**
 * Encodes the final tables in PostgreSQL's COPY text format, in chunks, so a million rows stream
 * to the server without one giant string. Column order matches the COPY column lists in load.ts.
 */
import type { AppointmentTable } from '../etl/appointmentTable';
import { writeAppointmentFields } from '../etl/output/appointmentFields';
import { ByteWriter, Escapes } from '../etl/output/byteWriter';
import { isoFromDay } from '../etl/rules/calendar';
import { BINARY_COPY_HEADER_BYTES, BinaryCopyWriter } from './binaryCopyWriter';
import { bookingOrder } from './bookingOrder';
import { patientGroupsOf } from '../etl/patientGroups';
import { idText } from '../etl/rules/parseInteger';
import type { FinalAppointment, FinalDoctor, IdValue, RejectedRow } from '../etl/types';

export const DOCTOR_COPY_COLUMNS = ['doctor_id', 'name', 'specialty', 'is_placeholder', 'source_row'] as const;
export const APPOINTMENT_COPY_COLUMNS = ['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'status', 'source_row', 'patient_first_booking'] as const;
export const REJECTED_COPY_COLUMNS = ['run_id', 'file', 'source_file', 'sheet', 'excel_row', 'reason', 'column_name', 'message', 'kept_row', 'raw', 'problems'] as const;

export const CHUNK_ROWS = 10_000;

/**
 * Escapes a text value for COPY's text format (backslash, tab, newline, carriage return).
 * PostgreSQL text cannot hold U+0000, and one NUL would fail the whole load: it becomes U+FFFD.
 */
export function copyEscape(value: string): string {
  return /[\\\t\n\r\0]/.test(value) ? value.replace(/[\\\t\n\r\0]/g, (c) => COPY_ESCAPES[c] as string) : value;
}

/** What copyEscape writes for each character it escapes (also ByteWriter.escaped's table, COPY_TEXT). */
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\uFFFD' };

/** JSONB refuses the `\u0000` JSON.stringify writes for a NUL, so NULs in values become U+FFFD first. */
function jsonWithoutNul(value: unknown): string {
  // A replacer function costs a call per key (~0.3 s for 40k rejected rows): only when one is needed.
  const text = JSON.stringify(value);
  if (!text.includes('\\u0000')) return text;
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' && v.includes('\0') ? v.replace(/\0/g, '\uFFFD') : v));
}

function nullable(value: string | number | null | undefined): string {
  return value === null || value === undefined ? '\\N' : typeof value === 'number' ? String(value) : copyEscape(value);
}

function* chunked<T>(rows: readonly T[], line: (row: T) => string): Generator<string> {
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    let text = '';
    const end = Math.min(start + CHUNK_ROWS, rows.length);
    for (let i = start; i < end; i++) text += line(rows[i] as T);
    yield text;
  }
}

export function doctorsCopy(doctors: readonly FinalDoctor[]): Generator<string> {
  return chunked(doctors, (d) => `${d.doctorId}\t${copyEscape(d.name)}\t${nullable(d.specialty)}\t${d.placeholder ? 't' : 'f'}\t${nullable(d.sourceRow)}\n`);
}

/**
 * Appointments given as objects (tests, small tables); the pipeline's own table goes through
 * appointmentTableCopy. In booking order too, so both encoders write the same text.
 */
export function appointmentsCopy(rows: Iterable<FinalAppointment>): Generator<string> {
  const given = Array.isArray(rows) ? (rows as readonly FinalAppointment[]) : [...rows];
  const bigBookingIds = new Map<number, string>();
  given.forEach((a, i) => {
    if (typeof a.bookingId === 'string') bigBookingIds.set(i, a.bookingId);
  });
  const order = bookingOrder({
    bookingIds: Float64Array.from(given, (a) => (typeof a.bookingId === 'number' ? a.bookingId : NaN)),
    bigBookingIds,
    days: Int32Array.from(given, (a) => a.day),
  });
  const appointments = Array.from(order, (i) => given[i] as FinalAppointment);
  const dates = new Map<number, string>();
  const dateText = (day: number) => {
    let text = dates.get(day);
    if (text === undefined) {
      text = isoFromDay(day);
      dates.set(day, text);
    }
    return text;
  };
  // Each patient's first booking, written beside every booking (see schema.ts).
  const firstBooking = new Map<IdValue, number>();
  for (const a of appointments) {
    const seen = firstBooking.get(a.patientId);
    if (seen === undefined || a.day < seen) firstBooking.set(a.patientId, a.day);
  }
  return chunked(
    appointments,
    (a) =>
      `${idText(a.bookingId)}\t${idText(a.patientId)}\t${a.doctorId}\t${dateText(a.day)}\t${a.status}\t${a.sourceRow}\t${dateText(firstBooking.get(a.patientId) as number)}\n`,
  );
}

const REJECTED_CHUNK_BYTES = 256 * 1024;
const NULL = Buffer.from('\\N');

/**
 * The rejected rows, written into byte chunks of about 256 KiB. They are the widest rows of the
 * load (~350 bytes: the file and sheet names, the message and two JSON columns): built as a string
 * per row and joined into 10,000-row strings, 41k rows took 0.6–0.8 s of main-thread CPU, most of
 * it collecting those strings, and the server waited for each 3.5 MB string before it could start
 * on it; written as bytes, the same rows take a fraction of that and stream in small chunks.
 */
export function rejectedCopy(runId: number, rows: readonly RejectedRow[], files: Record<RejectedRow['file'], { name: string; sheet: string }>): Generator<Uint8Array> {
  return rejectedBytes(`${runId}\t`, rows, files);
}

/**
 * The rejected rows' COPY bytes without the leading run id: the CLI's reading worker writes them
 * before the run has an id, while the host copies the appointments, and withRunId puts the id in
 * front of each line at the load. Chunks hold whole lines, and each chunk's ArrayBuffer runs on
 * past it (the writer's room for the row that crosses a chunk's size): withRunId puts the ids in
 * that room, in place.
 */
export function rejectedCopyWithoutRunId(rows: readonly RejectedRow[], files: Record<RejectedRow['file'], { name: string; sheet: string }>): Uint8Array[] {
  return Array.from(rejectedBytes('', rows, files));
}

/**
 * rejectedCopyWithoutRunId's chunks (whole lines each) with `runId` and a tab in front of every
 * line. `inPlace` (the load, for the chunks a worker transferred, each the only view of its
 * buffer): each chunk is used up, its lines moved along its own buffer, last line first, into the
 * room after it. Copied into a new buffer per chunk, the host's main thread spent 70–105 ms on the
 * 41,574 rejected rows of a million openpyxl rows, nearly all of it the kernel's first touch of
 * ~15 MB of fresh pages (~4.5 ms a MB on this machine); in place it touches next to none. A chunk
 * without the room is copied.
 */
export function* withRunId(runId: number, chunks: Iterable<Uint8Array>, { inPlace = false } = {}): Generator<Uint8Array> {
  const prefix = Buffer.from(`${runId}\t`);
  for (const chunk of chunks) {
    if (chunk.length > 0 && chunk[chunk.length - 1] !== NEWLINE) throw new TypeError('COPY text chunks must end with a whole line');
    let lines = 0;
    for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) lines += 1;
    const length = chunk.length + lines * prefix.length;
    const roomy = inPlace && length <= chunk.buffer.byteLength - chunk.byteOffset;
    const out = roomy ? new Uint8Array(chunk.buffer, chunk.byteOffset, length) : Buffer.allocUnsafe(length);
    let to = length;
    for (let end = chunk.length; end > 0; ) {
      // lastIndexOf counts a negative start from the end: the first line starts at 0.
      const start = end >= 2 ? chunk.lastIndexOf(NEWLINE, end - 2) + 1 : 0;
      to -= end - start;
      if (roomy) out.copyWithin(to, start, end);
      else out.set(chunk.subarray(start, end), to);
      to -= prefix.length;
      out.set(prefix, to);
      end = start;
    }
    yield out;
  }
}

/** COPY text's escapes (copyEscape's), written straight into the chunk. */
const COPY_TEXT = new Escapes(COPY_ESCAPES);

/** What JSON.stringify writes for one character inside a string, escaped again for COPY text. */
const jsonCopyEscape = (char: string) => copyEscape(JSON.stringify(char).slice(1, -1));

/**
 * The characters JSON.stringify escapes inside a string (quote, backslash, controls, a lone
 * surrogate as \udxxx), then escaped for COPY text; NUL becomes U+FFFD, as jsonWithoutNul makes it.
 */
const COPY_JSON = new Escapes(
  Object.fromEntries(
    Array.from({ length: 0x80 }, (_, code) => String.fromCharCode(code))
      .filter((char) => jsonCopyEscape(char) !== char)
      .map((char) => [char, char === '\0' ? '\uFFFD' : jsonCopyEscape(char)]),
  ),
  (unit) => Buffer.from(jsonCopyEscape(String.fromCharCode(unit))),
);

/**
 * `value` as copyEscape(jsonWithoutNul(value)) writes it. The rows' raw values and problems are
 * plain objects and arrays of strings, written here directly; anything else (numbers, null) goes
 * through JSON.stringify. The keys are few (the column names and a problem's fields): each is
 * encoded once, the old way, and kept in `keys`.
 */
function writeJson(out: ByteWriter, value: unknown, keys: Map<string, Uint8Array>): void {
  if (typeof value === 'string') {
    out.byte(QUOTE);
    out.escaped(value, COPY_JSON);
    out.byte(QUOTE);
  } else if (Array.isArray(value)) {
    out.byte(0x5b);
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.byte(COMMA);
      const item: unknown = value[i];
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') out.text('null');
      else writeJson(out, item, keys);
    }
    out.byte(0x5d);
  } else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    out.byte(0x7b);
    let first = true;
    for (const key of Object.keys(value)) {
      const item: unknown = (value as Record<string, unknown>)[key];
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      if (!first) out.byte(COMMA);
      first = false;
      let encoded = keys.get(key);
      if (encoded === undefined) {
        encoded = Buffer.from(`${copyEscape(JSON.stringify(key))}:`);
        keys.set(key, encoded);
      }
      out.bytes(encoded);
      writeJson(out, item, keys);
    }
    out.byte(0x7d);
  } else {
    out.text(copyEscape(jsonWithoutNul(value)));
  }
}

/**
 * Each field goes straight into the chunk through escape tables (ByteWriter.escaped). Escaping
 * each field with a regex into a new string, JSON.stringify for the two JSON columns and
 * Buffer.write for every piece took 320–430 ms of CPU for the 41,574 rejected rows of a million
 * openpyxl rows, one cold pass as in the worker (most of it JSON.stringify); this takes 170–270 ms
 * (alternating processes, load average 3–4).
 */
function* rejectedBytes(runIdField: string, rows: readonly RejectedRow[], files: Record<RejectedRow['file'], { name: string; sheet: string }>): Generator<Uint8Array> {
  const leading = (file: RejectedRow['file']) => Buffer.from(`${runIdField}${file}\t${copyEscape(files[file].name)}\t${copyEscape(files[file].sheet)}\t`, 'utf8');
  const lead = { doctors: leading('doctors'), appointments: leading('appointments') };
  const keys = new Map<string, Uint8Array>();
  // Room past a chunk's size for the row that crosses it: a writer of just that size grew (a
  // copy of the whole chunk into one twice as large) at the end of every chunk.
  const out = new ByteWriter(REJECTED_CHUNK_BYTES + 64 * 1024);
  const optional = (value: string | number | null | undefined) => {
    if (value === null || value === undefined) out.bytes(NULL);
    else if (typeof value === 'number') out.text(String(value));
    else out.escaped(value, COPY_TEXT);
  };
  for (const r of rows) {
    out.bytes(lead[r.file]);
    out.text(String(r.row));
    out.byte(TAB);
    out.escaped(r.reason, COPY_TEXT);
    out.byte(TAB);
    optional(r.column);
    out.byte(TAB);
    out.escaped(r.message, COPY_TEXT);
    out.byte(TAB);
    optional(r.keptRow);
    out.byte(TAB);
    writeJson(out, r.raw, keys);
    out.byte(TAB);
    writeJson(out, r.problems, keys);
    out.byte(NEWLINE);
    if (out.length >= REJECTED_CHUNK_BYTES) yield out.take();
  }
  if (out.length > 0) yield out.take();
}

const TAB = 0x09;
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const COMMA = 0x2c;

/**
 * The columnar table in the same COPY text as appointmentsCopy, written byte by byte into chunks of
 * CHUNK_ROWS rows, each encoded only when the COPY asks for it (nothing is held but the columns).
 * The rows go in booking order (bookingOrder.ts says why).
 */
export function* appointmentTableCopy(table: AppointmentTable): Generator<Uint8Array> {
  const firstBooking = patientFirstBookings(table);
  const order = bookingOrder(table.columns);
  const out = new ByteWriter();
  for (let start = 0; start < table.length; start += CHUNK_ROWS) {
    const end = Math.min(start + CHUNK_ROWS, table.length);
    for (let k = start; k < end; k++) {
      const i = order[k] as number;
      writeAppointmentFields(out, table.columns, i, TAB);
      out.byte(TAB);
      out.day(firstBooking[i] as number);
      out.byte(NEWLINE);
    }
    yield out.take();
  }
}

/** Each row's patient's earliest booking day (see schema.ts for why it is stored). */
function patientFirstBookings(table: AppointmentTable): Int32Array {
  const { days } = table.columns;
  const { of: groupOf, count } = patientGroupsOf(table.columns);
  const first = new Int32Array(count).fill(2147483647);
  for (let i = 0; i < table.length; i++) {
    const group = groupOf[i] as number;
    const day = days[i] as number;
    if (day < (first[group] as number)) first[group] = day;
  }
  // A new array: the groups may be the worker's shared column, which its rollups read later.
  const firstDays = new Int32Array(table.length);
  for (let i = 0; i < table.length; i++) firstDays[i] = first[groupOf[i] as number] as number;
  return firstDays;
}

// In the order of appointmentTable's STATUSES (not imported as a value: see appointmentFields.ts).
const STATUS_WORDS = ['confirmed', 'cancelled'] as const;
/** Bytes of one appointment in COPY's binary format: a field count, then a length and a value per field. */
const BINARY_ROW_BYTES = 2 + (4 + 8) * 2 + (4 + 4) * 3 + (4 + 9) + (4 + 4);

// Where each value sits in a row (BINARY_ROW_BYTES): after the field count, each field's 4-byte length.
const BOOKING_AT = 2 + 4;
const PATIENT_AT = BOOKING_AT + 8 + 4;
const DOCTOR_AT = PATIENT_AT + 8 + 4;
const DAY_AT = DOCTOR_AT + 4 + 4;
const STATUS_AT = DAY_AT + 4 + 4;
const SOURCE_ROW_AT = STATUS_AT + 9 + 4;
const FIRST_DAY_AT = SOURCE_ROW_AT + 4 + 4;

/**
 * An appointment row with its values zero and the first status word: the field count and every
 * length are the same in every row (an id beyond 2^53 is 8 bytes too, and both status words are 9
 * letters), so a chunk is this laid end to end and each row's values set. Writing each length and
 * value apart was most of the host's encoding (~0.3 s of CPU at a million rows).
 */
function rowTemplate(status: Uint8Array): Uint8Array {
  const out = new BinaryCopyWriter(BINARY_ROW_BYTES);
  out.row(7);
  out.int8(0);
  out.int8(0);
  out.int4(0);
  out.int4(0);
  out.text(status);
  out.int4(0);
  out.int4(0);
  return out.take();
}

/**
 * The columnar table in COPY's binary format (PostgreSQL's documented `FORMAT binary`), the same
 * rows and values as appointmentTableCopy writes as text, in chunks of CHUNK_ROWS rows. The
 * server reads binary integers and dates without parsing digits: at a million appointments its
 * COPY took ~0.47 s of server CPU against ~0.76 s for the text (PostgreSQL 15). Every row has the
 * same 71 bytes (a status word is 9 letters), so one writer's buffer holds a chunk, header and
 * trailer included. The rows go in booking order (bookingOrder.ts says why).
 */
export function* appointmentTableBinaryCopy(table: AppointmentTable): Generator<Uint8Array> {
  const firstBooking = patientFirstBookings(table);
  const order = bookingOrder(table.columns);
  const { bookingIds, bigBookingIds, patientIds, bigPatientIds, doctorIds, days, statuses, sourceRows } = table.columns;
  const statusBytes = STATUS_WORDS.map((word) => Buffer.from(word, 'latin1'));
  // Each status word as the int4, int4 and byte written over the template's.
  const wordHigh = statusBytes.map((word) => word.readInt32BE(0));
  const wordMiddle = statusBytes.map((word) => word.readInt32BE(4));
  const wordLast = statusBytes.map((word) => word[8] as number);
  const out = new BinaryCopyWriter(BINARY_COPY_HEADER_BYTES + Math.min(CHUNK_ROWS, table.length) * BINARY_ROW_BYTES + 2);
  const template = rowTemplate(statusBytes[0] as Buffer);
  out.header();
  for (let start = 0; start === 0 || start < table.length; start += CHUNK_ROWS) {
    const end = Math.min(start + CHUNK_ROWS, table.length);
    let at = out.rowsFrom(template, end - start);
    for (let k = start; k < end; k++, at += BINARY_ROW_BYTES) {
      const i = order[k] as number;
      const booking = bookingIds[i] as number;
      const patient = patientIds[i] as number;
      // NaN: an id beyond 2^53, kept exactly as text.
      if (booking === booking) out.int8At(at + BOOKING_AT, booking);
      else out.int8TextAt(at + BOOKING_AT, bigBookingIds.get(i) as string);
      if (patient === patient) out.int8At(at + PATIENT_AT, patient);
      else out.int8TextAt(at + PATIENT_AT, bigPatientIds.get(i) as string);
      out.int4At(at + DOCTOR_AT, doctorIds[i] as number);
      out.dateAt(at + DAY_AT, days[i] as number);
      const status = statuses[i] as number;
      out.int4At(at + STATUS_AT, wordHigh[status] as number);
      out.int4At(at + STATUS_AT + 4, wordMiddle[status] as number);
      out.byteAt(at + STATUS_AT + 8, wordLast[status] as number);
      out.int4At(at + SOURCE_ROW_AT, sourceRows[i] as number);
      out.dateAt(at + FIRST_DAY_AT, firstBooking[i] as number);
    }
    if (end === table.length) {
      out.trailer();
      yield out.take();
      return;
    }
    yield out.take();
  }
}
