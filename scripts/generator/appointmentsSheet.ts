/**
 * The appointments sheet: `rows` rows below the header, written one at a time (flat memory), each
 * either a data row (a booking, possibly typed with dirt), a duplicate of a recent booking, a row of
 * a fill-series run, a repeated header or a blank row.
 *
 * Examples (one per dirt variant the brief names) are scheduled at evenly spread rows first, so that
 * even a 250-row file contains every kind; the other rows draw their dirt from the rates.
 */
import type ExcelJS from 'exceljs';
import { excelSerial, fromDayNumber, toDayNumber, toUtcDate, type Doctor } from './baseData';
import {
  ambiguousImpossibleDate,
  CLINICS,
  DATE_CELL_FORMATS,
  DATE_TIME_FORMATS,
  decimalId,
  idAsText,
  ID_TEXT_FORMS,
  impossibleDate,
  IMPOSSIBLE_DATE_FORMS,
  INVALID_STATUSES,
  negativeId,
  nonNumericId,
  NOTES,
  outOfRangeId,
  slashDate,
  STATUS_VARIANTS,
  textDate,
  timePart,
  type Cell,
  type DirtKind,
  type DirtRates,
  type IdColumn,
  type IdTextForm,
  type ImpossibleDateForm,
  type SlashDateOrder,
  type Status,
  type TextDateForm,
} from './dirt';
import { drainSheet, writeRow } from './excelFile';
import {
  blankRowCells,
  BLANK_STYLES,
  cellsInColumnOrder,
  chooseColumns,
  repeatedHeaderCells,
  REPEATED_HEADER_STYLES,
  Tally,
  type BlankStyle,
  type ColumnSpec,
  type RepeatedHeaderStyle,
} from './layout';
import type { Random } from './random';
import type { SheetStats } from './stats';

export type DuplicateBookingVariant =
  | 'later-date'
  | 'earlier-date'
  | 'same-date-other-status'
  | 'identical'
  | 'earlier-date-invalid-status';
export const DUPLICATE_BOOKING_VARIANTS: readonly DuplicateBookingVariant[] = [
  'later-date',
  'earlier-date',
  'same-date-other-status',
  'identical',
  'earlier-date-invalid-status',
];

export type AppointmentExample =
  | { kind: 'idAsText'; column: IdColumn; form: IdTextForm }
  | { kind: 'idNonNumeric' | 'idDecimal' | 'idNegative' | 'idOutOfRange'; column: IdColumn }
  | { kind: 'emptyPatientId' }
  | { kind: 'emptyRequired'; column: 'booking_id' | 'doctor_id' | 'booking_date' }
  | { kind: 'textDate' | 'textDateWithTime'; form: TextDateForm }
  | { kind: 'serialDate' | 'dateTimeCell' | 'ambiguousImpossibleDate' }
  | { kind: 'impossibleDate'; form: ImpossibleDateForm }
  | { kind: 'fillSeries'; repr: FillRepr }
  | { kind: 'statusVariant'; status: Status; text: string }
  | { kind: 'invalidStatus'; text: string | null }
  | { kind: 'unknownDoctor'; which: 'gap' | 'above' }
  | { kind: 'duplicateBooking'; variant: DuplicateBookingVariant }
  | { kind: 'repeatedHeader'; style: RepeatedHeaderStyle }
  | { kind: 'blankRow'; style: BlankStyle }
  /** Not dirt: a booking of the focus patient (34), so the brief's question 2 has an answer. */
  | { kind: 'focusPatient'; status: Status };

export type FillRepr = 'text' | 'cell';

