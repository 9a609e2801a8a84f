/**
 * The clean "truth" the generator starts from, before any dirt: a doctor roster, calendar helpers
 * and the Excel date-serial arithmetic. Dirt (dirt.ts) only changes how these values are typed.
 */
import type { Random } from './random';

// ---------------------------------------------------------------------------------------------
// Calendar: dates are whole days since 1970-01-01 (UTC), which keeps arithmetic exact.
// ---------------------------------------------------------------------------------------------

export interface CalendarDate {
  year: number;
  month: number; // 1–12
  day: number; // 1–31
}

const MS_PER_DAY = 86_400_000;

export function toDayNumber(date: CalendarDate): number {
  const d = new Date(0);
  d.setUTCFullYear(date.year, date.month - 1, date.day);
  return Math.round(d.getTime() / MS_PER_DAY);
}

export function fromDayNumber(dayNumber: number): CalendarDate {
  const d = new Date(dayNumber * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Parse `YYYY-MM-DD` strictly (used for options). */
export function parseIsoDay(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) throw new RangeError(`expected a date as YYYY-MM-DD, got "${text}"`);
  const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const n = toDayNumber(date);
  const back = fromDayNumber(n);
  if (back.year !== date.year || back.month !== date.month || back.day !== date.day) {
    throw new RangeError(`"${text}" is not a real calendar date`);
  }
  return n;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** A UTC midnight (plus an optional time of day) as a JS Date, the form exceljs writes as a date cell. */
export function toUtcDate(dayNumber: number, minutesOfDay = 0): Date {
  return new Date(dayNumber * MS_PER_DAY + minutesOfDay * 60_000);
}

/** Days between 1899-12-30 (Excel's 1900-system day 0, leap-year bug included) and 1970-01-01. */
const EXCEL_1900_EPOCH_OFFSET = 25_569;
/** The 1904 system counts from 1904-01-01: 1462 days later than the 1900 system. */
const EXCEL_1904_SHIFT = 1_462;

/**
 * The Excel serial number of a day (plus a fraction for the time of day) in the workbook's date
 * system. Valid for dates after 1900-03-01, which is all this generator writes.
 */
export function excelSerial(dayNumber: number, minutesOfDay: number, date1904: boolean): number {
  const serial = dayNumber + EXCEL_1900_EPOCH_OFFSET - (date1904 ? EXCEL_1904_SHIFT : 0);
  return minutesOfDay === 0 ? serial : serial + minutesOfDay / 1440;
}

// ---------------------------------------------------------------------------------------------
// Doctors
// ---------------------------------------------------------------------------------------------

const FIRST_NAMES = [
  'Ana', 'José', 'María', 'Lucía', 'Mateo', 'Sofía', 'Chloé', 'Élodie', 'François', 'Hélène',
  'Jürgen', 'Björn', 'Søren', 'Zoë', 'Renée', 'Noah', 'Liam', 'Emma', 'Olivia', 'Rajesh',
  'Mei', 'Omar', 'Fatima', 'Ingrid', 'Kwame', 'Aiko', 'Tomás', 'Inés', 'Nikolai', 'Priya',
] as const;

const LAST_NAMES = [
  'Pérez', 'García', 'Núñez', 'Ibáñez', 'Fernández', 'Müller', 'Schäfer', 'Dubois', 'Lefèvre',
  'Smith', 'Johnson', 'Nguyen', 'Okafor', 'Kowalski', 'Rossi', 'Silva', "O'Brien", 'Patel',
  'Kim', 'Yılmaz', 'Andersson', 'Novak', 'Haddad', 'Tanaka', 'Costa', 'Moreau', 'Walsh', 'Chen',
] as const;

export const SPECIALTIES = [
  'Cardiology', 'Dermatology', 'Pediatrics', 'Orthopedics', 'Neurology', 'General Practice',
  'Oncology', 'Ophthalmology', 'Psychiatry', 'Gastroenterology', 'Endocrinology', 'Radiology',
] as const;

export interface Doctor {
  id: number;
  name: string;
  specialty: string;
  /** Relative share of appointments, so the leaderboard has a clear shape. */
  weight: number;
}

/** First id of the roster. Ids ending in 5 (105, 115, …) are left out: see `isGapId`. */
export const FIRST_DOCTOR_ID = 101;

/**
 * Ids that are deliberately *not* in the roster, so appointments can reference doctors missing from
 * the doctors file ("doctor 105" in the brief). Every id ending in 5 is a gap.
 */
export function isGapId(id: number): boolean {
  return id % 10 === 5;
}

export function doctorName(random: Random): string {
  // Most names carry the "Dr." title; a few were typed without it.
  const title = random.chance(0.92) ? 'Dr. ' : '';
  return `${title}${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)}`;
}

/** The roster: `count` doctors with increasing ids from 101, skipping gap ids. */
export function buildRoster(count: number, random: Random): Doctor[] {
  const roster: Doctor[] = [];
  let id = FIRST_DOCTOR_ID;
  while (roster.length < count) {
    if (!isGapId(id)) {
      roster.push({
        id,
        name: doctorName(random),
        specialty: random.pick(SPECIALTIES),
        weight: 0.4 + random.next() * 1.6,
      });
    }
    id++;
  }
  return roster;
}

/** Gap ids inside the roster's id range, plus a few just above it (e.g. a doctor hired later). */
export function unknownDoctorIds(roster: readonly Doctor[]): number[] {
  const last = roster.length > 0 ? (roster[roster.length - 1] as Doctor).id : FIRST_DOCTOR_ID;
  const ids: number[] = [];
  for (let id = FIRST_DOCTOR_ID; id <= last; id++) if (isGapId(id)) ids.push(id);
  // Above the range, ids that are not gaps themselves, so they differ in kind from 105-style gaps.
  ids.push(last + 12, last + 37);
  return ids;
}
