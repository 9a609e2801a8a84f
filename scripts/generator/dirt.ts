/**
 * The dirt catalogue: every kind of mistake SPEC §3 found in the real source workbooks, how often
 * the generator makes it (`DirtRates`), and how each one is typed into a cell.
 *
 * Kinds, by what they do to the cleaner (SPEC §4 rule in brackets):
 *
 * - Harmless once cleaned (the row is kept, a fix is recorded):
 *   - `idAsText`          integral ids typed as text: "105", "104.0", " 104 ", "+104"        [3]
 *   - `textDate`          dates typed as text, mixed in one column: 10/20/2025 (or 20/10/2025
 *                         with `slashDateOrder: 'dmy'`), 2025-10-21, 2025/10/21                  [4]
 *   - `textDateWithTime`  the same with a time part: "2025-10-21 14:30", "10/21/2025 9:05"      [4]
 *   - `serialDate`        a number cell holding the Excel serial, with a date number format      [4]
 *   - `dateTimeCell`      a date cell that also carries a time of day (fractional serial)        [4]
 *   - `statusVariant`     Confirmed, "confirmed ", confirmed., CONFIRMED, canceled, "cancelled ",
 *                         Cancel, …                                                            [5]
 *   - `paddedText`        doctor names / specialties with surrounding spaces                     [6]
 *   - `headerVariant`     header names typed differently: Booking ID, Doctor-ID, STATUS, " Name ",
 *                         "Patient  ID"                                                         [1]
 *   - `extraColumns`      columns nobody asked for (clinic, notes, phone), some in the middle      [1]
 *   - `leadingBlankRows`  empty rows above the header ("header row = first non-empty row")       [§3]
 *   - `emptySpecialty`    a doctor without specialty (kept, specialty NULL)                      [6]
 * - Not rows at all (counted, never rejected):
 *   - `repeatedHeader`    the header typed again inside the data, exactly or re-typed             [2]
 *   - `blankRow`          fully blank rows: absent from the file, formatted-but-empty, or cells
 *                         holding empty strings                                                 [2]
 * - Rejected rows:
 *   - `idNonNumeric`      "37X", "N/A", "#104", "1O4"                                           [3]
 *   - `idDecimal`         12.5 (number cell) or "12.5"                                          [3]
 *   - `idNegative`        -104 or "-104"                                                        [3]
 *   - `idOutOfRange`      doctor_id above INTEGER, booking/patient id above BIGINT (as text)      [3]
 *   - `emptyPatientId`    no patient id                                                         [6]
 *   - `emptyRequired`     no booking_id, doctor_id or booking_date                              [6]
 *   - `impossibleDate`    02/30/2025, 02/29/2025, 04/31/2025, 2025-02-30 (written in the column's
 *                         date order, so they are evidence *for* that order)                     [4]
 *   - `ambiguousImpossibleDate`  13/45/2025: impossible in *both* orders, so under the spec's
 *                         `auto` order it counts as evidence for day-first and month-first at
 *                         once and stops the run. Off by default; turn it on to test that path.  [4]
 *   - `invalidStatus`     pending, no-show, rescheduled, empty                                  [5]
 *   - `missingDoctorName` a doctor row without a name (an extra row: for a gap id, or just before
 *                         the same doctor's named row)                                          [6]
 *   - `duplicateBooking`  the same booking id again: later date, earlier date (so the row to keep
 *                         comes later in the file), same date with another status, an identical
 *                         row, or an earlier date on a row that is itself invalid                [7]
 *   - `duplicateDoctor`   the same doctor id again (another name, or an identical row)            [7]
 * - Kept, with consequences elsewhere:
 *   - `unknownDoctor`     appointments of doctors absent from the doctors file (105 style, and
 *                         ids above the roster): placeholder doctors                             [8]
 *   - `fillSeries`        a date dragged down so the year increments row by row (10/24/2025,
 *                         10/24/2026, 10/24/2027, …), as text and as date cells: suspicious dates [9]
 *
 * Rates are probabilities. Row-level kinds are drawn per data row (per id cell for the id kinds,
 * per doctor for the doctors-only kinds); `headerVariant` per column; `extraColumns` and
 * `leadingBlankRows` per file. A rate of 0 turns the kind off; all zero gives clean workbooks
 * (numbers for ids, date cells for dates, lower-case statuses, canonical headers).
 */
