/**
 * The appointments file, rules 3–7 and 9. Rows are parsed as they stream in; slash dates wait
 * until the whole column has been seen, because their order is decided once per column (rule 4).
 * Only rows with something to show (a problem or a changed value) keep their typed text, so a
 * clean million-row file costs little more than its parsed values.
 */
import { cellText } from '../extract/cellValue';
import type { FixLog } from '../fixLog';
import { isoFromDay } from '../rules/calendar';
import type { ColumnSpec } from '../rules/columnNames';
import { addEvidence, emptyEvidence, type DateOrderEvidence } from '../rules/dateOrder';
import { findWinners } from '../rules/dedupe';
import { parseDateCell, resolveSlashDate, type DateParse } from '../rules/parseBookingDate';
import { BIGINT_MAX, INTEGER_MAX, idText, parseInteger } from '../rules/parseInteger';
import { standardiseStatus } from '../rules/standardiseStatus';
import { suspiciousReason } from '../rules/suspiciousDates';
import type { DateOrder, FinalAppointment, IdValue, RawCell, RejectedRow, Status, SuspiciousDate, SuspiciousPolicy } from '../types';

export type { SuspiciousDate };
import { integerProblem, invalidDate, invalidStatus, missing, notCalculated, type Problem } from './problems';

export const APPOINTMENT_COLUMNS: ColumnSpec = {
  required: ['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'status'],
  optional: [],
};

const BOOKING = 0;
const PATIENT = 1;
const DOCTOR = 2;
const DATE = 3;
const STATUS = 4;

interface PendingAppointment {
  row: number;
  bookingId: IdValue | null;
  patientId: IdValue | null;
  doctorId: number | null;
  date: DateParse;
  status: Status | null;
  /** Problems among booking_id, patient_id, doctor_id, in column order (known while streaming). */
  idProblems: Problem[] | null;
  statusProblem: Problem | null;
  /** The five cells as typed, kept only when a value failed or will change. */
  texts: string[] | null;
}


export interface AppointmentsOutcome {
  kept: FinalAppointment[];
  rejected: RejectedRow[];
  suspicious: SuspiciousDate[];
  duplicates: number;
}

/** Collects parsed rows and the date-order evidence while the sheet streams. */
export class AppointmentRows {
  readonly pending: PendingAppointment[] = [];
  readonly evidence: DateOrderEvidence = emptyEvidence();

  add(row: number, cells: RawCell[]): void {
    const booking = parseInteger(cells[BOOKING] ?? null, BIGINT_MAX);
    const patient = parseInteger(cells[PATIENT] ?? null, BIGINT_MAX);
    const doctor = parseInteger(cells[DOCTOR] ?? null, INTEGER_MAX);
    const date = parseDateCell(cells[DATE] ?? null);
    const status = standardiseStatus(cells[STATUS] ?? null);

    let texts: string[] | null = null;
    const textAt = (i: number) => (texts ??= cells.slice(0, 5).map((cell) => cellText(cell ?? null)))[i] as string;

    let idProblems: Problem[] | null = null;
    if (!booking.ok) (idProblems ??= []).push(integerProblem('booking_id', textAt(BOOKING), booking, BIGINT_MAX));
    if (!patient.ok) (idProblems ??= []).push(integerProblem('patient_id', textAt(PATIENT), patient, BIGINT_MAX));
    if (!doctor.ok) (idProblems ??= []).push(integerProblem('doctor_id', textAt(DOCTOR), doctor, INTEGER_MAX));

    const statusProblem = status.ok
      ? null
      : status.problem === 'missing_value'
        ? missing('status')
        : status.problem === 'formula_not_calculated'
          ? notCalculated('status', textAt(STATUS))
          : invalidStatus(textAt(STATUS));

    if (date.kind === 'slash') addEvidence(this.evidence, date.first, date.second, row);

    if (
      texts === null &&
      (date.kind !== 'day' ||
        !date.canonical ||
        (status.ok && cells[STATUS] !== status.value) ||
        (booking.ok && changedId(cells[BOOKING] ?? null, booking.value)) ||
        (patient.ok && changedId(cells[PATIENT] ?? null, patient.value)) ||
        (doctor.ok && changedId(cells[DOCTOR] ?? null, doctor.value)))
    ) {
      textAt(0);
    }

    this.pending.push({
      row,
      bookingId: booking.ok ? booking.value : null,
      patientId: patient.ok ? patient.value : null,
      doctorId: doctor.ok ? (doctor.value as number) : null,
      date,
      status: status.ok ? status.value : null,
      idProblems,
      statusProblem,
      texts,
    });
  }
}

/** A typed id changed when its text differs from the canonical digits (`" 104 "`, `"104.0"`). */
function changedId(cell: RawCell, value: IdValue): boolean {
  if (typeof cell === 'number') return false;
  return cell !== idText(value);
}

export interface FinishOptions {
  order: DateOrder;
  runDay: number;
  policy: SuspiciousPolicy;
}

export function finishAppointments(rows: AppointmentRows, options: FinishOptions, fixes: FixLog): AppointmentsOutcome {
  const rejected: RejectedRow[] = [];
  const valid: FinalAppointment[] = [];
  const validPending: PendingAppointment[] = [];
  const orderLabel = options.order === 'mdy' ? 'month first' : 'day first';

  for (const item of rows.pending) {
    let day: number | null = null;
    let dateProblem: Problem | null = null;
    const date = item.date;
    if (date.kind === 'day') day = date.day;
    else if (date.kind === 'slash') {
      day = resolveSlashDate(date.first, date.second, date.year, options.order);
      if (day === null) dateProblem = invalidDate(textOf(item, DATE), 'impossible', orderLabel);
    } else if (date.problem === 'missing_value') dateProblem = missing('booking_date');
    else if (date.problem === 'formula_not_calculated') dateProblem = notCalculated('booking_date', textOf(item, DATE));
    else dateProblem = invalidDate(textOf(item, DATE), isDateShaped(textOf(item, DATE)) ? 'impossible' : 'unreadable');

    // Rule 10: the reason is the first problem in column order; the row lists them all.
    const problems = [...(item.idProblems ?? []), ...(dateProblem ? [dateProblem] : []), ...(item.statusProblem ? [item.statusProblem] : [])];
    if (problems.length > 0) {
      rejected.push(reject(item, problems));
      continue;
    }
    valid.push({
      bookingId: item.bookingId as IdValue,
      patientId: item.patientId as IdValue,
      doctorId: item.doctorId as number,
      day: day as number,
      status: item.status as Status,
      sourceRow: item.row,
    });
    validPending.push(item);
  }

  // Rule 7: the earliest booking_date wins; a tie keeps the row that came first.
  const winners = findWinners(valid, (a) => a.bookingId, (candidate, current) => candidate.day < current.day);
  let kept: FinalAppointment[] = [];
  const keptPending: PendingAppointment[] = [];
  let duplicates = 0;
  valid.forEach((appointment, i) => {
    const winner = valid[winners[i] as number] as FinalAppointment;
    if (winner === appointment) {
      kept.push(appointment);
      keptPending.push(validPending[i] as PendingAppointment);
      return;
    }
    duplicates += 1;
    const why = winner.day < appointment.day ? 'earlier booking_date' : 'same booking_date, earlier in the file';
    rejected.push({
      ...reject(validPending[i] as PendingAppointment, [{ reason: 'duplicate', message: `duplicate booking_id ${idText(appointment.bookingId)}: row ${winner.sourceRow} was kept (${why})` }]),
      keptRow: winner.sourceRow,
    });
  });

  // Rule 9, after rule 7: flag (or quarantine) dates that are very likely typos.
  const suspicious: SuspiciousDate[] = [];
  const quarantine = options.policy === 'quarantine';
  const remaining: FinalAppointment[] = [];
  const remainingPending: PendingAppointment[] = [];
  kept.forEach((appointment, i) => {
    const reason = suspiciousReason(appointment.day, options.runDay);
    if (reason) {
      const date = isoFromDay(appointment.day);
      suspicious.push({ row: appointment.sourceRow, bookingId: idText(appointment.bookingId), date, reason, quarantined: quarantine });
      if (quarantine) {
        const why = reason === 'before_2000' ? 'is before 2000-01-01' : `is more than 365 days after the run date ${isoFromDay(options.runDay)}`;
        rejected.push(reject(keptPending[i] as PendingAppointment, [{ reason: 'suspicious_date', column: 'booking_date', message: `booking_date ${date} ${why} (quarantined)` }]));
        return;
      }
    }
    remaining.push(appointment);
    remainingPending.push(keptPending[i] as PendingAppointment);
  });
  kept = remaining;

  kept.forEach((appointment, i) => recordFixes(remainingPending[i] as PendingAppointment, appointment, fixes));
  rejected.sort((a, b) => a.row - b.row);
  return { kept, rejected, suspicious, duplicates };
}

function recordFixes(item: PendingAppointment, appointment: FinalAppointment, fixes: FixLog): void {
  const texts = item.texts;
  if (texts === null) return;
  const note = (index: number, column: string, after: string, rule: 'integer_text' | 'date_text' | 'status_standardised') => {
    const before = texts[index] as string;
    if (before !== after) fixes.add('appointments', item.row, column, before, after, rule);
  };
  note(BOOKING, 'booking_id', idText(appointment.bookingId), 'integer_text');
  note(PATIENT, 'patient_id', idText(appointment.patientId), 'integer_text');
  note(DOCTOR, 'doctor_id', String(appointment.doctorId), 'integer_text');
  if (!(item.date.kind === 'day' && item.date.canonical)) note(DATE, 'booking_date', isoFromDay(appointment.day), 'date_text');
  note(STATUS, 'status', appointment.status, 'status_standardised');
}

function textOf(item: PendingAppointment, index: number): string {
  return item.texts?.[index] ?? '';
}

function isDateShaped(text: string): boolean {
  return /^\s*\d{4}[-/]\d{1,2}[-/]\d{1,2}\b/.test(text);
}

/** A rejected row from its problems (at least one), the first being its reason. */
function reject(item: PendingAppointment, problems: [Problem, ...Problem[]] | Problem[]): RejectedRow {
  const first = problems[0] as Problem;
  return {
    file: 'appointments',
    row: item.row,
    reason: first.reason,
    ...(first.column ? { column: first.column } : {}),
    message: first.message,
    problems: problems.map((p) => ({ reason: p.reason, ...(p.column ? { column: p.column } : {}), message: p.message })),
    raw: rawOf(item),
  };
}

/** The row as typed: kept text where we have it, else the canonical values (identical by construction). */
function rawOf(item: PendingAppointment): Record<string, string> {
  const texts = item.texts;
  if (texts) {
    return {
      booking_id: texts[BOOKING] ?? '',
      patient_id: texts[PATIENT] ?? '',
      doctor_id: texts[DOCTOR] ?? '',
      booking_date: texts[DATE] ?? '',
      status: texts[STATUS] ?? '',
    };
  }
  return {
    booking_id: item.bookingId === null ? '' : idText(item.bookingId),
    patient_id: item.patientId === null ? '' : idText(item.patientId),
    doctor_id: item.doctorId === null ? '' : String(item.doctorId),
    booking_date: item.date.kind === 'day' ? isoFromDay(item.date.day) : '',
    status: item.status ?? '',
  };
}