/** The examples a small file must contain: the variants the brief names, for kinds whose rate is above 0. */
export function appointmentExamples(rates: DirtRates): AppointmentExample[] {
  const all: AppointmentExample[] = [
    { kind: 'idAsText', column: 'doctor_id', form: 'dot-zero' },
    { kind: 'idAsText', column: 'doctor_id', form: 'padded' },
    { kind: 'idAsText', column: 'doctor_id', form: 'plain' },
    { kind: 'idAsText', column: 'patient_id', form: 'dot-zero' },
    { kind: 'idAsText', column: 'patient_id', form: 'plus' },
    { kind: 'idAsText', column: 'booking_id', form: 'padded' },
    { kind: 'idNonNumeric', column: 'patient_id' },
    { kind: 'idNonNumeric', column: 'doctor_id' },
    { kind: 'idDecimal', column: 'patient_id' },
    { kind: 'idNegative', column: 'doctor_id' },
    { kind: 'idOutOfRange', column: 'doctor_id' },
    { kind: 'idOutOfRange', column: 'booking_id' },
    { kind: 'emptyPatientId' },
    { kind: 'emptyRequired', column: 'booking_date' },
    { kind: 'emptyRequired', column: 'doctor_id' },
    { kind: 'textDate', form: 'slash' },
    { kind: 'textDate', form: 'iso' },
    { kind: 'textDate', form: 'iso-slash' },
    { kind: 'textDateWithTime', form: 'iso' },
    { kind: 'textDateWithTime', form: 'slash' },
    { kind: 'serialDate' },
    { kind: 'dateTimeCell' },
    ...IMPOSSIBLE_DATE_FORMS.slice(0, 4).map((form): AppointmentExample => ({ kind: 'impossibleDate', form })),
    { kind: 'ambiguousImpossibleDate' },
    { kind: 'fillSeries', repr: 'text' },
    { kind: 'fillSeries', repr: 'cell' },
    ...['Confirmed', 'confirmed ', 'confirmed.', 'CONFIRMED'].map(
      (text): AppointmentExample => ({ kind: 'statusVariant', status: 'confirmed', text }),
    ),
    ...['canceled', 'cancelled ', 'Cancel'].map(
      (text): AppointmentExample => ({ kind: 'statusVariant', status: 'cancelled', text }),
    ),
    ...['pending', 'no-show', null].map((text): AppointmentExample => ({ kind: 'invalidStatus', text })),
    { kind: 'unknownDoctor', which: 'gap' },
    { kind: 'unknownDoctor', which: 'gap' },
    { kind: 'unknownDoctor', which: 'gap' },
    { kind: 'unknownDoctor', which: 'above' },
    ...DUPLICATE_BOOKING_VARIANTS.map((variant): AppointmentExample => ({ kind: 'duplicateBooking', variant })),
    { kind: 'repeatedHeader', style: 'exact' },
    { kind: 'repeatedHeader', style: 'retyped' },
    ...(['absent', 'formatted', 'empty-strings'] as const).map(
      (style): AppointmentExample => ({ kind: 'blankRow', style }),
    ),
  ];
  const dirt = all.filter((example) => example.kind !== 'focusPatient' && rates[example.kind] > 0);
  const focus: AppointmentExample[] = (['confirmed', 'confirmed', 'confirmed', 'cancelled'] as const).map((status) => ({
    kind: 'focusPatient',
    status,
  }));
  return [...dirt, ...focus];
}

export interface AppointmentsSheetInput {
  sheet: ExcelJS.Worksheet;
  roster: readonly Doctor[];
  /** Doctor ids absent from the roster (gaps first, then ids above the roster). */
  unknownDoctorIds: readonly number[];
  rates: DirtRates;
  random: Random;
  /** Rows below the header. */
  rows: number;
  examples: readonly AppointmentExample[];
  forceExtraColumns: boolean;
  forceLeadingBlankRows: boolean;
  quotedHeaders: boolean;
  order: SlashDateOrder;
  date1904: boolean;
  /** Day numbers (days since 1970-01-01) of the first and last booking date. */
  firstDay: number;
  lastDay: number;
  /** Patient ids are drawn from 1..patients. */
  patients: number;
  focusPatient: number;
  firstBookingId: number;
  /**
   * Rows after `rows`: a date dragged down at the end of the sheet, one booking a year from this
   * day (the first row typed right, then each year one later), as real exports have them.
   */
  trailingFillSeries?: { day: number; rows: number; repr: FillRepr };
}

