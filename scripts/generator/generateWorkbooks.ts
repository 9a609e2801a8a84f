/**
 * Deterministic generator of dirty doctors/appointments workbooks, of any size.
 *
 * Same seed and options → the same cell contents and, because timestamps are pinned, the same file
 * bytes. Rows are streamed to disk (exceljs WorkbookWriter) so a million appointments take flat
 * memory. What "dirt" means, kind by kind, is documented in dirt.ts (the catalogue); what was
 * actually written is returned in `stats`.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { appointmentExamples, writeAppointmentsSheet } from './appointmentsSheet';
import { buildRoster, parseIsoDay, unknownDoctorIds } from './baseData';
import { resolveDirtRates, type DirtRates, type SlashDateOrder } from './dirt';
import { doctorExamples, writeDoctorsSheet } from './doctorsSheet';
import { createWorkbookWriter, normaliseZipTimestamps, writeRow } from './excelFile';
import { createRandom } from './random';
import type { SheetStats } from './stats';

export type { DirtRates } from './dirt';
export { CLEAN_DIRT_RATES, DEFAULT_DIRT_RATES, DIRT_KINDS } from './dirt';
export type { SheetStats } from './stats';

export interface GenerateOptions {
  seed: number;
  /**
   * Rows below the header row of the appointments sheet. Every such row counts: bookings (valid or
   * not), duplicates, fill-series rows, repeated header rows and blank rows. Leading blank rows
   * above the header do not. The last row is always a booking.
   */
  appointments: number;
  /**
   * Doctors in the roster (distinct valid doctors). Extra dirt rows (duplicates, bad ids, nameless
   * rows, repeated headers, blank rows) come on top. Default: max(12, round(appointments / 400)).
   */
  doctors?: number;
  outDir: string;
  doctorsFile?: string; // default 'doctors.xlsx'
  appointmentsFile?: string; // default 'appointments.xlsx'
  /** How slash text dates are written; default 'mdy'. */
  slashDateOrder?: SlashDateOrder;
  /** Probabilities per kind of dirt (see dirt.ts); unspecified kinds use DEFAULT_DIRT_RATES. */
  dirt?: Partial<DirtRates>;
  /** Default: 'Doctors' and 'Appointments'. */
  sheetName?: { doctors?: string; appointments?: string };
  /** Put a 'README' sheet before the data sheet (tests "first sheet unless a sheet is named"). */
  extraSheetsFirst?: boolean;
  /** Write the workbooks with the 1904 date system flag (date serials are then 1904-based). */
  date1904?: boolean;
  /**
   * Guarantee at least one example of every dirt kind whose rate is above 0 (and of each variant the
   * brief quotes), spread over the file, before drawing the rest from the rates. Default true.
   * Also adds four bookings of `focusPatient`.
   */
  examples?: boolean;
  /** Booking dates are drawn from this range (inclusive, YYYY-MM-DD). Default: October 2025 for up
   * to 5,000 appointments, 2024-01-01..2026-06-30 above. */
  dateRange?: { from: string; to: string };
  /** Patient ids are drawn from 1..patients. Default max(60, round(appointments / 3)). */
  patients?: number;
  /** The patient the brief asks about (question 2). Default 34. */
  focusPatient?: number;
  /** First booking id. Default 1001. */
  firstBookingId?: number;
  /**
   * Doctor ids the appointments may use although the doctors file lacks them (placeholders).
   * Default: the roster's gap ids (105, 115, …) and two ids above it.
   */
  unknownDoctorIds?: readonly number[];
  /**
   * Rows after `appointments`: a booking date dragged down at the end of the sheet, the year
   * going up by one each row (10/24/2025, 10/24/2026, … as in the brief). `years` rows in all.
   */
  trailingFillSeries?: { from: string; years: number; repr?: 'text' | 'cell' };
}

export interface GeneratedWorkbooks {
  doctorsPath: string;
  appointmentsPath: string;
  /** What was written: header rows, row counts by type, dirt counts by kind and variant. */
  stats: { doctors: SheetStats; appointments: SheetStats };
}

const SMALL_FILE_ROWS = 5_000;

