/**
 * Test oracle: an independent, deliberately simple reference implementation of SPEC §4
 * (cleaning rules) and §8 (business questions).
 *
 * It does NOT share code with the real pipeline under `electron/`. It reads the whole workbook
 * into memory with exceljs's non-streaming API and applies the rules one row at a time in the
 * most obvious way. Speed is irrelevant (it is meant for fixtures of at most ~50k rows).
 *
 * The team decisions it implements (where SPEC §4 is open) are numbered 1–13 in the comments
 * below, matching the brief the oracle was written from.
 */
import ExcelJS from 'exceljs';

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

export interface ReferenceOptions {
  dateOrder?: 'auto' | 'mdy' | 'dmy';
  quarantineSuspicious?: boolean;
  /** YYYY-MM-DD */
  runDate: string;
  doctorsSheet?: string;
  appointmentsSheet?: string;
}

export type FileKind = 'doctors' | 'appointments';

export type ReasonCode =
  | 'missing_value'
  | 'invalid_integer'
  | 'integer_out_of_range'
  | 'invalid_date'
  | 'invalid_status'
  | 'duplicate'
  | 'suspicious_date';

export interface ReferenceDoctor {
  doctor_id: number;
  name: string;
  specialty: string | null;
  placeholder: boolean;
}

export interface ReferenceAppointment {
  booking_id: string;
  patient_id: string;
  doctor_id: number;
  booking_date: string;
  status: 'confirmed' | 'cancelled';
}

export interface ReferenceRejected {
  file: FileKind;
  row: number;
  reason: string;
  column?: string;
  keptRow?: number;
  /** The row's other problems, in column order, as "column:reason". */
  also?: string[];
}

export interface ReferenceFileCounts {
  read: number;
  kept: number;
  rejected: number;
  repeatedHeaders: number;
  blankRows: number;
}

export interface ReferenceResult {
  counts: {
    doctors: number;
    appointments: number;
    rejected: number;
    duplicates: number;
    placeholders: number;
    suspicious_dates: number;
    fixed: number;
  };
  /** ascending */
  placeholders: number[];
  /** ascending doctor_id */
  doctors: ReferenceDoctor[];
  /** ascending booking_id (numerically); ids as decimal strings (BIGINT-safe) */
  appointments: ReferenceAppointment[];
  /** sorted by file (plain string order: 'appointments' before 'doctors'), then row */
  rejected: ReferenceRejected[];
  perFile: Record<FileKind, ReferenceFileCounts>;
  dateOrder: { used: 'mdy' | 'dmy'; dayFirstEvidence: number; monthFirstEvidence: number };
  answers: {
    q1: { doctor_id: number; name: string; confirmed: number }[];
    q2: number;
    q3: number;
    q4: { doctor_id: number; name: string; confirmed: number }[];
  };
}

// ---------------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------------

const INT_MAX = 2147483647n;
const BIGINT_MAX = 9223372036854775807n;

