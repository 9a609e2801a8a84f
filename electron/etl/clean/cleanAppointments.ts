/**
 * The appointments file, rules 3–7 and 9, once the whole sheet has been read: appointmentRows.ts
 * parsed each row as it streamed in, into columns; here slash dates get the column's order, then
 * duplicates and suspicious dates are decided. Rows are handled by index into those columns, and
 * the kept rows come out as an AppointmentTable, so no object is built per kept row on the way.
 */
import { AppointmentTable, STATUSES, sharedBytes } from '../appointmentTable';
import type { FixLog } from '../fixLog';
import { isoFromDay } from '../rules/calendar';
import type { ColumnSpec } from '../rules/columnNames';
import { findWinnersInGroups } from '../rules/dedupe';
import { IdGroups } from '../rules/idGroups';
import { parseDateCell, resolveSlashDate } from '../rules/parseBookingDate';
import { BIGINT_MAX, ID_BEYOND_SAFE, INTEGER_MAX, idText, integerProblemOf } from '../rules/parseInteger';
import { suspiciousReason } from '../rules/suspiciousDates';
import type { DateOrder, RejectedRow, SuspiciousDate, SuspiciousPolicy } from '../types';
import {
  AppointmentRows,
  BOOKING,
  COLUMN_NAMES,
  COLUMN_RULES,
  DATE,
  DATE_FORMULA,
  DATE_INVALID,
  DATE_MISSING,
  DATE_SLASH,
  DOCTOR,
  PATIENT,
  STATUS,
  STATUS_FORMULA,
  STATUS_MISSING,
  unpackSlash,
} from './appointmentRows';
import { integerProblem, invalidDate, invalidStatus, missing, notCalculated, type Problem } from './problems';

export { AppointmentRows };
export type { SuspiciousDate };

export const APPOINTMENT_COLUMNS: ColumnSpec = {
  required: ['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'status'],
  optional: [],
};

export interface AppointmentsOutcome {
  kept: AppointmentTable;
  rejected: RejectedRow[];
  suspicious: SuspiciousDate[];
  duplicates: number;
}

export interface FinishOptions {
  order: DateOrder;
  runDay: number;
  policy: SuspiciousPolicy;
}

/** No day: the row's date is missing, invalid or impossible in the column's order. */
const NO_DAY = -2147483648;

export function finishAppointments(rows: AppointmentRows, options: FinishOptions, fixes: FixLog): AppointmentsOutcome {
  const n = rows.length;
  const orderLabel = options.order === 'mdy' ? 'month first' : 'day first';
  const { dateKinds, dateValues } = rows;

  // Rule 4 with the column's order, then rules 3–6: the first problem in column order rejects.
  const days = new Int32Array(n);
  /**
   * Rows rejected for a problem (a few percent of rows). A row flagged while streaming, or without
   * a day, always has one (rowProblems finds it); its problems are listed when it is rejected
   * below, instead of being held in a map meanwhile.
   */
  const rejectedFlags = new Uint8Array(n);
  const problemFlags = rows.problemFlags;
  const slashDays = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const kind = dateKinds[i] as number;
    let day = NO_DAY;
    if (kind > DATE_INVALID && kind !== DATE_SLASH) day = dateValues[i] as number;
    else if (kind === DATE_SLASH) {
      const packed = dateValues[i] as number;
      let resolved = slashDays.get(packed);
      if (resolved === undefined) {
        const { first, second, year } = unpackSlash(packed);
        resolved = resolveSlashDate(first, second, year, options.order) ?? NO_DAY;
        slashDays.set(packed, resolved);
      }
      day = resolved;
    }
    days[i] = day;
    if (problemFlags[i] === 1 || day === NO_DAY) rejectedFlags[i] = 1;
  }

  // Rule 7: among valid rows, the earliest booking_date wins; a tie keeps the row that came first.
  const groups = IdGroups.forIds(rows.bookingIds.subarray(0, n), n);
  const groupOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (rejectedFlags[i] === 1) groupOf[i] = -1;
    else {
      const booking = rows.bookingIds[i] as number;
      groupOf[i] = booking === booking ? groups.of(booking) : groups.ofText(rows.bigBookingIds.get(i) as string);
    }
  }
  const winners = findWinnersInGroups(groupOf, groups.size, (candidate, current) => (days[candidate] as number) < (days[current] as number));

  // One pass in file order: rejected rows, rule 9 on the rows rule 7 kept, and the final table.
  const quarantine = options.policy === 'quarantine';
  const rejected: RejectedRow[] = [];
  const suspicious: SuspiciousDate[] = [];
  const kept = new Uint8Array(n);
  let keptCount = 0;
  let duplicates = 0;
  for (let i = 0; i < n; i++) {
    if (rejectedFlags[i] === 1) {
      rejected.push(reject(rows, i, rowProblems(rows, i, days[i] as number, orderLabel)));
      continue;
    }
    const winner = winners[i] as number;
    if (winner !== i) {
      duplicates += 1;
      const why = (days[winner] as number) < (days[i] as number) ? 'earlier booking_date' : 'same booking_date, earlier in the file';
      const keptRow = rows.rows[winner] as number;
      rejected.push({
        ...reject(rows, i, [{ reason: 'duplicate', message: `duplicate booking_id ${idText(rows.bookingId(i))}: row ${keptRow} was kept (${why})` }]),
        keptRow,
      });
      continue;
    }
    const day = days[i] as number;
    const reason = suspiciousReason(day, options.runDay);
    if (reason) {
      const date = isoFromDay(day);
      suspicious.push({ row: rows.rows[i] as number, bookingId: idText(rows.bookingId(i)), date, reason, quarantined: quarantine });
      if (quarantine) {
        const why = reason === 'before_2000' ? 'is before 2000-01-01' : `is more than 365 days after the run date ${isoFromDay(options.runDay)}`;
        rejected.push(reject(rows, i, [{ reason: 'suspicious_date', column: 'booking_date', message: `booking_date ${date} ${why} (quarantined)` }]));
        continue;
      }
    }
    kept[i] = 1;
    keptCount += 1;
  }

  recordFixes(rows, kept, options.order, fixes);
  rejected.sort((a, b) => a.row - b.row);
  return { kept: keptTable(rows, kept, keptCount, days), rejected, suspicious, duplicates };
}