export async function generateWorkbooks(options: GenerateOptions): Promise<GeneratedWorkbooks> {
  const appointments = checkCount('appointments', options.appointments, 0);
  const doctors = checkCount('doctors', options.doctors ?? Math.max(12, Math.round(appointments / 400)), 1);
  if (!Number.isFinite(options.seed)) throw new RangeError(`seed must be a finite number, got ${options.seed}`);
  const rates = resolveDirtRates(options.dirt);
  const order = options.slashDateOrder ?? 'mdy';
  // Checked at run time too: the CLI and JS callers pass plain strings.
  if ((order as string) !== 'mdy' && (order as string) !== 'dmy') throw new RangeError(`slashDateOrder must be 'mdy' or 'dmy', got "${String(order)}"`);
  const range =
    options.dateRange ??
    (appointments <= SMALL_FILE_ROWS ? { from: '2025-10-01', to: '2025-10-31' } : { from: '2024-01-01', to: '2026-06-30' });
  const firstDay = parseIsoDay(range.from);
  const lastDay = parseIsoDay(range.to);
  if (lastDay < firstDay) throw new RangeError(`dateRange.to (${range.to}) is before dateRange.from (${range.from})`);
  const focusPatient = checkCount('focusPatient', options.focusPatient ?? 34, 1);
  const patients = Math.max(
    checkCount('patients', options.patients ?? Math.max(60, Math.round(appointments / 3)), 1),
    focusPatient,
  );
  const firstBookingId = checkCount('firstBookingId', options.firstBookingId ?? 1001, 1);
  const withExamples = options.examples ?? true;
  const date1904 = options.date1904 ?? false;

  const outDir = resolve(options.outDir);
  await mkdir(outDir, { recursive: true });
  const doctorsPath = join(outDir, options.doctorsFile ?? 'doctors.xlsx');
  const appointmentsPath = join(outDir, options.appointmentsFile ?? 'appointments.xlsx');

  const random = createRandom(options.seed);
  const roster = buildRoster(doctors, random.fork('roster'));

  // Doctors workbook
  const doctorsBook = createWorkbookWriter({ filename: doctorsPath, date1904 });
  if (options.extraSheetsFirst) addReadmeSheet(doctorsBook, 'doctors');
  const doctorsSheet = doctorsBook.addWorksheet(options.sheetName?.doctors ?? 'Doctors');
  const doctorsStats = await writeDoctorsSheet({
    sheet: doctorsSheet,
    roster,
    rates,
    random: random.fork('doctors'),
    examples: withExamples ? doctorExamples(rates) : [],
    forceExtraColumns: withExamples && rates.extraColumns > 0,
    // The one leading blank row of a guaranteed sample goes to the doctors file (the smaller one).
    forceLeadingBlankRows: withExamples && rates.leadingBlankRows > 0,
    quotedHeaders: withExamples,
  });
  doctorsSheet.commit();
  await doctorsBook.commit();
  await normaliseZipTimestamps(doctorsPath);

  // Appointments workbook
  const appointmentsBook = createWorkbookWriter({ filename: appointmentsPath, date1904 });
  if (options.extraSheetsFirst) addReadmeSheet(appointmentsBook, 'appointments');
  const appointmentsSheet = appointmentsBook.addWorksheet(options.sheetName?.appointments ?? 'Appointments');
  const appointmentsStats = await writeAppointmentsSheet({
    sheet: appointmentsSheet,
    roster,
    unknownDoctorIds: options.unknownDoctorIds ?? unknownDoctorIds(roster),
    rates,
    random: random.fork('appointments'),
    rows: appointments,
    examples: withExamples ? appointmentExamples(rates) : [],
    forceExtraColumns: withExamples && rates.extraColumns > 0,
    forceLeadingBlankRows: false,
    quotedHeaders: withExamples,
    order,
    date1904,
    firstDay,
    lastDay,
    patients,
    focusPatient,
    firstBookingId,
    ...(options.trailingFillSeries
      ? {
          trailingFillSeries: {
            day: parseIsoDay(options.trailingFillSeries.from),
            rows: checkCount('trailingFillSeries.years', options.trailingFillSeries.years, 0),
            repr: options.trailingFillSeries.repr ?? 'text',
          },
        }
      : {}),
  });
  appointmentsSheet.commit();
  await appointmentsBook.commit();
  await normaliseZipTimestamps(appointmentsPath);

  return { doctorsPath, appointmentsPath, stats: { doctors: doctorsStats, appointments: appointmentsStats } };
}

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

/** A small sheet before the data, as exports from some systems have ("first sheet unless named"). */
function addReadmeSheet(
  book: ReturnType<typeof createWorkbookWriter>,
  what: 'doctors' | 'appointments',
): void {
  const sheet = book.addWorksheet('README');
  sheet.columns = [{ width: 70 }];
  writeRow(sheet, 1, [{ value: `VIP Medical Group — ${what} export` }], true);
  writeRow(sheet, 2, [{ value: 'Exported from the scheduling system. The data is on the next sheet.' }]);
  sheet.commit();
}

/** One line describing what was generated, for the CLI. */
export function summarise(result: GeneratedWorkbooks): string {
  const describe = (stats: SheetStats): string => {
    const kinds = Object.keys(stats.dirt).length;
    const dirtCount = Object.values(stats.dirt).reduce((sum, n) => sum + n, 0);
    return (
      `${stats.rowsBelowHeader} rows (${stats.rows.data} data, ${stats.rows.repeatedHeader} repeated headers, ` +
      `${stats.rows.blank} blank), ${dirtCount} dirt marks of ${kinds} kinds`
    );
  };
  return (
    `${result.doctorsPath}: ${describe(result.stats.doctors)}; ` +
    `${result.appointmentsPath}: ${describe(result.stats.appointments)}`
  );
}