import { isLeapYear } from './baseData';
import type { Random } from './random';

export interface DirtRates {
  idAsText: number;
  idNonNumeric: number;
  idDecimal: number;
  idNegative: number;
  idOutOfRange: number;
  emptyPatientId: number;
  emptyRequired: number;
  textDate: number;
  textDateWithTime: number;
  serialDate: number;
  dateTimeCell: number;
  impossibleDate: number;
  ambiguousImpossibleDate: number;
  fillSeries: number;
  statusVariant: number;
  invalidStatus: number;
  unknownDoctor: number;
  duplicateBooking: number;
  duplicateDoctor: number;
  repeatedHeader: number;
  blankRow: number;
  headerVariant: number;
  extraColumns: number;
  leadingBlankRows: number;
  paddedText: number;
  emptySpecialty: number;
  missingDoctorName: number;
}

export type DirtKind = keyof DirtRates;

/** Rates that give roughly what the real files looked like (about a fifth of rows touched). */
export const DEFAULT_DIRT_RATES: Readonly<DirtRates> = Object.freeze({
  idAsText: 0.03,
  idNonNumeric: 0.002,
  idDecimal: 0.001,
  idNegative: 0.001,
  idOutOfRange: 0.0005,
  emptyPatientId: 0.006,
  emptyRequired: 0.002,
  textDate: 0.45,
  textDateWithTime: 0.04,
  serialDate: 0.08,
  dateTimeCell: 0.02,
  impossibleDate: 0.004,
  ambiguousImpossibleDate: 0,
  fillSeries: 0.0008,
  statusVariant: 0.1,
  invalidStatus: 0.006,
  unknownDoctor: 0.015,
  duplicateBooking: 0.008,
  duplicateDoctor: 0.04,
  repeatedHeader: 0.001,
  blankRow: 0.004,
  headerVariant: 0.5,
  extraColumns: 1,
  leadingBlankRows: 0.5,
  paddedText: 0.1,
  emptySpecialty: 0.05,
  missingDoctorName: 0.02,
});

export const DIRT_KINDS: readonly DirtKind[] = Object.freeze(Object.keys(DEFAULT_DIRT_RATES) as DirtKind[]);

/** Every rate 0: clean workbooks. */
export const CLEAN_DIRT_RATES: Readonly<DirtRates> = Object.freeze(
  Object.fromEntries(DIRT_KINDS.map((kind) => [kind, 0])) as unknown as DirtRates,
);

/** Defaults overlaid with the caller's rates, each checked to be a probability. */
export function resolveDirtRates(partial: Partial<DirtRates> | undefined): DirtRates {
  const rates: DirtRates = { ...DEFAULT_DIRT_RATES };
  for (const [key, value] of Object.entries(partial ?? {})) {
    if (!(DIRT_KINDS as readonly string[]).includes(key)) {
      throw new RangeError(`unknown dirt kind "${key}" (known: ${DIRT_KINDS.join(', ')})`);
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
      throw new RangeError(`dirt rate ${key} must be a number between 0 and 1, got ${String(value)}`);
    }
    rates[key as DirtKind] = value;
  }
  return rates;
}

// ---------------------------------------------------------------------------------------------
// Cells
// ---------------------------------------------------------------------------------------------

export type CellValue = string | number | Date | null;

/** One cell as the sheet writers put it into the workbook. */
export interface Cell {
  value: CellValue;
  /** Excel number format; set for every date cell and date-formatted serial. */
  numFmt?: string;
  /** A fill colour with no value: the "formatted but empty" cells of a blank row. */
  highlighted?: boolean;
}

export const cell = (value: CellValue, numFmt?: string): Cell => (numFmt === undefined ? { value } : { value, numFmt });

// ---------------------------------------------------------------------------------------------
// Ids
// ---------------------------------------------------------------------------------------------

export type IdTextForm = 'plain' | 'dot-zero' | 'padded' | 'plus';
export const ID_TEXT_FORMS: readonly IdTextForm[] = ['plain', 'dot-zero', 'padded', 'plus'];

