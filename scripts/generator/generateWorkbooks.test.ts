/**
 * The generator, checked on real files read back with exceljs's non-streaming reader: determinism,
 * every dirt kind present in the default sample (seen in the cells, not just in the stats), clean
 * output with all rates 0, the 1904 flag, day-first slash dates, and a 20k-row run.
 */
import ExcelJS from 'exceljs';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAN_DIRT_RATES, DEFAULT_DIRT_RATES, DIRT_KINDS, normaliseHeader, type DirtKind } from './dirt';
import { generateWorkbooks, summarise, type GenerateOptions, type GeneratedWorkbooks } from './generateWorkbooks';
import { REAL_SHAPE_OPTIONS } from './realShape';
import { SAMPLE_OPTIONS } from './sample';

// ---------------------------------------------------------------------------------------------
// Reading back
// ---------------------------------------------------------------------------------------------

type Value = string | number | boolean | Date | null;

interface SheetContent {
  sheetNames: string[];
  date1904: boolean;
  /** Excel row number → cell values (column 1 first); absent rows are missing. */
  rows: Map<number, Value[]>;
  rowCount: number;
}

async function readSheet(path: string, sheetName?: string): Promise<SheetContent> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  const sheet = sheetName === undefined ? workbook.worksheets[0] : workbook.getWorksheet(sheetName);
  if (!sheet) throw new Error(`no sheet ${sheetName ?? '(first)'} in ${path}`);
  const rows = new Map<number, Value[]>();
  for (let rowNumber = 1; rowNumber <= sheet.rowCount; rowNumber++) {
    const row = sheet.findRow(rowNumber); // undefined when the row is absent from the file
    if (!row) continue;
    const values: Value[] = [];
    for (let c = 1; c <= row.cellCount; c++) {
      const value = row.getCell(c).value;
      values.push(value === undefined ? null : (value as Value));
    }
    rows.set(rowNumber, values);
  }
  return {
    sheetNames: workbook.worksheets.map((ws) => ws.name),
    date1904: Boolean(workbook.properties.date1904),
    rows,
    rowCount: sheet.rowCount,
  };
}

/** Cell values as comparable JSON (dates as ISO strings). */
const snapshot = (content: SheetContent): [number, (string | number | boolean | null)[]][] =>
  [...content.rows.entries()].map(([n, values]) => [n, values.map((v) => (v instanceof Date ? v.toISOString() : v))]);

const isEmpty = (v: Value): boolean => v === null || (typeof v === 'string' && v.trim() === '');

/** A sheet split by SPEC §4 rules 1–2: header, data rows by column key, repeated headers, blank rows. */
interface ParsedSheet {
  headerRow: number;
  headers: string[];
  keys: string[];
  data: { row: number; get: (key: string) => Value }[];
  repeatedHeaders: { row: number; texts: string[] }[];
  blankRows: { row: number; values: Value[] }[];
}

function parse(content: SheetContent): ParsedSheet {
  let headerRow = 0;
  for (let r = 1; r <= content.rowCount; r++) {
    const values = content.rows.get(r);
    if (values?.some((v) => !isEmpty(v))) {
      headerRow = r;
      break;
    }
  }
  const headers = (content.rows.get(headerRow) ?? []).map((v) => String(v ?? ''));
  const keys = headers.map(normaliseHeader);
  const parsed: ParsedSheet = { headerRow, headers, keys, data: [], repeatedHeaders: [], blankRows: [] };
  for (let r = headerRow + 1; r <= content.rowCount; r++) {
    const values = content.rows.get(r) ?? [];
    if (values.every(isEmpty)) {
      parsed.blankRows.push({ row: r, values });
      continue;
    }
    if (keys.every((key, i) => typeof values[i] === 'string' && normaliseHeader(values[i]) === key)) {
      parsed.repeatedHeaders.push({ row: r, texts: values.map(String) });
      continue;
    }
    parsed.data.push({ row: r, get: (key) => values[keys.indexOf(key)] ?? null });
  }
  return parsed;
}

/** Rule 3, as a test-side reference. */
function parseId(v: Value): number | null {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : null;
  if (typeof v === 'string') {
    const m = /^\s*\+?(\d+)(\.0+)?\s*$/.exec(v);
    return m ? Number(m[1]) : null;
  }
  return null;
}