/** Every problem of a row in column order (rule 10: the first is its reason); empty when none. */
function rowProblems(rows: AppointmentRows, i: number, day: number, orderLabel: string): Problem[] {
  const found: Problem[] = [];
  const booking = rows.bookingIds[i] as number;
  if (booking < 0 && booking !== ID_BEYOND_SAFE) found.push(integerProblem('booking_id', typedText(rows, i, BOOKING), integerProblemOf(booking), BIGINT_MAX));
  const patient = rows.patientIds[i] as number;
  if (patient < 0 && patient !== ID_BEYOND_SAFE) found.push(integerProblem('patient_id', typedText(rows, i, PATIENT), integerProblemOf(patient), BIGINT_MAX));
  const doctor = rows.doctorIds[i] as number;
  if (doctor < 0) found.push(integerProblem('doctor_id', typedText(rows, i, DOCTOR), integerProblemOf(doctor), INTEGER_MAX));
  if (day === NO_DAY) {
    const kind = rows.dateKinds[i] as number;
    const text = typedText(rows, i, DATE);
    if (kind === DATE_SLASH) found.push(invalidDate(text, 'impossible', orderLabel));
    else if (kind === DATE_MISSING) found.push(missing('booking_date'));
    else if (kind === DATE_FORMULA) found.push(notCalculated('booking_date', text));
    else found.push(invalidDate(text, isDateShaped(text) ? 'impossible' : 'unreadable'));
  }
  const status = rows.statuses[i] as number;
  if (status === STATUS_MISSING) found.push(missing('status'));
  else if (status === STATUS_FORMULA) found.push(notCalculated('status', typedText(rows, i, STATUS)));
  else if (status > STATUS_FORMULA) found.push(invalidStatus(typedText(rows, i, STATUS)));
  return found;
}

/**
 * The kept rows' pending fixes, in file order and column order as before. Slash dates get their
 * value with the column's order here, once per distinct text.
 */
function recordFixes(rows: AppointmentRows, kept: Uint8Array, order: DateOrder, fixes: FixLog): void {
  const pending = rows.fixes;
  const finalPair = new Int32Array(pending.pairColumn.length).fill(-1);
  // Each column's kind in the log, asked for the first time the column has a kept fix (the order
  // pairId would have created them in). A kind new to the log holds no pair yet, and a column's
  // pending pairs have distinct texts before (one per text, PendingFixes): each is a new pair.
  const kinds = [-1, -1, -1, -1, -1];
  const newKinds = [false, false, false, false, false];
  for (let f = 0; f < pending.length; f++) {
    const index = pending.rowIndexes[f] as number;
    if (kept[index] !== 1) continue;
    const pair = pending.pairs[f] as number;
    let id = finalPair[pair] as number;
    if (id === -1) {
      const column = pending.pairColumn[pair] as number;
      const before = pending.pairBefore[pair] as string;
      const after = pending.pairAfter[pair] ?? slashDateText(before, order);
      let kind = kinds[column] as number;
      if (kind === -1) {
        const name = COLUMN_NAMES[column] as string;
        const rule = COLUMN_RULES[column] as (typeof COLUMN_RULES)[number];
        newKinds[column] = !fixes.hasKind('appointments', name, rule);
        kind = fixes.kindId('appointments', name, rule);
        kinds[column] = kind;
      }
      id = newKinds[column] === true ? fixes.appendPair(kind, before, after) : fixes.pairIdOfKind(kind, before, after);
      finalPair[pair] = id;
    }
    fixes.addPair(rows.rows[index] as number, id);
  }
}

