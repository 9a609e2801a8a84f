/**
 * Encodes the final tables in PostgreSQL's COPY text format, in chunks, so a million rows stream
 * to the server without one giant string. Column order matches the COPY column lists in load.ts.
 */
import type { AppointmentTable } from '../etl/appointmentTable';
import { writeAppointmentFields } from '../etl/output/appointmentFields';
import { ByteWriter } from '../etl/output/byteWriter';
import { isoFromDay } from '../etl/rules/calendar';
import { IdGroups } from '../etl/rules/idGroups';
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
  return /[\\\t\n\r\0]/.test(value)
    ? value.replace(/[\\\t\n\r\0]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\uFFFD'))
    : value;
}

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

/** Appointments given as objects (tests, small tables); the pipeline's own table goes through appointmentTableCopy. */
export function appointmentsCopy(rows: Iterable<FinalAppointment>): Generator<string> {
  const appointments = Array.isArray(rows) ? (rows as readonly FinalAppointment[]) : [...rows];
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

export function rejectedCopy(runId: number, rows: readonly RejectedRow[], files: Record<RejectedRow['file'], { name: string; sheet: string }>): Generator<string> {
  return chunked(rows, (r) => `${runId}\t${rejectedFields(r, files[r.file])}`);
}

/**
 * The rejected rows' COPY text without the leading run id, encoded: the reading worker writes it
 * before the run has an id (JSON-encoding 40k rows' cells and problems is ~0.5 s at a million
 * rows, off the host's load), and withRunId puts the id in front of each line at the load.
 */
export function rejectedCopyWithoutRunId(rows: readonly RejectedRow[], files: Record<RejectedRow['file'], { name: string; sheet: string }>): Uint8Array[] {
  const encoder = new TextEncoder();
  return Array.from(
    chunked(rows, (r) => rejectedFields(r, files[r.file])),
    (chunk) => encoder.encode(chunk),
  );
}

/** rejectedCopyWithoutRunId's chunks (whole lines each) with `runId` and a tab in front of every line. */
export function* withRunId(runId: number, chunks: Iterable<Uint8Array>): Generator<Uint8Array> {
  const prefix = Buffer.from(`${runId}\t`);
  for (const chunk of chunks) {
    let lines = 0;
    for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) lines += 1;
    const out = Buffer.allocUnsafe(chunk.length + lines * prefix.length);
    let at = 0;
    for (let start = 0; start < chunk.length; ) {
      const end = chunk.indexOf(NEWLINE, start) + 1;
      if (end === 0) throw new TypeError('COPY text chunks must end with a whole line');
      out.set(prefix, at);
      out.set(chunk.subarray(start, end), at + prefix.length);
      at += prefix.length + end - start;
      start = end;
    }
    yield out;
  }
}

/** A rejected row's COPY fields after run_id, with the line's newline. */
function rejectedFields(r: RejectedRow, source: { name: string; sheet: string }): string {
  return (
    `${r.file}\t${copyEscape(source.name)}\t${copyEscape(source.sheet)}\t${r.row}\t${r.reason}\t${nullable(r.column)}\t` +
    `${copyEscape(r.message)}\t${nullable(r.keptRow)}\t${copyEscape(jsonWithoutNul(r.raw))}\t${copyEscape(jsonWithoutNul(r.problems))}\n`
  );
}

const TAB = 0x09;
const NEWLINE = 0x0a;

/**
 * The columnar table in the same COPY text as appointmentsCopy, written byte by byte into chunks of
 * CHUNK_ROWS rows, each encoded only when the COPY asks for it (nothing is held but the columns).
 */
export function* appointmentTableCopy(table: AppointmentTable): Generator<Uint8Array> {
  const firstBooking = patientFirstBookings(table);
  const out = new ByteWriter();
  for (let start = 0; start < table.length; start += CHUNK_ROWS) {
    const end = Math.min(start + CHUNK_ROWS, table.length);
    for (let i = start; i < end; i++) {
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
  const { patientIds, bigPatientIds, days } = table.columns;
  const groups = new IdGroups(table.length >> 2);
  const groupOf = new Int32Array(table.length);
  for (let i = 0; i < table.length; i++) {
    const patient = patientIds[i] as number;
    groupOf[i] = patient === patient ? groups.of(patient) : groups.ofText(bigPatientIds.get(i) as string);
  }
  const first = new Int32Array(groups.size).fill(2147483647);
  for (let i = 0; i < table.length; i++) {
    const group = groupOf[i] as number;
    const day = days[i] as number;
    if (day < (first[group] as number)) first[group] = day;
  }
  for (let i = 0; i < table.length; i++) groupOf[i] = first[groupOf[i] as number] as number;
  return groupOf;
}