/** Rule 4, as a test-side reference: YYYY-MM-DD or null. */
function parseDate(v: Value, order: 'mdy' | 'dmy'): string | null {
  const iso = (y: number, m: number, d: number): string | null => {
    const date = new Date(Date.UTC(y, m - 1, d));
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
    return date.toISOString().slice(0, 10);
  };
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v !== 'string') return null;
  const time = String.raw`(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?`;
  const ymd = new RegExp(String.raw`^(\d{4})[-/](\d{1,2})[-/](\d{1,2})${time}$`).exec(v.trim());
  if (ymd) return iso(Number(ymd[1]), Number(ymd[2]), Number(ymd[3]));
  const slash = new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4})${time}$`).exec(v.trim());
  if (!slash) return null;
  const [a, b, y] = [Number(slash[1]), Number(slash[2]), Number(slash[3])];
  return order === 'mdy' ? iso(y, a, b) : iso(y, b, a);
}

const statusOf = (v: Value): string | null => {
  if (typeof v !== 'string') return null;
  const letters = v.toLowerCase().replace(/\P{L}/gu, '');
  if (letters === 'confirmed' || letters === 'confirm') return 'confirmed';
  if (letters === 'cancelled' || letters === 'canceled' || letters === 'cancel') return 'cancelled';
  return null;
};

const SLASH = /^(\d{1,2})\/(\d{1,2})\/(\d{4})/;

// ---------------------------------------------------------------------------------------------

let workDir = '';
const dir = (name: string): string => join(workDir, name);

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'healthtech-generator-'));
});
afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('the default sample', () => {
  let result: GeneratedWorkbooks;
  let doctors: ParsedSheet;
  let appointments: ParsedSheet;
  let appointmentsContent: SheetContent;
  let doctorsContent: SheetContent;

  beforeAll(async () => {
    result = await generateWorkbooks({ ...SAMPLE_OPTIONS, outDir: dir('sample') });
    doctorsContent = await readSheet(result.doctorsPath);
    appointmentsContent = await readSheet(result.appointmentsPath);
    doctors = parse(doctorsContent);
    appointments = parse(appointmentsContent);
  });

  it('has the promised size and every example placed', () => {
    expect(result.stats.appointments.rowsBelowHeader).toBe(250);
    expect(appointmentsContent.rowCount - appointments.headerRow).toBe(250);
    expect(doctorsContent.rowCount).toBe(result.stats.doctors.lastRow);
    expect(result.stats.appointments.unplacedExamples).toEqual([]);
    const doctorIds = new Set(doctors.data.map((r) => parseId(r.get('doctor_id'))).filter((id) => id !== null));
    expect(doctorIds.size).toBeGreaterThanOrEqual(15);
    expect(summarise(result)).toContain('250 rows');
  });

  it('contains every dirt kind that is on by default (per the stats)', () => {
    const present = new Set([
      ...Object.keys(result.stats.doctors.dirt),
      ...Object.keys(result.stats.appointments.dirt),
    ]);
    const expected = DIRT_KINDS.filter((kind) => DEFAULT_DIRT_RATES[kind] > 0);
    expect(expected.filter((kind) => !present.has(kind))).toEqual([]);
    expect(present.has('ambiguousImpossibleDate' satisfies DirtKind)).toBe(false);
  });

  it('stats agree with the file: repeated headers and blank rows', () => {
    expect(appointments.repeatedHeaders).toHaveLength(result.stats.appointments.rows.repeatedHeader);
    expect(appointments.blankRows).toHaveLength(result.stats.appointments.rows.blank);
    expect(doctors.repeatedHeaders).toHaveLength(result.stats.doctors.rows.repeatedHeader);
    expect(doctors.blankRows).toHaveLength(result.stats.doctors.rows.blank);
  });

  it('has mistyped headers, extra columns and a leading blank row', () => {
    expect(appointments.headers).toEqual(expect.arrayContaining(['Booking ID', 'Patient  ID', 'Doctor-ID', 'STATUS']));
    expect(doctors.headers).toContain(' Name ');
    expect(appointments.keys).toEqual(expect.arrayContaining(['clinic', 'notes']));
    expect(appointments.keys.indexOf('clinic')).toBeLessThan(appointments.keys.indexOf('booking_date')); // in the middle
    expect(doctors.keys).toContain('phone');
    expect(doctors.headerRow).toBeGreaterThan(1);
  });

  it('has ids typed as text, non-numeric, decimal, negative, out of range and empty', () => {
    const idCells = appointments.data.flatMap((r) => [r.get('booking_id'), r.get('patient_id'), r.get('doctor_id')]);
    const texts = idCells.filter((v): v is string => typeof v === 'string');
    expect(texts.some((t) => /^\d+\.0$/.test(t))).toBe(true); // "104.0"
    expect(texts.some((t) => /^\s+\d+\s+$/.test(t))).toBe(true); // " 104 "
    expect(texts.some((t) => /^\d+$/.test(t) && t.length <= 4)).toBe(true); // "105"
    expect(texts.some((t) => /^\d+X$/.test(t))).toBe(true); // "37X"
    expect(idCells.some((v) => typeof v === 'number' && !Number.isInteger(v))).toBe(true); // 12.5
    expect(idCells.some((v) => (typeof v === 'number' && v < 0) || (typeof v === 'string' && /^-\d+$/.test(v)))).toBe(true);
    expect(idCells.some((v) => typeof v === 'number' && v > 2_147_483_647)).toBe(true); // doctor_id beyond INTEGER
    expect(texts.some((t) => /^\d{20,}$/.test(t))).toBe(true); // booking id beyond BIGINT
    expect(appointments.data.some((r) => isEmpty(r.get('patient_id')))).toBe(true);
    const doctorIdTexts = doctors.data.map((r) => r.get('doctor_id')).filter((v): v is string => typeof v === 'string');
    expect(doctorIdTexts.some((t) => /^\d+\.0$/.test(t))).toBe(true);
    expect(doctorIdTexts.some((t) => /^\s+\d+\s+$/.test(t))).toBe(true);
  });

  it('has dates in mixed text formats, as date cells, with times, impossible, and no day-first evidence', () => {
    const dates = appointments.data.map((r) => r.get('booking_date'));
    const texts = dates.filter((v): v is string => typeof v === 'string');
    expect(texts.some((t) => /^\d{1,2}\/\d{1,2}\/\d{4}$/.test(t))).toBe(true);
    expect(texts.some((t) => /^\d{4}-\d{2}-\d{2}$/.test(t))).toBe(true);
    expect(texts.some((t) => /^\d{4}\/\d{2}\/\d{2}$/.test(t))).toBe(true);
    expect(texts.some((t) => /^\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}/.test(t))).toBe(true);
    expect(texts.some((t) => /^\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d{2}/.test(t))).toBe(true);
    expect(dates.some((v) => v instanceof Date && v.getUTCHours() === 0)).toBe(true);
    expect(dates.some((v) => v instanceof Date && v.getUTCHours() !== 0)).toBe(true); // a date-time cell
    expect(texts).toContain('02/30/2025');
    expect(texts.filter((t) => /^\d/.test(t) && parseDate(t, 'mdy') === null).length).toBeGreaterThanOrEqual(4);
    expect(appointments.data.some((r) => isEmpty(r.get('booking_date')))).toBe(true);
    // `auto` date order must settle on month-first without conflict.
    const parts = texts.map((t) => SLASH.exec(t)).filter((m) => m !== null);
    expect(parts.filter((m) => Number(m[1]) > 12)).toEqual([]);
    expect(parts.some((m) => Number(m[2]) > 12)).toBe(true);
    // Mostly October 2025.
    const parsed = dates.map((v) => parseDate(v, 'mdy')).filter((d) => d !== null);
    expect(parsed.filter((d) => d.startsWith('2025-10')).length / parsed.length).toBeGreaterThan(0.9);
  });

  it('has fill-series runs where the year increments row by row, as text and as date cells', () => {
    const runs: { kind: 'text' | 'date'; length: number }[] = [];
    let previous: { row: number; date: string; kind: 'text' | 'date' } | null = null;
    let length = 1;
    for (const r of appointments.data) {
      const v = r.get('booking_date');
      const date = parseDate(v, 'mdy');
      const kind = v instanceof Date ? 'date' : 'text';
      const continues =
        previous !== null &&
        date !== null &&
        previous.row === r.row - 1 &&
        previous.kind === kind &&
        Number(date.slice(0, 4)) === Number(previous.date.slice(0, 4)) + 1 &&
        date.slice(4) === previous.date.slice(4);
      if (continues) length++;
      else {
        if (previous && length >= 3) runs.push({ kind: previous.kind, length });
        length = 1;
      }
      previous = date === null ? null : { row: r.row, date, kind };
    }
    if (previous && length >= 3) runs.push({ kind: previous.kind, length });
    expect(runs.some((run) => run.kind === 'text')).toBe(true);
    expect(runs.some((run) => run.kind === 'date')).toBe(true);
  });

  it('has every status spelling the brief quotes, and invalid ones', () => {
    const statuses = appointments.data.map((r) => r.get('status'));
    for (const text of ['confirmed', 'cancelled', 'Confirmed', 'confirmed ', 'confirmed.', 'CONFIRMED', 'canceled', 'cancelled ', 'Cancel', 'pending', 'no-show']) {
      expect(statuses, JSON.stringify(text)).toContain(text);
    }
    expect(statuses.some((v) => isEmpty(v))).toBe(true);
  });

  it('references doctors missing from the doctors file, 105 among them', () => {
    const known = new Set(
      doctors.data.filter((r) => !isEmpty(r.get('name'))).map((r) => parseId(r.get('doctor_id'))),
    );
    const referenced = appointments.data.map((r) => parseId(r.get('doctor_id'))).filter((id) => id !== null);
    const missing = new Set(referenced.filter((id) => !known.has(id)));
    expect(missing.has(105)).toBe(true);
    expect(referenced.filter((id) => id === 105).length).toBeGreaterThanOrEqual(3);
    expect(missing.size).toBeGreaterThanOrEqual(2);
  });

  it('repeats the header inside the sheet, exactly and re-typed', () => {
    const texts = appointments.repeatedHeaders.map((h) => JSON.stringify(h.texts));
    expect(texts).toContain(JSON.stringify(appointments.headers));
    expect(texts.some((t) => t !== JSON.stringify(appointments.headers))).toBe(true);
    expect(doctors.repeatedHeaders.length).toBeGreaterThanOrEqual(1);
  });

  it('has blank rows: absent, formatted-but-empty and holding empty strings', () => {
    const blanks = appointments.blankRows;
    expect(blanks.some((b) => !appointmentsContent.rows.has(b.row))).toBe(true);
    expect(blanks.some((b) => appointmentsContent.rows.has(b.row) && b.values.every((v) => v === null))).toBe(true);
    expect(blanks.some((b) => b.values.length > 0 && b.values.every((v) => v === ''))).toBe(true);
    expect(doctors.blankRows.length).toBeGreaterThanOrEqual(1);
  });

  it('has duplicate booking ids: an earlier date later in the file, and exact ties', () => {
    const seen = new Map<number, { row: number; date: string | null }[]>();
    for (const r of appointments.data) {
      const id = parseId(r.get('booking_id'));
      if (id === null) continue;
      const list = seen.get(id) ?? [];
      list.push({ row: r.row, date: parseDate(r.get('booking_date'), 'mdy') });
      seen.set(id, list);
    }
    const groups = [...seen.values()].filter((list) => list.length > 1);
    expect(groups.length).toBeGreaterThanOrEqual(5);
    const [first, second] = [(l: typeof groups[0]) => l[0]?.date ?? '', (l: typeof groups[0]) => l[1]?.date ?? ''];
    expect(groups.some((l) => second(l) !== '' && second(l) < first(l))).toBe(true);
    expect(groups.some((l) => second(l) !== '' && second(l) > first(l))).toBe(true);
    expect(groups.some((l) => second(l) !== '' && second(l) === first(l))).toBe(true);
  });

  it('has doctors-file dirt: duplicate ids, padded text, empty specialty, a row without name', () => {
    const ids = doctors.data.map((r) => parseId(r.get('doctor_id'))).filter((id) => id !== null);
    expect(new Set(ids).size).toBeLessThan(ids.length);
    expect(doctors.data.some((r) => typeof r.get('name') === 'string' && (r.get('name') as string) !== (r.get('name') as string).trim())).toBe(true);
    expect(doctors.data.some((r) => typeof r.get('specialty') === 'string' && (r.get('specialty') as string) !== (r.get('specialty') as string).trim())).toBe(true);
    expect(doctors.data.some((r) => isEmpty(r.get('specialty')) && !isEmpty(r.get('name')))).toBe(true);
    expect(doctors.data.some((r) => isEmpty(r.get('name')) && parseId(r.get('doctor_id')) !== null)).toBe(true);
    expect(doctors.data.some((r) => parseId(r.get('doctor_id')) === null)).toBe(true); // a bad id
    expect(doctors.data.some((r) => /[À-ž]/.test(String(r.get('name'))))).toBe(true); // accents
  });

  it('gives the business questions interesting answers', () => {
    const valid = appointments.data.filter(
      (r) => parseId(r.get('patient_id')) !== null && parseDate(r.get('booking_date'), 'mdy') !== null && statusOf(r.get('status')) !== null,
    );
    const patient34 = valid.filter((r) => parseId(r.get('patient_id')) === 34);
    expect(patient34.length).toBeGreaterThanOrEqual(4);
    expect(patient34.filter((r) => statusOf(r.get('status')) === 'confirmed').length).toBeGreaterThanOrEqual(3);
    const lateOctoberCancelled = valid.filter((r) => {
      const date = parseDate(r.get('booking_date'), 'mdy') ?? '';
      return date >= '2025-10-21' && date <= '2025-10-24' && statusOf(r.get('status')) === 'cancelled';
    });
    expect(lateOctoberCancelled.length).toBeGreaterThanOrEqual(2);
  });

  const committed = join(process.cwd(), 'samples');
  it.skipIf(!existsSync(join(committed, 'appointments.xlsx')))('matches the committed samples/ (run `npm run samples` if not)', async () => {
    for (const name of ['doctors.xlsx', 'appointments.xlsx']) {
      const fresh = snapshot(await readSheet(join(dir('sample'), name)));
      const stored = snapshot(await readSheet(join(committed, name)));
      expect(stored, name).toEqual(fresh);
    }
  });
});

describe('determinism', () => {
  const options = (outDir: string, seed = 99): GenerateOptions => ({ seed, appointments: 600, outDir });

  it('writes the same cells, and the same bytes, for the same seed', async () => {
    const a = await generateWorkbooks(options(dir('det-a')));
    const b = await generateWorkbooks(options(dir('det-b')));
    for (const [x, y] of [
      [a.doctorsPath, b.doctorsPath],
      [a.appointmentsPath, b.appointmentsPath],
    ] as const) {
      expect(snapshot(await readSheet(y))).toEqual(snapshot(await readSheet(x)));
      expect((await readFile(y)).equals(await readFile(x))).toBe(true);
    }
    expect(b.stats).toEqual(a.stats);
  });

  it('writes different cells for another seed', async () => {
    const a = await generateWorkbooks(options(dir('det-c'), 1));
    const b = await generateWorkbooks(options(dir('det-d'), 2));
    expect(snapshot(await readSheet(b.appointmentsPath))).not.toEqual(snapshot(await readSheet(a.appointmentsPath)));
  });
});

describe('dirt rates of 0', () => {
  it('give clean workbooks', async () => {
    const result = await generateWorkbooks({ seed: 5, appointments: 400, outDir: dir('clean'), dirt: { ...CLEAN_DIRT_RATES } });
    expect(result.stats.doctors.dirt).toEqual({});
    expect(result.stats.appointments.dirt).toEqual({});
    const doctors = parse(await readSheet(result.doctorsPath));
    const content = await readSheet(result.appointmentsPath);
    const appointments = parse(content);

    expect(doctors.headerRow).toBe(1);
    expect(doctors.headers).toEqual(['doctor_id', 'name', 'specialty']);
    expect(doctors.repeatedHeaders).toEqual([]);
    expect(doctors.blankRows).toEqual([]);
    const doctorIds = doctors.data.map((r) => r.get('doctor_id'));
    expect(doctorIds.every((v) => typeof v === 'number' && Number.isInteger(v) && v > 0)).toBe(true);
    expect(new Set(doctorIds).size).toBe(doctorIds.length);
    expect(doctorIds).toHaveLength(12);
    for (const r of doctors.data) {
      for (const key of ['name', 'specialty']) {
        const v = r.get(key);
        expect(typeof v === 'string' && v.length > 0 && v === v.trim(), `${key} ${String(v)}`).toBe(true);
      }
    }

    expect(appointments.headerRow).toBe(1);
    expect(appointments.headers).toEqual(['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'status']);
    expect(appointments.repeatedHeaders).toEqual([]);
    expect(appointments.blankRows).toEqual([]);
    expect(appointments.data).toHaveLength(400);
    const known = new Set(doctorIds);
    const bookingIds = new Set<unknown>();
    for (const r of appointments.data) {
      for (const key of ['booking_id', 'patient_id', 'doctor_id']) {
        const v = r.get(key);
        expect(typeof v === 'number' && Number.isInteger(v) && v > 0, `${key} ${String(v)}`).toBe(true);
      }
      expect(known.has(r.get('doctor_id'))).toBe(true);
      const date = r.get('booking_date');
      expect(date instanceof Date && date.getUTCHours() === 0).toBe(true);
      expect(['confirmed', 'cancelled']).toContain(r.get('status'));
      bookingIds.add(r.get('booking_id'));
    }
    expect(bookingIds.size).toBe(400);
  });

  it('turn off one kind at a time', async () => {
    const result = await generateWorkbooks({
      seed: 8,
      appointments: 500,
      outDir: dir('no-status-dirt'),
      dirt: { statusVariant: 0, invalidStatus: 0 },
    });
    expect(result.stats.appointments.dirt.statusVariant).toBeUndefined();
    expect(result.stats.appointments.dirt.invalidStatus).toBeUndefined();
    expect(result.stats.appointments.dirt.textDate).toBeGreaterThan(0);
    const appointments = parse(await readSheet(result.appointmentsPath));
    for (const r of appointments.data) {
      const status = r.get('status');
      // Rows of the other kinds keep canonical statuses, except the duplicate made invalid on purpose.
      if (status !== 'pending') expect(['confirmed', 'cancelled']).toContain(status);
    }
  });
});

describe('workbook options', () => {
  it('sets the 1904 date system flag, with dates that read back the same', async () => {
    const base = { seed: 31, appointments: 300 };
    const normal = await generateWorkbooks({ ...base, outDir: dir('d1900') });
    const old = await generateWorkbooks({ ...base, outDir: dir('d1904'), date1904: true });
    const normalContent = await readSheet(normal.appointmentsPath);
    const oldContent = await readSheet(old.appointmentsPath);
    expect(normalContent.date1904).toBe(false);
    expect(oldContent.date1904).toBe(true);
    expect((await readSheet(old.doctorsPath)).date1904).toBe(true);
    // exceljs applies the flag when reading: equal dates prove the serials were written 1904-based.
    expect(snapshot(oldContent)).toEqual(snapshot(normalContent));
    const dates = parse(oldContent).data.map((r) => r.get('booking_date'));
    expect(dates.filter((v) => v instanceof Date).length).toBeGreaterThan(50);
  });

  it('writes slash dates day-first with dmy, provably', async () => {
    const base = { seed: 77, appointments: 400 };
    const mdy = parse(await readSheet((await generateWorkbooks({ ...base, outDir: dir('mdy') })).appointmentsPath));
    const dmy = parse(
      await readSheet((await generateWorkbooks({ ...base, outDir: dir('dmy'), slashDateOrder: 'dmy' })).appointmentsPath),
    );
    let swapped = 0;
    let dayAbove12 = 0;
    dmy.data.forEach((r, i) => {
      const text = r.get('booking_date');
      if (typeof text !== 'string') return;
      const m = SLASH.exec(text);
      if (!m) return;
      expect(Number(m[2]), text).toBeLessThanOrEqual(12); // never month-first evidence
      if (Number(m[1]) > 12) dayAbove12++;
      // Same seed: the same booking, written month-first in the mdy file.
      const other = mdy.data[i]?.get('booking_date');
      expect(typeof other === 'string' ? other.replace(SLASH, '$2/$1/$3') : other).toBe(text);
      swapped++;
    });
    expect(swapped).toBeGreaterThan(50);
    expect(dayAbove12).toBeGreaterThan(10);
  });

  it('puts a README sheet first and names the data sheets', async () => {
    const result = await generateWorkbooks({
      seed: 4,
      appointments: 50,
      outDir: dir('sheets'),
      extraSheetsFirst: true,
      sheetName: { doctors: 'Staff', appointments: 'Bookings' },
      doctorsFile: 'staff.xlsx',
      appointmentsFile: 'bookings.xlsx',
    });
    expect(result.doctorsPath.endsWith('staff.xlsx')).toBe(true);
    const doctors = await readSheet(result.doctorsPath, 'Staff');
    const appointments = await readSheet(result.appointmentsPath, 'Bookings');
    expect(doctors.sheetNames).toEqual(['README', 'Staff']);
    expect(appointments.sheetNames).toEqual(['README', 'Bookings']);
    expect(parse(appointments).keys).toEqual(expect.arrayContaining(['booking_id', 'status']));
  });

  it('writes a real export’s shape: a few days, three doctors, one placeholder, a date dragged to 2355 at the end', async () => {
    const result = await generateWorkbooks({ ...REAL_SHAPE_OPTIONS, outDir: dir('real-shape') });
    const sheet = parse(await readSheet(result.appointmentsPath));
    expect(result.stats.appointments.rowsBelowHeader).toBe(300 + 331);
    // The last 331 rows: the same day, one year later each row, from 10/24/2025 to 10/24/2355.
    const tail = sheet.data.slice(-331).map((r) => parseDate(r.get('booking_date'), 'mdy'));
    expect(tail).toEqual(Array.from({ length: 331 }, (_, i) => `${2025 + i}-10-24`));
    // Before them, bookings within the five days (a duplicate may move one a few days earlier).
    const days = sheet.data.slice(0, -331).map((r) => parseDate(r.get('booking_date'), 'mdy')).filter((d): d is string => d !== null);
    expect(days.filter((d) => d >= '2025-10-20' && d <= '2025-10-24').length).toBeGreaterThan(days.length * 0.9);
    expect(days.every((d) => d >= '2025-10-10' && d <= '2025-10-24')).toBe(true);
    // Three doctors in the file; every other doctor id used is 105, the one placeholder.
    const roster = parse(await readSheet(result.doctorsPath)).data.map((r) => parseId(r.get('doctor_id'))).filter((id): id is number => id !== null);
    expect([...new Set(roster)].sort()).toEqual([101, 102, 103]);
    // (The id too large for INTEGER is a rejected row, not a doctor.)
    const used = new Set(sheet.data.map((r) => parseId(r.get('doctor_id'))).filter((id): id is number => id !== null && id <= 2_147_483_647));
    expect([...used].filter((id) => !roster.includes(id))).toEqual([105]);
  });

  it('rejects impossible options', async () => {
    await expect(generateWorkbooks({ seed: 1, appointments: -1, outDir: dir('bad') })).rejects.toThrow(RangeError);
    await expect(generateWorkbooks({ seed: 1, appointments: 10, doctors: 0, outDir: dir('bad') })).rejects.toThrow(RangeError);
    await expect(generateWorkbooks({ seed: 1, appointments: 10, outDir: dir('bad'), dirt: { blankRow: 2 } })).rejects.toThrow(/between 0 and 1/);
    await expect(
      generateWorkbooks({ seed: 1, appointments: 10, outDir: dir('bad'), dateRange: { from: '2025-02-30', to: '2025-03-01' } }),
    ).rejects.toThrow(/not a real calendar date/);
  });
});

describe('larger files', () => {
  it('writes 8,000 appointment rows, spread over 2024–2026, with stats that match the file', async () => {
    const result = await generateWorkbooks({ seed: 2024, appointments: 8_000, outDir: dir('8k') });
    const content = await readSheet(result.appointmentsPath);
    const appointments = parse(content);
    const stats = result.stats.appointments;
    expect(content.rowCount).toBe(stats.lastRow);
    expect(stats.rowsBelowHeader).toBe(8_000);
    expect(stats.rows.data + stats.rows.repeatedHeader + stats.rows.blank).toBe(8_000);
    expect(appointments.data).toHaveLength(stats.rows.data);
    expect(appointments.repeatedHeaders).toHaveLength(stats.rows.repeatedHeader);
    expect(appointments.blankRows).toHaveLength(stats.rows.blank);
    expect(result.stats.doctors.rows.data).toBeGreaterThanOrEqual(20); // round(8000 / 400)
    const years = new Set(
      appointments.data.map((r) => parseDate(r.get('booking_date'), 'mdy')?.slice(0, 4)).filter((y) => y !== undefined),
    );
    expect([...years]).toEqual(expect.arrayContaining(['2024', '2025', '2026']));
  });
});