/** A slash date's value in the column's order (a kept row's date is a real date). */
function slashDateText(before: string, order: DateOrder): string {
  const parse = parseDateCell(before);
  if (parse.kind !== 'slash') return '';
  return isoFromDay(resolveSlashDate(parse.first, parse.second, parse.year, order) as number);
}

function keptTable(rows: AppointmentRows, kept: Uint8Array, count: number, days: Int32Array): AppointmentTable {
  const bookingIds = new Float64Array(sharedBytes(count * 8));
  const patientIds = new Float64Array(sharedBytes(count * 8));
  const bigBookingIds = new Map<number, string>();
  const bigPatientIds = new Map<number, string>();
  const doctorIds = new Int32Array(sharedBytes(count * 4));
  const keptDays = new Int32Array(sharedBytes(count * 4));
  const statuses = new Uint8Array(sharedBytes(count));
  const sourceRows = new Uint32Array(sharedBytes(count * 4));
  let k = 0;
  for (let i = 0; i < rows.length; i++) {
    if (kept[i] !== 1) continue;
    const booking = rows.bookingIds[i] as number;
    bookingIds[k] = booking;
    if (booking !== booking) bigBookingIds.set(k, rows.bigBookingIds.get(i) as string);
    const patient = rows.patientIds[i] as number;
    patientIds[k] = patient;
    if (patient !== patient) bigPatientIds.set(k, rows.bigPatientIds.get(i) as string);
    doctorIds[k] = rows.doctorIds[i] as number;
    keptDays[k] = days[i] as number;
    statuses[k] = rows.statuses[i] as number;
    sourceRows[k] = rows.rows[i] as number;
    k += 1;
  }
  return new AppointmentTable({ bookingIds, patientIds, bigBookingIds, bigPatientIds, doctorIds, days: keptDays, statuses, sourceRows });
}

/**
 * A cell of row `i` as typed: rows with a problem kept their cells; in any other row a value that
 * differs from its canonical form has a pending fix holding the text, and the rest read back as
 * their canonical form.
 */
function typedText(rows: AppointmentRows, i: number, column: number): string {
  const texts = rows.problemTexts.get(i);
  if (texts) return texts[column] as string;
  const fix = rows.fixes.find(i, column);
  if (fix !== -1) return rows.fixes.pairBefore[rows.fixes.pairs[fix] as number] as string;
  switch (column) {
    case BOOKING:
      return idText(rows.bookingId(i));
    case PATIENT:
      return idText(rows.patientId(i));
    case DOCTOR:
      return String(rows.doctorIds[i]);
    case DATE:
      return rows.timedDates.get(i) ?? isoFromDay(rows.dateValues[i] as number);
    default:
      return STATUSES[rows.statuses[i] as number] as string;
  }
}

function isDateShaped(text: string): boolean {
  return /^\s*\d{4}[-/]\d{1,2}[-/]\d{1,2}\b/.test(text);
}

/** A rejected row from its problems (at least one), the first being its reason. */
function reject(rows: AppointmentRows, i: number, problems: Problem[]): RejectedRow {
  const first = problems[0] as Problem;
  return {
    file: 'appointments',
    row: rows.rows[i] as number,
    reason: first.reason,
    ...(first.column ? { column: first.column } : {}),
    message: first.message,
    problems: problems.map((p) => ({ reason: p.reason, ...(p.column ? { column: p.column } : {}), message: p.message })),
    raw: rawOf(rows, i),
  };
}

/** The row as typed. */
function rawOf(rows: AppointmentRows, i: number): Record<string, string> {
  return {
    booking_id: typedText(rows, i, BOOKING),
    patient_id: typedText(rows, i, PATIENT),
    doctor_id: typedText(rows, i, DOCTOR),
    booking_date: typedText(rows, i, DATE),
    status: typedText(rows, i, STATUS),
  };
}