/** An integral id typed as text in a form rule 3 accepts. */
export function idAsText(id: number, form: IdTextForm): string {
  switch (form) {
    case 'plain':
      return String(id);
    case 'dot-zero':
      return `${id}.0`;
    case 'padded':
      return ` ${id} `;
    case 'plus':
      return `+${id}`;
  }
}

export function nonNumericId(id: number, random: Random): string {
  const text = String(id);
  const variants = [
    `${text}X`,
    'N/A',
    `#${text}`,
    text.includes('0') ? text.replace('0', 'O') : `${text}O`,
    `${text.slice(0, -1)} ${text.slice(-1)}`, // a space typed inside the number
  ];
  return random.pick(variants);
}

/** A non-integral id: a number cell (12.5) or, sometimes, the same typed as text. */
export function decimalId(id: number, random: Random): CellValue {
  const value = id + random.pick([0.5, 0.25, 0.1]);
  return random.chance(0.7) ? value : String(value);
}

export function negativeId(id: number, random: Random): CellValue {
  return random.chance(0.7) ? -id : `-${id}`;
}

export type IdColumn = 'booking_id' | 'patient_id' | 'doctor_id';

/** An id too large for its column's type: doctor_id > 2^31-1 (exact as a number), others > 2^63-1 as text. */
export function outOfRangeId(column: IdColumn, random: Random): CellValue {
  if (column === 'doctor_id') return 2_147_483_648 + random.int(0, 999_999);
  return `9${String(random.int(100_000_000, 999_999_999))}${String(random.int(1_000_000_000, 9_999_999_999))}`;
}

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

export type SlashDateOrder = 'mdy' | 'dmy';

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** A slash date in the column's order; `padded` writes 10/05/2025 rather than 10/5/2025. */
export function slashDate(year: number, month: number, day: number, order: SlashDateOrder, padded: boolean): string {
  const m = padded ? pad2(month) : String(month);
  const d = padded ? pad2(day) : String(day);
  return order === 'mdy' ? `${m}/${d}/${year}` : `${d}/${m}/${year}`;
}

export const isoDate = (year: number, month: number, day: number): string => `${year}-${pad2(month)}-${pad2(day)}`;
export const isoSlashDate = (year: number, month: number, day: number): string =>
  `${year}/${pad2(month)}/${pad2(day)}`;

export type TextDateForm = 'slash' | 'iso' | 'iso-slash';

export function textDate(
  year: number,
  month: number,
  day: number,
  form: TextDateForm,
  order: SlashDateOrder,
  random: Random,
): string {
  switch (form) {
    case 'slash':
      return slashDate(year, month, day, order, random.chance(0.6));
    case 'iso':
      return isoDate(year, month, day);
    case 'iso-slash':
      return isoSlashDate(year, month, day);
  }
}

/** A time part as people type it: "14:30", "9:05", "08:15:00". */
export function timePart(minutesOfDay: number, random: Random): string {
  const h = Math.floor(minutesOfDay / 60);
  const m = minutesOfDay % 60;
  switch (random.int(0, 2)) {
    case 0:
      return `${pad2(h)}:${pad2(m)}`;
    case 1:
      return `${h}:${pad2(m)}`;
    default:
      return `${pad2(h)}:${pad2(m)}:00`;
  }
}

/** Number formats of genuine date cells (all recognised as dates by Excel and exceljs). */
export const DATE_CELL_FORMATS: Record<SlashDateOrder, readonly string[]> = {
  mdy: ['yyyy-mm-dd', 'm/d/yyyy', 'mm-dd-yy', 'd-mmm-yyyy'],
  dmy: ['yyyy-mm-dd', 'dd/mm/yyyy', 'd-mmm-yyyy'],
};
export const DATE_TIME_FORMATS: Record<SlashDateOrder, readonly string[]> = {
  mdy: ['m/d/yyyy h:mm', 'yyyy-mm-dd hh:mm'],
  dmy: ['dd/mm/yyyy hh:mm', 'yyyy-mm-dd hh:mm'],
};

export type ImpossibleDateForm = 'feb-30' | 'feb-29' | 'apr-31' | 'iso-feb-30' | 'iso-slash-sep-31';
export const IMPOSSIBLE_DATE_FORMS: readonly ImpossibleDateForm[] = [
  'feb-30',
  'feb-29',
  'apr-31',
  'iso-feb-30',
  'iso-slash-sep-31',
];