interface Booking {
  bookingId: number;
  patientId: number;
  doctorId: number;
  day: number;
  /** Time of the appointment, minutes after midnight (used only where a time part is written). */
  minutes: number;
  status: Status;
}

interface FillRun {
  repr: FillRepr;
  base: { year: number; month: number; day: number };
  /** Rows of the run written so far (0 = the correctly typed first row). */
  done: number;
  length: number;
  numFmt: string;
  padded: boolean;
}

const BASE_COLUMNS: readonly ColumnSpec[] = [
  { key: 'booking_id', width: 12 },
  { key: 'patient_id', width: 12 },
  { key: 'doctor_id', width: 11 },
  { key: 'booking_date', width: 18 },
  { key: 'status', width: 12 },
];
const CLINIC_COLUMN: ColumnSpec = { key: 'clinic', header: 'Clinic', extra: true, width: 14 };
const NOTES_COLUMN: ColumnSpec = { key: 'notes', header: 'notes', extra: true, width: 28 };

/** How many recent bookings duplicates are copied from (bounded, so memory stays flat). */
const DUPLICATE_SOURCES = 64;

export async function writeAppointmentsSheet(input: AppointmentsSheetInput): Promise<SheetStats> {
  const { sheet, roster, rates, random, order, date1904 } = input;
  const tally = new Tally();

  // ---- columns and header ----
  const withExtras = input.forceExtraColumns || random.chance(rates.extraColumns);
  const specs: ColumnSpec[] = withExtras
    ? [...BASE_COLUMNS.slice(0, 3), CLINIC_COLUMN, ...BASE_COLUMNS.slice(3), NOTES_COLUMN]
    : [...BASE_COLUMNS];
  const columns = chooseColumns(specs, rates, random, input.quotedHeaders, tally);
  if (withExtras) {
    tally.add('extraColumns', 'Clinic');
    tally.add('extraColumns', 'notes');
  }
  sheet.columns = columns.map((c) => ({ width: c.width }));

  let leadingBlankRows = 0;
  if (input.forceLeadingBlankRows || random.chance(rates.leadingBlankRows)) {
    leadingBlankRows = random.int(1, 2);
    tally.add('leadingBlankRows', String(leadingBlankRows));
  }
  const headerRow = leadingBlankRows + 1;
  writeRow(
    sheet,
    headerRow,
    columns.map((c) => ({ value: c.header })),
    true,
  );

  // ---- base data ----
  const pickRosterDoctor = weightedPicker(
    roster.map((d) => d.id),
    roster.map((d) => d.weight),
    random,
  );
  const lastRosterId = roster[roster.length - 1]?.id ?? 0;
  const gapIds = input.unknownDoctorIds.filter((id) => id <= lastRosterId);
  const aboveIds = input.unknownDoctorIds.filter((id) => id > lastRosterId);
  let nextBookingId = input.firstBookingId;
  const span = input.lastDay - input.firstDay;
  const spread = Math.max(3, span * 0.05);

  const unknownDoctor = (which: 'gap' | 'above'): number => {
    const pool = (which === 'gap' && gapIds.length > 0) || aboveIds.length === 0 ? gapIds : aboveIds;
    // The first gap (105 in a small roster) is the one that keeps coming back.
    return pool === gapIds && random.chance(0.6) ? (gapIds[0] as number) : random.pick(pool);
  };

  /** Booking dates follow the row order loosely (bookings were typed in over time), with noise. */
  const dayFor = (index: number): number => {
    const center = input.firstDay + (span * (index + 0.5)) / Math.max(1, input.rows);
    const noisy = Math.round(center + (random.next() + random.next() - 1) * spread);
    return Math.min(input.lastDay, Math.max(input.firstDay, noisy));
  };

  const freshBooking = (index: number, allowUnknownDoctor: boolean): Booking => {
    const bookingId = nextBookingId;
    nextBookingId += random.chance(0.01) ? random.int(2, 4) : 1;
    const day = dayFor(index);
    let doctorId: number;
    if (allowUnknownDoctor && random.chance(rates.unknownDoctor)) {
      const which = gapIds.length > 0 && random.chance(0.8) ? 'gap' : 'above';
      doctorId = unknownDoctor(which);
      tally.add('unknownDoctor', which);
    } else {
      doctorId = pickRosterDoctor();
    }
    return {
      bookingId,
      patientId: random.int(1, input.patients),
      doctorId,
      day,
      minutes: 8 * 60 + 15 * random.int(0, 39),
      status: random.chance(0.7) ? 'confirmed' : 'cancelled',
    };
  };

  // ---- cell renderers ----
  const dateCell = (day: number, minutes: number, numFmt: string): Cell =>
    date1904
      ? { value: excelSerial(day, minutes, true), numFmt }
      : { value: toUtcDate(day, minutes), numFmt };

  const textForm = (): TextDateForm => random.weighted(['slash', 'iso', 'iso-slash'] as const, [0.6, 0.25, 0.15]);

  const renderTextDate = (day: number, form: TextDateForm): string => {
    const d = fromDayNumber(day);
    return textDate(d.year, d.month, d.day, form, order, random);
  };

  /** A real date, typed in one of the column's representations (harmless dirt only). */
  const renderDate = (booking: Booking, forced?: 'textDate' | 'textDateWithTime' | 'serialDate' | 'dateTimeCell' | 'dateCell', form?: TextDateForm): Cell => {
    let kind = forced;
    if (kind === undefined) {
      const u = random.next();
      const cut1 = rates.textDateWithTime;
      const cut2 = cut1 + rates.textDate;
      const cut3 = cut2 + rates.serialDate;
      const cut4 = cut3 + rates.dateTimeCell;
      kind = u < cut1 ? 'textDateWithTime' : u < cut2 ? 'textDate' : u < cut3 ? 'serialDate' : u < cut4 ? 'dateTimeCell' : 'dateCell';
    }
    switch (kind) {
      case 'textDateWithTime': {
        const f = form ?? textForm();
        tally.add('textDateWithTime', f);
        return { value: `${renderTextDate(booking.day, f)} ${timePart(booking.minutes, random)}` };
      }
      case 'textDate': {
        const f = form ?? textForm();
        tally.add('textDate', f);
        return { value: renderTextDate(booking.day, f) };
      }
      case 'serialDate': {
        tally.add('serialDate');
        const formats = order === 'mdy' ? ['mm-dd-yy', 'yyyy-mm-dd', 'm/d/yy'] : ['yyyy-mm-dd', 'dd/mm/yyyy'];
        return { value: excelSerial(booking.day, 0, date1904), numFmt: random.pick(formats) };
      }
      case 'dateTimeCell':
        tally.add('dateTimeCell');
        return dateCell(booking.day, booking.minutes, random.pick(DATE_TIME_FORMATS[order]));
      case 'dateCell':
        return dateCell(booking.day, 0, random.pick(DATE_CELL_FORMATS[order]));
    }
  };

  /** An id cell; with `allowInvalid`, the rejecting id kinds are drawn too. Returns whether it is valid. */
  const renderId = (column: IdColumn, id: number, allowInvalid: boolean): { cell: Cell; valid: boolean } => {
    if (allowInvalid) {
      const invalid = invalidIdCell(column, id);
      if (invalid) return { cell: invalid, valid: false };
    }
    if (random.chance(rates.idAsText)) {
      const form = random.pick(ID_TEXT_FORMS);
      tally.add('idAsText', `${column}:${form}`);
      return { cell: { value: idAsText(id, form) }, valid: true };
    }
    return { cell: { value: id }, valid: true };
  };

  const invalidIdCell = (column: IdColumn, id: number, forcedKind?: DirtKind): Cell | null => {
    const pick = (kind: DirtKind): boolean => (forcedKind === undefined ? random.chance(rates[kind]) : forcedKind === kind);
    let value: Cell['value'];
    let kind: DirtKind;
    if (pick('idNonNumeric')) {
      kind = 'idNonNumeric';
      value = forcedKind === undefined ? nonNumericId(id, random) : `${id}X`;
    } else if (pick('idDecimal')) {
      kind = 'idDecimal';
      value = decimalId(id, random);
    } else if (pick('idNegative')) {
      kind = 'idNegative';
      value = negativeId(id, random);
    } else if (pick('idOutOfRange')) {
      kind = 'idOutOfRange';
      value = outOfRangeId(column, random);
    } else if (column === 'patient_id' ? pick('emptyPatientId') : pick('emptyRequired')) {
      kind = column === 'patient_id' ? 'emptyPatientId' : 'emptyRequired';
      value = random.chance(0.8) ? null : '';
    } else {
      return null;
    }
    tally.add(kind, column);
    return { value };
  };

  const renderStatus = (status: Status, allowInvalid: boolean): { cell: Cell; valid: boolean } => {
    if (allowInvalid && random.chance(rates.invalidStatus)) {
      const text = random.pick(INVALID_STATUSES);
      tally.add('invalidStatus', JSON.stringify(text));
      return { cell: { value: text }, valid: false };
    }
    if (random.chance(rates.statusVariant)) {
      const text = random.pick(STATUS_VARIANTS[status]);
      tally.add('statusVariant', JSON.stringify(text));
      return { cell: { value: text }, valid: true };
    }
    return { cell: { value: status }, valid: true };
  };

  const extras = (): Record<string, Cell> => ({
    clinic: { value: random.chance(0.85) ? random.pick(CLINICS) : null },
    notes: { value: random.chance(0.12) ? random.pick(NOTES) : null },
  });

  /** A booking typed with random dirt. `allowInvalid` off: only dirt that still cleans to the booking. */
  const renderBooking = (booking: Booking, allowInvalid: boolean): { cells: Record<string, Cell>; valid: boolean } => {
    const bookingId = renderId('booking_id', booking.bookingId, allowInvalid);
    const patientId = renderId('patient_id', booking.patientId, allowInvalid);
    const doctorId = renderId('doctor_id', booking.doctorId, allowInvalid);
    let date: Cell | null = null;
    if (allowInvalid) {
      if (random.chance(rates.emptyRequired)) {
        tally.add('emptyRequired', 'booking_date');
        date = { value: null };
      } else if (random.chance(rates.impossibleDate)) {
        const form = random.pick(IMPOSSIBLE_DATE_FORMS);
        tally.add('impossibleDate', form);
        date = { value: impossibleDate(fromDayNumber(booking.day).year, form, order) };
      } else if (random.chance(rates.ambiguousImpossibleDate)) {
        tally.add('ambiguousImpossibleDate');
        date = { value: ambiguousImpossibleDate(fromDayNumber(booking.day).year, order) };
      }
    }
    const status = renderStatus(booking.status, allowInvalid);
    return {
      cells: {
        booking_id: bookingId.cell,
        patient_id: patientId.cell,
        doctor_id: doctorId.cell,
        booking_date: date ?? renderDate(booking),
        status: status.cell,
        ...extras(),
      },
      valid: bookingId.valid && patientId.valid && doctorId.valid && date === null && status.valid,
    };
  };

  /** A booking typed cleanly (ids as numbers, canonical status) except for the date's representation. */
  const plainCells = (booking: Booking, date?: Cell): Record<string, Cell> => ({
    booking_id: { value: booking.bookingId },
    patient_id: { value: booking.patientId },
    doctor_id: { value: booking.doctorId },
    booking_date: date ?? renderDate(booking),
    status: { value: booking.status },
    ...extras(),
  });

  // ---- duplicates ----
  const sources: { booking: Booking; cells: Record<string, Cell> }[] = [];
  let sourceCursor = 0;
  const remember = (booking: Booking, cells: Record<string, Cell>): void => {
    if (sources.length < DUPLICATE_SOURCES) sources.push({ booking, cells });
    else sources[sourceCursor++ % DUPLICATE_SOURCES] = { booking, cells };
  };

  const duplicateRow = (variant: DuplicateBookingVariant): Record<string, Cell> => {
    const source = random.pick(sources);
    tally.add('duplicateBooking', variant);
    if (variant === 'identical') return { ...source.cells };
    const copy: Booking = { ...source.booking };
    switch (variant) {
      case 'later-date':
        copy.day += random.int(1, 6);
        copy.status = random.chance(0.5) ? 'confirmed' : 'cancelled';
        break;
      case 'earlier-date':
      case 'earlier-date-invalid-status':
        copy.day -= random.int(1, 6);
        copy.status = random.chance(0.5) ? 'confirmed' : 'cancelled';
        break;
      case 'same-date-other-status':
        copy.status = copy.status === 'confirmed' ? 'cancelled' : 'confirmed';
        break;
    }
    const cells = renderBooking(copy, false).cells;
    if (variant === 'earlier-date-invalid-status') cells.status = { value: 'pending' };
    return cells;
  };

  // ---- fill series ----
  /** The fill-series run in progress (an object, because closures update it). */
  const current: { fill: FillRun | null } = { fill: null };
  const startFill = (day: number, repr: FillRepr, length: number): FillRun => {
    const base = fromDayNumber(day);
    if (base.month === 2 && base.day === 29) base.day = 28; // so every later year has the date
    const run: FillRun = {
      repr,
      base,
      done: 0,
      length,
      numFmt: random.pick(DATE_CELL_FORMATS[order]),
      padded: random.chance(0.7),
    };
    current.fill = run;
    tally.add('fillSeries', repr);
    tally.count(`fillSeries:${repr}-rows`, length);
    return run;
  };
  const fillRow = (run: FillRun, index: number): Record<string, Cell> => {
    const year = run.base.year + run.done;
    const day = toDayNumber({ year, month: run.base.month, day: run.base.day });
    const booking = { ...freshBooking(index, true), day };
    const cells = renderBooking(booking, false).cells;
    cells.booking_date =
      run.repr === 'text'
        ? { value: slashDate(year, run.base.month, run.base.day, order, run.padded) }
        : dateCell(day, 0, run.numFmt);
    run.done++;
    return cells;
  };
  const randomRunLength = (remaining: number): number => {
    const long = input.rows >= 5000 && random.chance(0.1);
    return Math.min(remaining, long ? random.int(13, 400) : random.int(3, 12));
  };

  // ---- examples ----
  const queue = scheduleExamples(input.examples, input.rows, random);

  const exampleRow = (example: AppointmentExample, index: number, remaining: number): Cell[] | 'absent' => {
    // Examples that are not a fresh booking.
    switch (example.kind) {
      case 'repeatedHeader':
        tally.add('repeatedHeader', example.style);
        return repeatedHeaderCells(columns, example.style, random);
      case 'blankRow':
        tally.add('blankRow', example.style);
        return example.style === 'absent' ? 'absent' : blankRowCells(columns, example.style);
      case 'duplicateBooking':
        return cellsInColumnOrder(columns, duplicateRow(example.variant));
      case 'fillSeries': {
        const run = startFill(dayFor(index), example.repr, Math.min(remaining, random.int(4, 8)));
        return cellsInColumnOrder(columns, fillRow(run, index));
      }
      default:
        break;
    }
    // A clean booking with exactly one thing wrong (or one notable thing) in it.
    const booking = freshBooking(index, false);
    const overrides: Record<string, Cell> = {};
    const idOf = (column: IdColumn): number =>
      column === 'booking_id' ? booking.bookingId : column === 'patient_id' ? booking.patientId : booking.doctorId;
    switch (example.kind) {
      case 'idAsText':
        overrides[example.column] = { value: idAsText(idOf(example.column), example.form) };
        tally.add('idAsText', `${example.column}:${example.form}`);
        break;
      case 'idNonNumeric':
      case 'idDecimal':
      case 'idNegative':
      case 'idOutOfRange':
        overrides[example.column] = invalidIdCell(example.column, idOf(example.column), example.kind) ?? { value: null };
        break;
      case 'emptyPatientId':
        overrides.patient_id = { value: null };
        tally.add('emptyPatientId', 'patient_id');
        break;
      case 'emptyRequired':
        overrides[example.column] = { value: null };
        tally.add('emptyRequired', example.column);
        break;
      case 'textDate':
      case 'textDateWithTime':
        if (example.form === 'slash') {
          // Make the date order provable from this row alone: a day above 12.
          const d = fromDayNumber(booking.day);
          if (d.day <= 12) booking.day = toDayNumber({ ...d, day: d.day + 12 });
        }
        overrides.booking_date = renderDate(booking, example.kind, example.form);
        break;
      case 'serialDate':
      case 'dateTimeCell':
        overrides.booking_date = renderDate(booking, example.kind);
        break;
      case 'impossibleDate':
        overrides.booking_date = { value: impossibleDate(fromDayNumber(booking.day).year, example.form, order) };
        tally.add('impossibleDate', example.form);
        break;
      case 'ambiguousImpossibleDate':
        overrides.booking_date = { value: ambiguousImpossibleDate(fromDayNumber(booking.day).year, order) };
        tally.add('ambiguousImpossibleDate');
        break;
      case 'statusVariant':
        booking.status = example.status;
        overrides.status = { value: example.text };
        tally.add('statusVariant', JSON.stringify(example.text));
        break;
      case 'invalidStatus':
        overrides.status = { value: example.text };
        tally.add('invalidStatus', JSON.stringify(example.text));
        break;
      case 'unknownDoctor':
        booking.doctorId = example.which === 'gap' && gapIds.length > 0 ? (gapIds[0] as number) : unknownDoctor('above');
        tally.add('unknownDoctor', example.which);
        break;
      case 'focusPatient':
        booking.patientId = input.focusPatient;
        booking.status = example.status;
        break;
    }
    const row = { ...plainCells(booking, overrides.booking_date), ...overrides };
    if (example.kind === 'focusPatient') remember(booking, row);
    return cellsInColumnOrder(columns, row);
  };

  // ---- the rows ----
  const rows = { data: 0, repeatedHeader: 0, blank: 0 };
  const countRow = (kind: 'data' | 'repeatedHeader' | 'blank'): void => {
    rows[kind]++;
  };

  for (let index = 0; index < input.rows; index++) {
    const rowNumber = headerRow + 1 + index;
    const remaining = input.rows - index;
    const run = current.fill;
    if (run !== null && run.done < run.length) {
      writeRow(sheet, rowNumber, cellsInColumnOrder(columns, fillRow(run, index)));
      countRow('data');
      continue;
    }
    current.fill = null;

    // A scheduled example, unless it is the last row (which is always a plain booking).
    const next = queue.peek();
    if (next !== undefined && next.target <= index && remaining > 1) {
      queue.shift();
      if (next.example.kind === 'duplicateBooking' && sources.length === 0) {
        queue.postpone(next, index + 3);
      } else {
        const result = exampleRow(next.example, index, remaining);
        const kind = next.example.kind === 'repeatedHeader' ? 'repeatedHeader' : next.example.kind === 'blankRow' ? 'blank' : 'data';
        if (result !== 'absent') writeRow(sheet, rowNumber, result);
        countRow(kind);
        if (index % 1000 === 999) await drainSheet(sheet);
        continue;
      }
    }

    if (remaining > 1 && random.chance(rates.blankRow)) {
      const style = random.pick(BLANK_STYLES);
      tally.add('blankRow', style);
      if (style !== 'absent') writeRow(sheet, rowNumber, blankRowCells(columns, style));
      countRow('blank');
    } else if (remaining > 1 && random.chance(rates.repeatedHeader)) {
      const style = random.pick(REPEATED_HEADER_STYLES);
      tally.add('repeatedHeader', style);
      writeRow(sheet, rowNumber, repeatedHeaderCells(columns, style, random));
      countRow('repeatedHeader');
    } else if (remaining > 1 && random.chance(rates.fillSeries)) {
      const started = startFill(dayFor(index), random.chance(0.5) ? 'text' : 'cell', randomRunLength(remaining));
      writeRow(sheet, rowNumber, cellsInColumnOrder(columns, fillRow(started, index)));
      countRow('data');
    } else if (sources.length > 0 && random.chance(rates.duplicateBooking)) {
      writeRow(sheet, rowNumber, cellsInColumnOrder(columns, duplicateRow(random.pick(DUPLICATE_BOOKING_VARIANTS))));
      countRow('data');
    } else {
      const booking = freshBooking(index, true);
      const { cells, valid } = renderBooking(booking, true);
      if (valid) remember(booking, cells);
      writeRow(sheet, rowNumber, cellsInColumnOrder(columns, cells));
      countRow('data');
    }
    if (index % 1000 === 999) await drainSheet(sheet);
  }

  const tail = input.trailingFillSeries;
  if (tail && tail.rows > 0) {
    const dragged = startFill(tail.day, tail.repr, tail.rows);
    for (let i = 0; i < tail.rows; i++) {
      writeRow(sheet, headerRow + 1 + input.rows + i, cellsInColumnOrder(columns, fillRow(dragged, input.rows + i)));
      countRow('data');
    }
  }
  const rowsBelowHeader = input.rows + (tail?.rows ?? 0);
  const lastRow = headerRow + rowsBelowHeader;
  return {
    sheetName: sheet.name,
    headerRow,
    lastRow,
    rowsBelowHeader,
    headers: columns.map((c) => c.header),
    rows,
    dirt: tally.byKind,
    variants: tally.byVariant,
    unplacedExamples: queue.rest().map((item) => describeExample(item.example)),
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** Draw ids with given weights in O(log n) (a roster can have thousands of doctors). */
function weightedPicker(ids: readonly number[], weights: readonly number[], random: Random): () => number {
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) {
    total += w;
    cumulative.push(total);
  }
  return () => {
    const target = random.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) > target) hi = mid;
      else lo = mid + 1;
    }
    return ids[lo] as number;
  };
}

interface Scheduled {
  target: number;
  example: AppointmentExample;
}

/** Examples in a shuffled order at evenly spread target rows, consumed in target order. */
function scheduleExamples(examples: readonly AppointmentExample[], rows: number, random: Random) {
  const shuffled = [...examples];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [shuffled[i], shuffled[j]] = [shuffled[j] as AppointmentExample, shuffled[i] as AppointmentExample];
  }
  const items: Scheduled[] = shuffled.map((example, j) => ({
    target: Math.floor((j * Math.max(0, rows - 1)) / Math.max(1, shuffled.length)),
    example,
  }));
  return {
    peek: (): Scheduled | undefined => items[0],
    shift: (): void => {
      items.shift();
    },
    postpone(item: Scheduled, target: number): void {
      const moved = { ...item, target };
      const at = items.findIndex((other) => other.target > target);
      if (at < 0) items.push(moved);
      else items.splice(at, 0, moved);
    },
    rest: (): Scheduled[] => [...items],
  };
}

export function describeExample(example: AppointmentExample): string {
  const { kind, ...rest } = example;
  const detail = Object.values(rest).map((v) => JSON.stringify(v)).join(' ');
  return detail === '' ? kind : `${kind} ${detail}`;
}