const DOCTOR_REQUIRED = ['doctor_id', 'name'] as const;
const APPOINTMENT_REQUIRED = ['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'status'] as const;

const SUSPICIOUS_BEFORE = '2000-01-01';
const Q3_FROM = '2025-10-21';
const Q3_TO = '2025-10-24';
const Q2_PATIENT = '34';

// ---------------------------------------------------------------------------------------------
// Decision 3: cell values
// ---------------------------------------------------------------------------------------------

/** A cell value reduced to what the rules care about. */
type Raw =
  | { kind: 'null' }
  | { kind: 'number'; value: number }
  | { kind: 'text'; value: string }
  | { kind: 'date'; value: Date }
  | { kind: 'boolean'; value: boolean };

const NULL_RAW: Raw = { kind: 'null' };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Turn an exceljs cell value (any shape) into a Raw. */
function toRaw(value: unknown): Raw {
  if (value === null || value === undefined) return NULL_RAW;
  if (typeof value === 'number') return { kind: 'number', value };
  if (typeof value === 'string') return { kind: 'text', value };
  if (typeof value === 'boolean') return { kind: 'boolean', value };
  if (value instanceof Date) return { kind: 'date', value };
  if (isObject(value)) {
    // rich text: join the runs
    if (Array.isArray(value.richText)) {
      const parts = value.richText.map((run: unknown) =>
        isObject(run) && typeof run.text === 'string' ? run.text : '',
      );
      return { kind: 'text', value: parts.join('') };
    }
    // formula (normal or shared): use the cached result
    if ('formula' in value || 'sharedFormula' in value) {
      return toRaw(value.result);
    }
    // hyperlink: use its text (which may itself be rich text)
    if ('hyperlink' in value) {
      return toRaw(value.text);
    }
    // error cell: the error's text, e.g. "#N/A"
    if (typeof value.error === 'string') {
      return { kind: 'text', value: value.error };
    }
  }
  // anything else exceljs might produce: treat as its string form
  return { kind: 'text', value: String(value) };
}

function readCell(row: ExcelJS.Row, col: number): Raw {
  const cell = row.getCell(col);
  // A merged slave cell holds nothing in the file (exceljs reports the master's value there).
  if (cell.type === ExcelJS.ValueType.Merge) return NULL_RAW;
  return toRaw(cell.value);
}

/** Decision 3: "Empty" = null/undefined or whitespace-only string. */
function isEmpty(raw: Raw): boolean {
  return raw.kind === 'null' || (raw.kind === 'text' && raw.value.trim() === '');
}

/** The text of a cell, for names, headers and statuses. */
function rawText(raw: Raw): string {
  switch (raw.kind) {
    case 'null':
      return '';
    case 'number':
      return String(raw.value);
    case 'text':
      return raw.value;
    case 'date':
      return Number.isNaN(raw.value.getTime()) ? '' : raw.value.toISOString();
    case 'boolean':
      return raw.value ? 'TRUE' : 'FALSE';
  }
}

// ---------------------------------------------------------------------------------------------
// Decision 1: header names
// ---------------------------------------------------------------------------------------------

export function normaliseHeader(text: string): string {
  return text.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

// ---------------------------------------------------------------------------------------------
// Decision 4: integers
// ---------------------------------------------------------------------------------------------

type IntResult =
  | { ok: true; value: bigint; fixed: boolean }
  | { ok: false; reason: 'missing_value' | 'invalid_integer' | 'integer_out_of_range' };

function parseInteger(raw: Raw, max: bigint): IntResult {
  if (isEmpty(raw)) return { ok: false, reason: 'missing_value' };
  let value: bigint;
  let typed: string;
  if (raw.kind === 'number') {
    if (!Number.isFinite(raw.value) || !Number.isInteger(raw.value) || raw.value < 0) {
      return { ok: false, reason: 'invalid_integer' };
    }
    value = BigInt(raw.value);
    // A numeric cell's number printed plainly is exactly its decimal value: never a fix.
    typed = value.toString();
  } else if (raw.kind === 'text') {
    const m = /^\s*\+?(\d+)(\.0+)?\s*$/.exec(raw.value);
    if (!m || m[1] === undefined) return { ok: false, reason: 'invalid_integer' };
    value = BigInt(m[1]);
    typed = raw.value;
  } else {
    // booleans and dates
    return { ok: false, reason: 'invalid_integer' };
  }
  if (value > max) return { ok: false, reason: 'integer_out_of_range' };
  return { ok: true, value, fixed: typed !== value.toString() };
}

// ---------------------------------------------------------------------------------------------
// Decision 5: dates
// ---------------------------------------------------------------------------------------------

/** Optional time part, dropped: whitespace or T, H:MM[:SS[.fff]], optional AM/PM, optional Z/offset. */
const TIME_PART = String.raw`(?:(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*(?:Z|[+-]\d{2}(?::?\d{2})?))?)?`;
const ISO_LIKE = new RegExp(String.raw`^(\d{4})([-/])(\d{1,2})\2(\d{1,2})` + TIME_PART + '$');
const SLASH = new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4})` + TIME_PART + '$');

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  const days = [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return days[m - 1] ?? 0;
}

/** YYYY-MM-DD, or null when not a real calendar date (year ≥ 1). */
function makeDate(y: number, m: number, d: number): string | null {
  if (y < 1 || y > 9999) return null;
  if (m < 1 || m > 12) return null;
  if (d < 1 || d > daysInMonth(y, m)) return null;
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

/** If the cell is slash text A/B/YYYY (optional time part), its A and B. */
function slashParts(raw: Raw): { a: number; b: number; y: number } | null {
  if (raw.kind !== 'text') return null;
  const m = SLASH.exec(raw.value.trim());
  if (!m) return null;
  return { a: Number(m[1]), b: Number(m[2]), y: Number(m[3]) };
}

type DateResult = { ok: true; value: string; fixed: boolean } | { ok: false; reason: 'missing_value' | 'invalid_date' };

function parseDate(raw: Raw, order: 'mdy' | 'dmy'): DateResult {
  if (isEmpty(raw)) return { ok: false, reason: 'missing_value' };
  if (raw.kind === 'date') {
    const t = raw.value.getTime();
    if (Number.isNaN(t)) return { ok: false, reason: 'invalid_date' };
    const value = makeDate(raw.value.getUTCFullYear(), raw.value.getUTCMonth() + 1, raw.value.getUTCDate());
    if (value === null) return { ok: false, reason: 'invalid_date' };
    return { ok: true, value, fixed: false };
  }
  if (raw.kind !== 'text') return { ok: false, reason: 'invalid_date' }; // plain numbers, booleans
  const text = raw.value.trim();
  let value: string | null = null;
  const iso = ISO_LIKE.exec(text);
  if (iso) {
    value = makeDate(Number(iso[1]), Number(iso[3]), Number(iso[4]));
  } else {
    const s = slashParts(raw);
    if (s) {
      value = order === 'mdy' ? makeDate(s.y, s.a, s.b) : makeDate(s.y, s.b, s.a);
    }
  }
  if (value === null) return { ok: false, reason: 'invalid_date' };
  const fixed = !/^\d{4}-\d{2}-\d{2}$/.test(raw.value);
  return { ok: true, value, fixed };
}

/** Parse an injected run date strictly. */
function parseRunDate(runDate: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(runDate);
  const value = m ? makeDate(Number(m[1]), Number(m[2]), Number(m[3])) : null;
  if (value === null) throw new Error(`runDate must be a real date as YYYY-MM-DD, got "${runDate}"`);
  return value;
}

function addDays(isoDate: string, days: number): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const dt = new Date(0);
  dt.setUTCFullYear(y, m - 1, d);
  dt.setUTCDate(dt.getUTCDate() + days);
  return `${pad(dt.getUTCFullYear(), 4)}-${pad(dt.getUTCMonth() + 1, 2)}-${pad(dt.getUTCDate(), 2)}`;
}

// ---------------------------------------------------------------------------------------------
// Decision 6: status
// ---------------------------------------------------------------------------------------------

type StatusResult =
  | { ok: true; value: 'confirmed' | 'cancelled'; fixed: boolean }
  | { ok: false; reason: 'missing_value' | 'invalid_status' };

function parseStatus(raw: Raw): StatusResult {
  if (isEmpty(raw)) return { ok: false, reason: 'missing_value' };
  const typed = rawText(raw);
  const letters = typed.toLowerCase().replace(/\P{L}/gu, '');
  let value: 'confirmed' | 'cancelled';
  if (letters === 'confirmed' || letters === 'confirm') value = 'confirmed';
  else if (letters === 'cancelled' || letters === 'canceled' || letters === 'cancel') value = 'cancelled';
  else return { ok: false, reason: 'invalid_status' };
  return { ok: true, value, fixed: typed !== value };
}

// ---------------------------------------------------------------------------------------------
// Decisions 1–2: reading a sheet into header + data rows
// ---------------------------------------------------------------------------------------------

interface DataRow {
  /** Excel row number */
  row: number;
  /** the cell of each mapped column */
  cells: Map<string, Raw>;
}

interface SheetData {
  columns: Set<string>;
  rows: DataRow[];
  read: number;
  repeatedHeaders: number;
  blankRows: number;
}

async function readSheet(
  file: FileKind,
  path: string,
  sheetName: string | undefined,
  required: readonly string[],
  optional: readonly string[],
): Promise<SheetData> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  let ws: ExcelJS.Worksheet | undefined;
  if (sheetName !== undefined) {
    ws = wb.getWorksheet(sheetName);
    if (!ws) {
      const names = wb.worksheets.map((w) => w.name).join(', ');
      throw new Error(`${file} file ${path}: no sheet named "${sheetName}" (sheets: ${names})`);
    }
  } else {
    ws = wb.worksheets[0];
    if (!ws) throw new Error(`${file} file ${path}: the workbook has no sheets`);
  }

  const lastRow = ws.rowCount;

  /** every cell of the row, by column number (only columns that have a cell) */
  const cellsOf = (r: number): { col: number; raw: Raw }[] => {
    const out: { col: number; raw: Raw }[] = [];
    const row = ws.findRow(r);
    if (!row) return out;
    for (let c = 1; c <= row.cellCount; c++) out.push({ col: c, raw: readCell(row, c) });
    return out;
  };
  const isBlankRow = (r: number): boolean => cellsOf(r).every((c) => isEmpty(c.raw));

  // Decision 1: header row = first row with any non-empty cell.
  let headerRow = 0;
  for (let r = 1; r <= lastRow; r++) {
    if (!isBlankRow(r)) {
      headerRow = r;
      break;
    }
  }

  // column name -> column number (first occurrence wins)
  const columnIndex = new Map<string, number>();
  const found: string[] = [];
  if (headerRow > 0) {
    for (const { col, raw } of cellsOf(headerRow)) {
      if (isEmpty(raw)) continue;
      const name = normaliseHeader(rawText(raw));
      found.push(name);
      if (!columnIndex.has(name)) columnIndex.set(name, col);
    }
  }
  const missing = required.filter((name) => !columnIndex.has(name));
  if (missing.length > 0) {
    throw new Error(
      `${file} file ${path}, sheet "${ws.name}": missing required column(s) ${missing.join(', ')}; ` +
        `columns found: ${found.length > 0 ? found.join(', ') : '(none)'}`,
    );
  }

  const wanted = [...required, ...optional.filter((name) => columnIndex.has(name))];
  const result: SheetData = { columns: new Set(wanted), rows: [], read: 0, repeatedHeaders: 0, blankRows: 0 };
  if (headerRow === 0) return result; // unreachable: required columns exist

  for (let r = headerRow + 1; r <= lastRow; r++) {
    result.read++;
    // Decision 2: blank row (also rows absent from the sheet XML)
    if (isBlankRow(r)) {
      result.blankRows++;
      continue;
    }
    const row = ws.getRow(r);
    const cells = new Map<string, Raw>();
    for (const name of wanted) {
      const col = columnIndex.get(name);
      cells.set(name, col === undefined ? NULL_RAW : readCell(row, col));
    }
    // Decision 2: repeated header = every required cell, normalised, equals its column's name
    const repeated = required.every((name) => {
      const raw = cells.get(name) ?? NULL_RAW;
      return !isEmpty(raw) && normaliseHeader(rawText(raw)) === name;
    });
    if (repeated) {
      result.repeatedHeaders++;
      continue;
    }
    result.rows.push({ row: r, cells });
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Validation of one row (decision 8: first problem in column order)
// ---------------------------------------------------------------------------------------------

interface ValidAppointment {
  row: number;
  booking_id: bigint;
  patient_id: bigint;
  doctor_id: number;
  booking_date: string;
  status: 'confirmed' | 'cancelled';
  fixes: number;
}

interface ValidDoctor {
  row: number;
  doctor_id: number;
  name: string;
  specialty: string | null;
  fixes: number;
}

type Invalid = { ok: false; reason: ReasonCode; column: string; also: string[] };

/** Every failed check in column order: the first is the reason, the rest are listed with it. */
function invalid(failures: { reason: ReasonCode; column: string }[]): Invalid | null {
  const [first, ...rest] = failures;
  return first ? { ok: false, ...first, also: rest.map((f) => `${f.column}:${f.reason}`) } : null;
}

function cell(row: DataRow, name: string): Raw {
  return row.cells.get(name) ?? NULL_RAW;
}

function validateAppointment(row: DataRow, order: 'mdy' | 'dmy'): { ok: true; value: ValidAppointment } | Invalid {
  const booking = parseInteger(cell(row, 'booking_id'), BIGINT_MAX);
  const patient = parseInteger(cell(row, 'patient_id'), BIGINT_MAX);
  const doctor = parseInteger(cell(row, 'doctor_id'), INT_MAX);
  const date = parseDate(cell(row, 'booking_date'), order);
  const status = parseStatus(cell(row, 'status'));
  const failed = invalid([
    ...(booking.ok ? [] : [{ reason: booking.reason, column: 'booking_id' }]),
    ...(patient.ok ? [] : [{ reason: patient.reason, column: 'patient_id' }]),
    ...(doctor.ok ? [] : [{ reason: doctor.reason, column: 'doctor_id' }]),
    ...(date.ok ? [] : [{ reason: date.reason, column: 'booking_date' }]),
    ...(status.ok ? [] : [{ reason: status.reason, column: 'status' }]),
  ]);
  if (failed || !booking.ok || !patient.ok || !doctor.ok || !date.ok || !status.ok) return failed as Invalid;
  const fixes = [booking.fixed, patient.fixed, doctor.fixed, date.fixed, status.fixed].filter(Boolean).length;
  return {
    ok: true,
    value: {
      row: row.row,
      booking_id: booking.value,
      patient_id: patient.value,
      doctor_id: Number(doctor.value),
      booking_date: date.value,
      status: status.value,
      fixes,
    },
  };
}

function validateDoctor(row: DataRow, hasSpecialty: boolean): { ok: true; value: ValidDoctor } | Invalid {
  const id = parseInteger(cell(row, 'doctor_id'), INT_MAX);
  const nameRaw = cell(row, 'name');
  const failed = invalid([...(id.ok ? [] : [{ reason: id.reason, column: 'doctor_id' }]), ...(isEmpty(nameRaw) ? [{ reason: 'missing_value' as const, column: 'name' }] : [])]);
  if (failed || !id.ok) return failed as Invalid;
  const nameTyped = rawText(nameRaw);
  const name = nameTyped.trim();
  let fixes = (id.fixed ? 1 : 0) + (name !== nameTyped ? 1 : 0);
  let specialty: string | null = null;
  if (hasSpecialty) {
    const specRaw = cell(row, 'specialty');
    const specTyped = rawText(specRaw);
    const trimmed = specTyped.trim();
    specialty = trimmed === '' ? null : trimmed;
    if (trimmed !== specTyped) fixes++;
  }
  return { ok: true, value: { row: row.row, doctor_id: Number(id.value), name, specialty, fixes } };
}

// ---------------------------------------------------------------------------------------------
// The whole run
// ---------------------------------------------------------------------------------------------

function compareBigint(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export async function referenceClean(
  doctorsPath: string,
  appointmentsPath: string,
  options: ReferenceOptions,
): Promise<ReferenceResult> {
  const runDate = parseRunDate(options.runDate);
  const suspiciousAfter = addDays(runDate, 365);
  const requestedOrder = options.dateOrder ?? 'auto';

  const doctorSheet = await readSheet('doctors', doctorsPath, options.doctorsSheet, DOCTOR_REQUIRED, ['specialty']);
  const apptSheet = await readSheet(
    'appointments',
    appointmentsPath,
    options.appointmentsSheet,
    APPOINTMENT_REQUIRED,
    [],
  );

  const rejected: ReferenceRejected[] = [];

  // ---- Decision 5: date order for the whole column ----
  let dayFirstEvidence = 0;
  let monthFirstEvidence = 0;
  for (const row of apptSheet.rows) {
    const s = slashParts(cell(row, 'booking_date'));
    if (!s) continue;
    // A value with both parts above 12 reads neither way: an invalid date, not evidence.
    if (s.a > 12 && s.b > 12) continue;
    if (s.a > 12) dayFirstEvidence++;
    if (s.b > 12) monthFirstEvidence++;
  }
  let order: 'mdy' | 'dmy';
  if (requestedOrder === 'auto') {
    if (dayFirstEvidence > 0 && monthFirstEvidence > 0) {
      throw new Error(
        `appointments file ${appointmentsPath}: booking_date slash dates are ambiguous ` +
          `(${dayFirstEvidence} look day-first, ${monthFirstEvidence} look month-first); ` +
          `choose the date order mdy or dmy explicitly`,
      );
    }
    order = dayFirstEvidence > 0 ? 'dmy' : 'mdy';
  } else {
    order = requestedOrder;
  }

  // ---- Doctors: validate, then duplicates (keep first) ----
  const hasSpecialty = doctorSheet.columns.has('specialty');
  const keptDoctors = new Map<number, ValidDoctor>();
  for (const row of doctorSheet.rows) {
    const v = validateDoctor(row, hasSpecialty);
    if (!v.ok) {
      rejected.push({ file: 'doctors', row: row.row, reason: v.reason, column: v.column, ...(v.also.length ? { also: v.also } : {}) });
      continue;
    }
    const first = keptDoctors.get(v.value.doctor_id);
    if (first) {
      rejected.push({ file: 'doctors', row: row.row, reason: 'duplicate', keptRow: first.row });
      continue;
    }
    keptDoctors.set(v.value.doctor_id, v.value);
  }

  // ---- Appointments: validate ----
  const validAppointments: ValidAppointment[] = [];
  for (const row of apptSheet.rows) {
    const v = validateAppointment(row, order);
    if (!v.ok) {
      rejected.push({ file: 'appointments', row: row.row, reason: v.reason, column: v.column, ...(v.also.length ? { also: v.also } : {}) });
      continue;
    }
    validAppointments.push(v.value);
  }

  // ---- Decision 9: duplicates (earliest booking_date, tie → first in file) ----
  const bestByBooking = new Map<bigint, ValidAppointment>();
  for (const a of validAppointments) {
    const best = bestByBooking.get(a.booking_id);
    if (!best || a.booking_date < best.booking_date) bestByBooking.set(a.booking_id, a);
  }
  let keptAppointments: ValidAppointment[] = [];
  for (const a of validAppointments) {
    const best = bestByBooking.get(a.booking_id);
    if (best === a) {
      keptAppointments.push(a);
    } else if (best) {
      rejected.push({ file: 'appointments', row: a.row, reason: 'duplicate', keptRow: best.row });
    }
  }

  // ---- Decision 10: suspicious dates ----
  const isSuspicious = (d: string): boolean => d < SUSPICIOUS_BEFORE || d > suspiciousAfter;
  const suspiciousDates = keptAppointments.filter((a) => isSuspicious(a.booking_date)).length;
  if (options.quarantineSuspicious) {
    for (const a of keptAppointments) {
      if (isSuspicious(a.booking_date)) {
        rejected.push({ file: 'appointments', row: a.row, reason: 'suspicious_date' });
      }
    }
    keptAppointments = keptAppointments.filter((a) => !isSuspicious(a.booking_date));
  }

  // ---- Decision 11: placeholder doctors ----
  const placeholderIds = [...new Set(keptAppointments.map((a) => a.doctor_id))]
    .filter((id) => !keptDoctors.has(id))
    .sort((a, b) => a - b);

  const doctors: ReferenceDoctor[] = [
    ...[...keptDoctors.values()].map((d) => ({
      doctor_id: d.doctor_id,
      name: d.name,
      specialty: d.specialty,
      placeholder: false,
    })),
    ...placeholderIds.map((id) => ({ doctor_id: id, name: 'Unknown', specialty: 'Unknown', placeholder: true })),
  ].sort((a, b) => a.doctor_id - b.doctor_id);

  keptAppointments.sort((a, b) => compareBigint(a.booking_id, b.booking_id));
  const appointments: ReferenceAppointment[] = keptAppointments.map((a) => ({
    booking_id: a.booking_id.toString(),
    patient_id: a.patient_id.toString(),
    doctor_id: a.doctor_id,
    booking_date: a.booking_date,
    status: a.status,
  }));

  rejected.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.row - b.row));

  // ---- Decision 12: fixes in rows that reach the final tables ----
  const fixed =
    [...keptDoctors.values()].reduce((n, d) => n + d.fixes, 0) + keptAppointments.reduce((n, a) => n + a.fixes, 0);

  // ---- Per-file reconciliation ----
  const rejectedIn = (file: FileKind): number => rejected.filter((r) => r.file === file).length;
  const perFile: Record<FileKind, ReferenceFileCounts> = {
    doctors: {
      read: doctorSheet.read,
      kept: keptDoctors.size,
      rejected: rejectedIn('doctors'),
      repeatedHeaders: doctorSheet.repeatedHeaders,
      blankRows: doctorSheet.blankRows,
    },
    appointments: {
      read: apptSheet.read,
      kept: keptAppointments.length,
      rejected: rejectedIn('appointments'),
      repeatedHeaders: apptSheet.repeatedHeaders,
      blankRows: apptSheet.blankRows,
    },
  };
  for (const [file, c] of Object.entries(perFile)) {
    if (c.read !== c.kept + c.rejected + c.repeatedHeaders + c.blankRows) {
      throw new Error(`oracle bug: ${file} does not reconcile ${JSON.stringify(c)}`);
    }
  }

  // ---- Decision 13: answers ----
  const confirmedBy = new Map<number, number>();
  for (const a of appointments) {
    if (a.status === 'confirmed') confirmedBy.set(a.doctor_id, (confirmedBy.get(a.doctor_id) ?? 0) + 1);
  }
  const q4 = doctors
    .map((d) => ({ doctor_id: d.doctor_id, name: d.name, confirmed: confirmedBy.get(d.doctor_id) ?? 0 }))
    .sort((a, b) => b.confirmed - a.confirmed || a.doctor_id - b.doctor_id);
  const top = q4.reduce((m, d) => Math.max(m, d.confirmed), 0);
  const q1 = top === 0 ? [] : q4.filter((d) => d.confirmed === top).sort((a, b) => a.doctor_id - b.doctor_id);
  const q2 = appointments.filter((a) => a.status === 'confirmed' && a.patient_id === Q2_PATIENT).length;
  const q3 = appointments.filter(
    (a) => a.status === 'cancelled' && a.booking_date >= Q3_FROM && a.booking_date <= Q3_TO,
  ).length;

  return {
    counts: {
      doctors: doctors.length,
      appointments: appointments.length,
      rejected: rejected.length,
      duplicates: rejected.filter((r) => r.reason === 'duplicate').length,
      placeholders: placeholderIds.length,
      suspicious_dates: suspiciousDates,
      fixed,
    },
    placeholders: placeholderIds,
    doctors,
    appointments,
    rejected,
    perFile,
    dateOrder: { used: order, dayFirstEvidence, monthFirstEvidence },
    answers: { q1, q2, q3, q4 },
  };
}