/**
 * A date that does not exist in the calendar, written so that its slash parts agree with the
 * column's order (02/30/2025 in an mdy column: "30" is month-first evidence, consistent).
 * `feb-29` uses a non-leap year near `year`.
 */
export function impossibleDate(year: number, form: ImpossibleDateForm, order: SlashDateOrder): string {
  switch (form) {
    case 'feb-30':
      return slashDate(year, 2, 30, order, true);
    case 'feb-29': {
      let y = year;
      while (isLeapYear(y)) y++;
      return slashDate(y, 2, 29, order, true);
    }
    case 'apr-31':
      return slashDate(year, 4, 31, order, true);
    case 'iso-feb-30':
      return isoDate(year, 2, 30);
    case 'iso-slash-sep-31':
      return isoSlashDate(year, 9, 31);
  }
}

/** 13/45/2025 (mdy) or 45/13/2025 (dmy): impossible read either way, evidence for both orders. */
export function ambiguousImpossibleDate(year: number, order: SlashDateOrder): string {
  return order === 'mdy' ? `13/45/${year}` : `45/13/${year}`;
}

// ---------------------------------------------------------------------------------------------
// Status
// ---------------------------------------------------------------------------------------------

export type Status = 'confirmed' | 'cancelled';

export const STATUS_VARIANTS: Record<Status, readonly string[]> = {
  confirmed: ['Confirmed', 'confirmed ', 'confirmed.', 'CONFIRMED', ' Confirmed', 'Confirm'],
  cancelled: ['canceled', 'cancelled ', 'Cancel', 'Cancelled', 'CANCELED', 'cancelled.'],
};

/** Statuses rule 5 rejects. `null` is an empty cell. */
export const INVALID_STATUSES: readonly (string | null)[] = ['pending', 'no-show', null, 'rescheduled', 'TBD'];

// ---------------------------------------------------------------------------------------------
// Headers and extra columns
// ---------------------------------------------------------------------------------------------

/** Ways people typed each header; all normalise (trim, lower-case, spaces/hyphens → _) to the key. */
export const HEADER_VARIANTS: Record<string, readonly string[]> = {
  booking_id: ['Booking ID', 'booking id', 'BOOKING_ID', 'Booking-ID', ' booking_id '],
  patient_id: ['Patient  ID', 'Patient ID', 'patient-id', 'PATIENT_ID'],
  doctor_id: ['Doctor-ID', 'Doctor ID', 'doctor id', 'DOCTOR_ID', ' doctor_id'],
  booking_date: ['Booking Date', 'booking-date', 'BOOKING DATE', 'Booking_Date '],
  status: ['STATUS', 'Status', ' status '],
  name: [' Name ', 'NAME', 'Name'],
  specialty: ['Specialty', 'SPECIALTY ', ' specialty'],
};

/** The header variants the brief quotes; placed first when examples are guaranteed. */
export const QUOTED_HEADER_VARIANTS: Record<string, string> = {
  booking_id: 'Booking ID',
  patient_id: 'Patient  ID',
  doctor_id: 'Doctor-ID',
  status: 'STATUS',
  name: ' Name ',
};

/** SPEC rule 1, used to check that every variant still names its column. */
export function normaliseHeader(text: string): string {
  return text.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

export const CLINICS: readonly string[] = ['North', 'Downtown', 'Westside', 'Clínica Sur', 'Harbor View'];

/**
 * Free-text notes, mostly empty. A few start with =, +, - or @: harmless here (the column is
 * ignored), but they travel into rejected-row exports, which must neutralise them (SPEC §10).
 */
export const NOTES: readonly string[] = [
  'first visit',
  'follow-up',
  'called to confirm',
  'rescheduled from last week',
  'insurance pending',
  'patient prefers mornings',
  '=1+2',
  '+ bring x-rays',
  '-',
  '@front desk',
];

export function phoneNumber(random: Random): string {
  return `+1 555-${String(random.int(100, 9999)).padStart(4, '0')}`;
}

/** Surrounding spaces as people leave them: leading, trailing or both. */
export function padText(text: string, random: Random): string {
  switch (random.int(0, 2)) {
    case 0:
      return ` ${text}`;
    case 1:
      return `${text}  `;
    default:
      return `  ${text} `;
  }
}
