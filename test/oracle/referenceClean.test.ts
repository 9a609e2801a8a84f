/**
 * Tests of the test oracle itself (test/oracle/referenceClean.ts): small hand-made workbooks,
 * each pinning one of the team's decisions with values worked out by hand.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseHeader, referenceClean, type ReferenceOptions, type ReferenceResult } from './referenceClean';

// ---------------------------------------------------------------------------------------------
// Workbook helpers
// ---------------------------------------------------------------------------------------------

/** A cell with a number format (e.g. a date-formatted serial number). */
class Styled {
  constructor(
    readonly value: unknown,
    readonly numFmt: string,
  ) {}
}
const styled = (value: unknown, numFmt: string): Styled => new Styled(value, numFmt);

/** Put the following row at an explicit Excel row number (leaving rows in between absent). */
class At {
  constructor(
    readonly row: number,
    readonly cells: unknown[],
  ) {}
}
const at = (row: number, cells: unknown[]): At => new At(row, cells);

type RowSpec = unknown[] | At;

interface SheetSpec {
  name: string;
  rows: RowSpec[];
  merges?: string[];
}

let dir = '';
let fileNo = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'oracle-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function fillRow(row: ExcelJS.Row, cells: unknown[]): void {
  cells.forEach((spec, i) => {
    if (spec === undefined || spec === null) return;
    const cell = row.getCell(i + 1);
    if (spec instanceof Styled) {
      cell.value = spec.value as ExcelJS.CellValue;
      cell.numFmt = spec.numFmt;
    } else {
      cell.value = spec as ExcelJS.CellValue;
    }
  });
}

async function writeBook(sheets: SheetSpec[], opts: { date1904?: boolean } = {}): Promise<string> {
  const wb = new ExcelJS.Workbook();
  if (opts.date1904) wb.properties.date1904 = true;
  for (const sheet of sheets) {
    const ws = wb.addWorksheet(sheet.name);
    for (const spec of sheet.rows) {
      if (spec instanceof At) {
        fillRow(ws.getRow(spec.row), spec.cells);
      } else {
        // addRow for the plain values, then set the special ones cell by cell
        const row = ws.addRow([]);
        fillRow(row, spec);
      }
    }
    for (const range of sheet.merges ?? []) ws.mergeCells(range);
  }
  const path = join(dir, `book-${++fileNo}.xlsx`);
  await wb.xlsx.writeFile(path);
  return path;
}

const sheet = (rows: RowSpec[], name = 'Sheet1'): SheetSpec[] => [{ name, rows }];

const APPT_HEADER = ['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'status'];
const DOC_HEADER = ['doctor_id', 'name', 'specialty'];
const RUN_DATE = '2025-11-01';

const utc = (y: number, m: number, d: number, h = 0, min = 0): Date => new Date(Date.UTC(y, m - 1, d, h, min));

async function run(
  doctorRows: RowSpec[],
  apptRows: RowSpec[],
  opts: Partial<ReferenceOptions> = {},
): Promise<ReferenceResult> {
  const doctors = await writeBook(sheet(doctorRows));
  const appts = await writeBook(sheet(apptRows));
  return referenceClean(doctors, appts, { runDate: RUN_DATE, ...opts });
}

/** One doctor (id 1) and the given appointment data rows under a standard header. */
function runAppts(rows: RowSpec[], opts: Partial<ReferenceOptions> = {}): Promise<ReferenceResult> {
  return run([DOC_HEADER, [1, 'Dr One', 'GP']], [APPT_HEADER, ...rows], opts);
}

/** The given doctor data rows under a standard header, and no appointments. */
function runDoctors(rows: RowSpec[], opts: Partial<ReferenceOptions> = {}): Promise<ReferenceResult> {
  return run([DOC_HEADER, ...rows], [APPT_HEADER], opts);
}

function expectReconciled(r: ReferenceResult): void {
  for (const c of Object.values(r.perFile)) {
    expect(c.read).toBe(c.kept + c.rejected + c.repeatedHeaders + c.blankRows);
  }
}

// ---------------------------------------------------------------------------------------------
// The worked example: one of each kind of dirt
// ---------------------------------------------------------------------------------------------

describe('worked example (one of each dirt)', () => {
  // doctors.xlsx
  //  r1  header ' Doctor-ID ', ' Name ', 'SPECIALTY', 'Notes'  → doctor_id, name, specialty (+ extra 'notes')
  //  r2  101, 'Dr. Ana Lima', 'Cardiology'        kept, 0 fixes
  //  r3  '102.0', ' Dr. Bob Stone ', '  '          kept, 3 fixes (id, name trimmed, specialty → NULL)
  //  r4  '37X', 'Dr. X', 'Derm'                   rejected invalid_integer doctor_id
  //  r5  103, '   ', 'Derm'                        rejected missing_value name
  //  r6  (absent)                                  blank
  //  r7  'doctor_id', 'NAME', 'specialty'          repeated header
  //  r8  '101', 'Dr. Ana Dup', 'Cardiology'        rejected duplicate (kept r2)
  //  r9  104, 'Dr. Chloé Núñez', (empty)           kept, specialty NULL, 0 fixes
  //  read 8 = kept 3 + rejected 3 + repeated 1 + blank 1
  const doctorRows: RowSpec[] = [
    [' Doctor-ID ', ' Name ', 'SPECIALTY', 'Notes'],
    [101, 'Dr. Ana Lima', 'Cardiology', 'senior'],
    ['102.0', ' Dr. Bob Stone ', '  '],
    ['37X', 'Dr. X', 'Derm'],
    [103, '   ', 'Derm'],
    at(7, ['doctor_id', 'NAME', 'specialty']),
    ['101', 'Dr. Ana Dup', 'Cardiology'],
    [104, 'Dr. Chloé Núñez'],
  ];
  // appointments.xlsx (runDate 2025-11-01 → suspicious after 2026-11-01)
  //  r1  header 'Booking ID', 'Patient  ID', 'Doctor-ID', 'booking_date', 'STATUS'
  //  r2  1, 34, 101, '10/20/2025', 'Confirmed'      duplicate of booking 1 (r11 is earlier) → rejected
  //  r3  ' 2 ', '34', '104.0', '2025-10-21', 'confirmed'  kept; fixes: booking, doctor = 2
  //  r4  '3', '', 101, '2025/10/22', 'cancelled'   rejected missing_value patient_id
  //  r5  '37X', 35, 101, '2025-10-22', 'confirmed'  rejected invalid_integer booking_id
  //  r6  5, 36, 102, '02/30/2025', 'confirmed'      rejected invalid_date booking_date
  //  r7  6, 36, 102, <Date 2025-10-23 15:30Z>, 'confirmed.'  kept; fixes: status = 1
  //  r8  (absent)                                    blank
  //  r9  repeated header (lower-case names)
  //  r10 7, 37, 999, '10/24/2025', 'canceled'       kept, doctor 999 → placeholder; fixes: date, status = 2
  //  r11 1, 34, 101, '10/19/2025', 'cancelled '     kept (earliest booking 1); fixes: date, status = 2
  //  r12 8, 38, 102, '10/24/2355', 'confirmed'      kept, suspicious (fill-series); fixes: date = 1
  //  r13 9, 39, 101, '2025-10-23', 'maybe'          rejected invalid_status
  //  read 12 = kept 5 + rejected 5 + repeated 1 + blank 1
  //  slash dates: r2, r6, r10, r11, r12 all have second part > 12 → monthFirst 5, dayFirst 0 → mdy
  //  fixed = doctors 3 + appointments (2 + 1 + 2 + 2 + 1) = 11
  const apptRows: RowSpec[] = [
    ['Booking ID', 'Patient  ID', 'Doctor-ID', 'booking_date', 'STATUS'],
    [1, 34, 101, '10/20/2025', 'Confirmed'],
    [' 2 ', '34', '104.0', '2025-10-21', 'confirmed'],
    ['3', '', 101, '2025/10/22', 'cancelled'],
    ['37X', 35, 101, '2025-10-22', 'confirmed'],
    [5, 36, 102, '02/30/2025', 'confirmed'],
    [6, 36, 102, utc(2025, 10, 23, 15, 30), 'confirmed.'],
    at(9, ['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'status']),
    [7, 37, 999, '10/24/2025', 'canceled'],
    [1, 34, 101, '10/19/2025', 'cancelled '],
    [8, 38, 102, '10/24/2355', 'confirmed'],
    [9, 39, 101, '2025-10-23', 'maybe'],
  ];

  it('default policy: every output exactly', async () => {
    const r = await run(doctorRows, apptRows);
    expect(r).toEqual({
      counts: { doctors: 4, appointments: 5, rejected: 8, duplicates: 2, placeholders: 1, suspicious_dates: 1, fixed: 11 },
      placeholders: [999],
      doctors: [
        { doctor_id: 101, name: 'Dr. Ana Lima', specialty: 'Cardiology', placeholder: false },
        { doctor_id: 102, name: 'Dr. Bob Stone', specialty: null, placeholder: false },
        { doctor_id: 104, name: 'Dr. Chloé Núñez', specialty: null, placeholder: false },
        { doctor_id: 999, name: 'Unknown', specialty: 'Unknown', placeholder: true },
      ],
      appointments: [
        { booking_id: '1', patient_id: '34', doctor_id: 101, booking_date: '2025-10-19', status: 'cancelled' },
        { booking_id: '2', patient_id: '34', doctor_id: 104, booking_date: '2025-10-21', status: 'confirmed' },
        { booking_id: '6', patient_id: '36', doctor_id: 102, booking_date: '2025-10-23', status: 'confirmed' },
        { booking_id: '7', patient_id: '37', doctor_id: 999, booking_date: '2025-10-24', status: 'cancelled' },
        { booking_id: '8', patient_id: '38', doctor_id: 102, booking_date: '2355-10-24', status: 'confirmed' },
      ],
      rejected: [
        { file: 'appointments', row: 2, reason: 'duplicate', keptRow: 11 },
        { file: 'appointments', row: 4, reason: 'missing_value', column: 'patient_id' },
        { file: 'appointments', row: 5, reason: 'invalid_integer', column: 'booking_id' },
        { file: 'appointments', row: 6, reason: 'invalid_date', column: 'booking_date' },
        { file: 'appointments', row: 13, reason: 'invalid_status', column: 'status' },
        { file: 'doctors', row: 4, reason: 'invalid_integer', column: 'doctor_id' },
        { file: 'doctors', row: 5, reason: 'missing_value', column: 'name' },
        { file: 'doctors', row: 8, reason: 'duplicate', keptRow: 2 },
      ],
      perFile: {
        doctors: { read: 8, kept: 3, rejected: 3, repeatedHeaders: 1, blankRows: 1 },
        appointments: { read: 12, kept: 5, rejected: 5, repeatedHeaders: 1, blankRows: 1 },
      },
      dateOrder: { used: 'mdy', dayFirstEvidence: 0, monthFirstEvidence: 5 },
      answers: {
        // confirmed: 102 → 2 (bookings 6, 8), 104 → 1 (booking 2), 101 → 0, 999 → 0
        q1: [{ doctor_id: 102, name: 'Dr. Bob Stone', confirmed: 2 }],
        q2: 1, // booking 2 (booking 1 of patient 34 is cancelled)
        q3: 1, // booking 7 (2025-10-24); booking 1 (2025-10-19) is outside
        q4: [
          { doctor_id: 102, name: 'Dr. Bob Stone', confirmed: 2 },
          { doctor_id: 104, name: 'Dr. Chloé Núñez', confirmed: 1 },
          { doctor_id: 101, name: 'Dr. Ana Lima', confirmed: 0 },
          { doctor_id: 999, name: 'Unknown', confirmed: 0 },
        ],
      },
    });
    // the rejected entries carry exactly the keys they should (no column on duplicates)
    expect(Object.keys(r.rejected[0] ?? {}).sort()).toEqual(['file', 'keptRow', 'reason', 'row']);
  });

  it('quarantine: the suspicious row becomes a rejected row, answers change', async () => {
    // r12 (booking 8, doctor 102, confirmed) is quarantined → kept 4, rejected 6, fixes 11 - 1 = 10.
    // confirmed: 102 → 1, 104 → 1: a tie.
    const r = await run(doctorRows, apptRows, { quarantineSuspicious: true });
    expect(r.counts).toEqual({
      doctors: 4,
      appointments: 4,
      rejected: 9,
      duplicates: 2,
      placeholders: 1,
      suspicious_dates: 1,
      fixed: 10,
    });
    expect(r.rejected.filter((x) => x.reason === 'suspicious_date')).toEqual([
      { file: 'appointments', row: 12, reason: 'suspicious_date' },
    ]);
    expect(r.perFile.appointments).toEqual({ read: 12, kept: 4, rejected: 6, repeatedHeaders: 1, blankRows: 1 });
    expect(r.appointments.map((a) => a.booking_id)).toEqual(['1', '2', '6', '7']);
    expect(r.answers.q1).toEqual([
      { doctor_id: 102, name: 'Dr. Bob Stone', confirmed: 1 },
      { doctor_id: 104, name: 'Dr. Chloé Núñez', confirmed: 1 },
    ]);
    expect(r.answers.q4.map((d) => [d.doctor_id, d.confirmed])).toEqual([
      [102, 1],
      [104, 1],
      [101, 0],
      [999, 0],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Decision 1: header row and column names
// ---------------------------------------------------------------------------------------------

describe('decision 1: header', () => {
  it('normalises names: trim, lowercase, runs of whitespace/hyphens → _', () => {
    expect(normaliseHeader('Booking ID')).toBe('booking_id');
    expect(normaliseHeader('Doctor-ID')).toBe('doctor_id');
    expect(normaliseHeader('Patient  ID')).toBe('patient_id');
    expect(normaliseHeader(' Name ')).toBe('name');
    expect(normaliseHeader('STATUS')).toBe('status');
    expect(normaliseHeader('Booking - Date')).toBe('booking_date');
    expect(normaliseHeader('booking--date')).toBe('booking_date');
    expect(normaliseHeader('booking__date')).toBe('booking__date'); // underscores are not collapsed
    expect(normaliseHeader('Booking\tDate')).toBe('booking_date');
  });

  it('the header is the first row with a non-empty cell; rows above it are not read', async () => {
    // r1 absent, r2 whitespace-only → header in r3; data in r4
    const r = await run(
      [DOC_HEADER, [1, 'Dr One']],
      [at(2, ['  ', ' ']), at(3, APPT_HEADER), at(4, [1, 2, 1, '2025-10-21', 'confirmed'])],
    );
    expect(r.perFile.appointments).toEqual({ read: 1, kept: 1, rejected: 0, repeatedHeaders: 0, blankRows: 0 });
    expect(r.appointments).toHaveLength(1);
  });

  it('a name that occurs twice: the first column wins; extra columns are ignored', async () => {
    const r = await run(
      [
        ['Doctor ID', 'Name', 'Extra', 'NAME', 'doctor-id'],
        [1, 'First', 'x', 'Second', 99],
      ],
      [APPT_HEADER],
    );
    expect(r.doctors).toEqual([{ doctor_id: 1, name: 'First', specialty: null, placeholder: false }]);
  });

  it('specialty column absent → every specialty is NULL (and no fixes)', async () => {
    const r = await run(
      [
        ['doctor_id', 'name'],
        [1, 'A'],
        [2, 'B'],
      ],
      [APPT_HEADER],
    );
    expect(r.doctors.map((d) => d.specialty)).toEqual([null, null]);
    expect(r.counts.fixed).toBe(0);
  });

  it('missing required column → Error naming file, sheet, missing and found columns', async () => {
    const doctors = await writeBook(sheet([DOC_HEADER, [1, 'A']]));
    const appts = await writeBook(
      sheet(
        [
          ['Booking ID', 'Doctor-ID', 'Booking Date', 'Notes'],
          [1, 1, '2025-10-21', ''],
        ],
        'Bookings',
      ),
    );
    const err = await referenceClean(doctors, appts, { runDate: RUN_DATE }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const msg = (err as Error).message;
    expect(msg).toContain('appointments');
    expect(msg).toContain('"Bookings"');
    expect(msg).toContain('patient_id, status'); // missing
    expect(msg).toContain('booking_id, doctor_id, booking_date, notes'); // found
  });

  it('an empty doctors sheet is a missing-columns error too', async () => {
    const doctors = await writeBook(sheet([]));
    const appts = await writeBook(sheet([APPT_HEADER]));
    await expect(referenceClean(doctors, appts, { runDate: RUN_DATE })).rejects.toThrow(
      /doctors.*doctor_id, name.*\(none\)/,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Decision 2: rows read, blank rows, repeated headers
// ---------------------------------------------------------------------------------------------

describe('decision 2: blank rows and repeated headers', () => {
  it('rows absent in between and whitespace-only rows are blank rows, up to the last row', async () => {
    // header r1, data r2, r3–r5 absent, data r6, r7 whitespace-only (last row)
    const r = await runAppts([
      [1, 1, 1, '2025-10-21', 'confirmed'],
      at(6, [2, 1, 1, '2025-10-21', 'confirmed']),
      at(7, ['   ', null, '\t']),
    ]);
    expect(r.perFile.appointments).toEqual({ read: 6, kept: 2, rejected: 0, repeatedHeaders: 0, blankRows: 4 });
  });

  it('a value in an unnamed extra column makes the row non-blank', async () => {
    const r = await runAppts([[null, null, null, null, null, null, 'stray note']]);
    expect(r.perFile.appointments).toEqual({ read: 1, kept: 0, rejected: 1, repeatedHeaders: 0, blankRows: 0 });
    expect(r.rejected).toEqual([
      { file: 'appointments', row: 2, reason: 'missing_value', column: 'booking_id', also: ['patient_id:missing_value', 'doctor_id:missing_value', 'booking_date:missing_value', 'status:missing_value'] },
    ]);
  });

  it('repeated headers match after header normalisation; all required cells must match', async () => {
    const r = await runAppts([
      ['Booking ID', 'PATIENT ID', 'doctor-id', ' Booking Date ', 'Status'], // r2 repeated header
      ['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'confirmed'], // r3 not a header: rejected
      ['booking_id', 'patient_id', 'doctor_id', 'booking_date', 'status', 'anything'], // r4 repeated
    ]);
    expect(r.perFile.appointments).toEqual({ read: 3, kept: 0, rejected: 1, repeatedHeaders: 2, blankRows: 0 });
    expect(r.rejected).toEqual([
      { file: 'appointments', row: 3, reason: 'invalid_integer', column: 'booking_id', also: ['patient_id:invalid_integer', 'doctor_id:invalid_integer', 'booking_date:invalid_date'] },
    ]);
  });

  it('doctors: a repeated header needs only the required columns (specialty may differ)', async () => {
    const r = await runDoctors([
      ['Doctor ID', 'Name', 'Cardiology'], // repeated header
      ['doctor_id', 'Dr Name'], // data row: invalid id
    ]);
    expect(r.perFile.doctors).toEqual({ read: 2, kept: 0, rejected: 1, repeatedHeaders: 1, blankRows: 0 });
  });
});

// ---------------------------------------------------------------------------------------------
// Decision 3: cell kinds
// ---------------------------------------------------------------------------------------------

describe('decision 3: cell values', () => {
  it('formula results, rich text, hyperlinks and error cells', async () => {
    const r = await runAppts([
      // r2: formula id (number result), rich-text status, hyperlink patient: no fixes
      [
        { formula: '100+1', result: 101 },
        { text: '34', hyperlink: 'https://example.com/p/34' },
        1,
        '2025-10-21',
        { richText: [{ text: 'confir' }, { font: { bold: true }, text: 'med' }] },
      ],
      // r3: formula with a string result "102.0" → a fix; date from a formula with a Date result
      [{ formula: 'A2&".0"', result: '102.0' }, 5, 1, { formula: 'DATE(2025,10,22)', result: utc(2025, 10, 22) }, 'cancelled'],
      // r4: error cell in patient_id → invalid_integer (it is text "#N/A", not empty)
      [103, { error: '#N/A' }, 1, '2025-10-21', 'confirmed'],
      // r5: error cell in booking_date → invalid_date
      [104, 5, 1, { error: '#VALUE!' }, 'confirmed'],
    ]);
    expect(r.appointments).toEqual([
      { booking_id: '101', patient_id: '34', doctor_id: 1, booking_date: '2025-10-21', status: 'confirmed' },
      { booking_id: '102', patient_id: '5', doctor_id: 1, booking_date: '2025-10-22', status: 'cancelled' },
    ]);
    expect(r.counts.fixed).toBe(1);
    expect(r.rejected).toEqual([
      { file: 'appointments', row: 4, reason: 'invalid_integer', column: 'patient_id' },
      { file: 'appointments', row: 5, reason: 'invalid_date', column: 'booking_date' },
    ]);
  });

  it('error cell as a doctor name is kept as its text', async () => {
    const r = await runDoctors([[1, { error: '#N/A' }]]);
    expect(r.doctors).toEqual([{ doctor_id: 1, name: '#N/A', specialty: null, placeholder: false }]);
  });

  it('oracle choice: a merged (slave) cell is empty, as it is in the file', async () => {
    // B3:C3 merged: the master B3 holds the name; the slave C3 (specialty) holds nothing in the file,
    // although exceljs reports the master's value there.
    const doctors = await writeBook([
      { name: 'S', rows: [DOC_HEADER, [1, 'Dr One', 'GP'], [2, 'Dr Two']], merges: ['B3:C3'] },
    ]);
    const appts = await writeBook(sheet([APPT_HEADER]));
    const r = await referenceClean(doctors, appts, { runDate: RUN_DATE });
    expect(r.doctors).toEqual([
      { doctor_id: 1, name: 'Dr One', specialty: 'GP', placeholder: false },
      { doctor_id: 2, name: 'Dr Two', specialty: null, placeholder: false },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Decision 4: integers
// ---------------------------------------------------------------------------------------------

describe('decision 4: integers', () => {
  it('doctor_id forms (and fixes)', async () => {
    const r = await runDoctors([
      [104, 'r2'], // kept
      ['105', 'r3'], // kept
      [' 106 ', 'r4'], // kept, fix
      ['107.0', 'r5'], // kept, fix
      ['+108', 'r6'], // kept, fix
      ['0109', 'r7'], // kept as 109, fix
      [0, 'r8'], // zero is valid
      ['0', 'r9'], // valid, but duplicate of r8
      ['37X', 'r10'], // invalid_integer
      ['12.5', 'r11'], // invalid_integer
      [12.5, 'r12'], // invalid_integer (numeric, not integral)
      [-5, 'r13'], // invalid_integer (negative)
      ['-5', 'r14'], // invalid_integer
      [true, 'r15'], // invalid_integer (boolean)
      [utc(2025, 1, 1), 'r16'], // invalid_integer (date)
      [2147483647, 'r17'], // kept (INTEGER max)
      [2147483648, 'r18'], // integer_out_of_range
      ['2147483648', 'r19'], // integer_out_of_range
      ['   ', 'r20'], // missing_value
      [{ error: '#N/A' }, 'r21'], // invalid_integer
      ['110.00 ', 'r22'], // kept as 110, fix
      ['1 1', 'r23'], // invalid_integer
      ['\u00a0111', 'r24'], // kept, fix (NBSP is whitespace)
      ['1e3', 'r25'], // invalid_integer
      ['112.', 'r26'], // invalid_integer (no digits after the point)
      ['113.01', 'r27'], // invalid_integer
      ['٣', 'r28'], // invalid_integer (only ASCII digits)
    ]);
    expect(r.doctors.map((d) => [d.doctor_id, d.name])).toEqual([
      [0, 'r8'],
      [104, 'r2'],
      [105, 'r3'],
      [106, 'r4'],
      [107, 'r5'],
      [108, 'r6'],
      [109, 'r7'],
      [110, 'r22'],
      [111, 'r24'],
      [2147483647, 'r17'],
    ]);
    expect(r.counts.fixed).toBe(6); // r4, r5, r6, r7, r22, r24
    expect(r.rejected.map((x) => [x.row, x.reason])).toEqual([
      [9, 'duplicate'],
      [10, 'invalid_integer'],
      [11, 'invalid_integer'],
      [12, 'invalid_integer'],
      [13, 'invalid_integer'],
      [14, 'invalid_integer'],
      [15, 'invalid_integer'],
      [16, 'invalid_integer'],
      [18, 'integer_out_of_range'],
      [19, 'integer_out_of_range'],
      [20, 'missing_value'],
      [21, 'invalid_integer'],
      [23, 'invalid_integer'],
      [25, 'invalid_integer'],
      [26, 'invalid_integer'],
      [27, 'invalid_integer'],
      [28, 'invalid_integer'],
    ]);
    expect(r.rejected[0]).toEqual({ file: 'doctors', row: 9, reason: 'duplicate', keptRow: 8 });
    expect(r.rejected[8]).toEqual({ file: 'doctors', row: 18, reason: 'integer_out_of_range', column: 'doctor_id' });
  });

  it('BIGINT limits for booking_id / patient_id; INTEGER for appointments.doctor_id', async () => {
    const r = await runAppts([
      ['9223372036854775807', '9223372036854775807', 1, '2025-10-21', 'confirmed'], // kept, exact
      ['9223372036854775808', 1, 1, '2025-10-21', 'confirmed'], // booking out of range
      [2, '99999999999999999999', 1, '2025-10-21', 'confirmed'], // patient out of range
      [3, 1, '2147483648', '2025-10-21', 'confirmed'], // doctor out of range
      [4, 1, 2147483647, '2025-10-21', 'confirmed'], // kept, placeholder 2147483647
      ['00000000000000000000005', 1, 1, '2025-10-21', 'confirmed'], // leading zeros: 5, a fix
    ]);
    expect(r.appointments.map((a) => [a.booking_id, a.patient_id, a.doctor_id])).toEqual([
      ['4', '1', 2147483647],
      ['5', '1', 1],
      ['9223372036854775807', '9223372036854775807', 1],
    ]);
    expect(r.rejected).toEqual([
      { file: 'appointments', row: 3, reason: 'integer_out_of_range', column: 'booking_id' },
      { file: 'appointments', row: 4, reason: 'integer_out_of_range', column: 'patient_id' },
      { file: 'appointments', row: 5, reason: 'integer_out_of_range', column: 'doctor_id' },
    ]);
    expect(r.placeholders).toEqual([2147483647]);
    expect(r.counts.fixed).toBe(1);
  });

  it('the first problem in column order wins', async () => {
    const r = await runAppts([
      ['x', '', 'y', 'bad', 'bad'], // booking_id first
      [1, '', 'y', 'bad', 'bad'], // then patient_id
      [1, 2, 'y', 'bad', 'bad'], // then doctor_id
      [1, 2, 3, 'bad', 'bad'], // then booking_date
      [1, 2, 3, '2025-10-21', 'bad'], // then status
      [1, 2, 3, '2025-10-21', ''], // empty status → missing_value
      [1, 2, 3, null, 'confirmed'], // empty date → missing_value
    ]);
    expect(r.rejected.map((x) => [x.row, x.reason, x.column])).toEqual([
      [2, 'invalid_integer', 'booking_id'],
      [3, 'missing_value', 'patient_id'],
      [4, 'invalid_integer', 'doctor_id'],
      [5, 'invalid_date', 'booking_date'],
      [6, 'invalid_status', 'status'],
      [7, 'missing_value', 'status'],
      [8, 'missing_value', 'booking_date'],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Decision 5: dates and the date order
// ---------------------------------------------------------------------------------------------

describe('decision 5: booking_date', () => {
  it('accepted and rejected forms (mdy, auto)', async () => {
    const cases: [unknown, string | null, boolean][] = [
      // [cell, expected date or null = invalid_date, is a fix]
      ['2025-10-21', '2025-10-21', false],
      ['2025/10/21', '2025-10-21', true],
      ['2025-1-5', '2025-01-05', true],
      ['2025/1/5', '2025-01-05', true],
      ['10/21/2025', '2025-10-21', true],
      ['1/5/2025', '2025-01-05', true],
      ['01/05/2025', '2025-01-05', true],
      ['2025-10-21 14:30', '2025-10-21', true],
      ['2025-10-21T14:30:00Z', '2025-10-21', true],
      ['2025-10-21T14:30:00.123+02:00', '2025-10-21', true],
      ['10/21/2025 2:30 PM', '2025-10-21', true],
      ['10/21/2025 02:30:15', '2025-10-21', true],
      [' 2025-10-21 ', '2025-10-21', true],
      ['2024-02-29', '2024-02-29', false],
      [utc(2025, 10, 21, 23, 59), '2025-10-21', false], // Date cell: UTC date, time dropped
      [styled(45951, 'yyyy-mm-dd'), '2025-10-21', false], // date-formatted serial = Date cell
      [{ formula: 'TODAY()', result: utc(2025, 10, 21) }, '2025-10-21', false],
      [45951, null, false], // plain number: invalid
      ['02/30/2025', null, false],
      ['2025-02-29', null, false],
      ['2100-02-29', null, false],
      ['2025-10/21', null, false], // mixed separators
      ['0000-01-01', null, false], // year 0
      ['21.10.2025', null, false],
      ['2025-13-01', null, false],
      ['10/21/25', null, false], // two-digit year
      ['2025-10-21T', null, false],
      ['yesterday', null, false],
      [true, null, false],
      ['2025-10-021', null, false], // 3-digit day
    ];
    const rows = cases.map(([cell], i) => [i + 1, 1, 1, cell, 'confirmed']);
    const r = await runAppts(rows);
    // evidence: 10/21/2025, 10/21/2025 2:30 PM, 10/21/2025 02:30:15, 02/30/2025 → month-first 4
    expect(r.dateOrder).toEqual({ used: 'mdy', dayFirstEvidence: 0, monthFirstEvidence: 4 });
    const byId = new Map(r.appointments.map((a) => [a.booking_id, a.booking_date]));
    const rejectedRows = new Set(r.rejected.map((x) => x.row));
    cases.forEach(([cell, expected], i) => {
      const label = `case ${i} (${String(cell instanceof Styled ? 'styled' : JSON.stringify(cell))})`;
      if (expected === null) {
        expect(rejectedRows.has(i + 2), label).toBe(true);
        expect(byId.has(String(i + 1)), label).toBe(false);
      } else {
        expect(byId.get(String(i + 1)), label).toBe(expected);
      }
    });
    expect(r.rejected.every((x) => x.reason === 'invalid_date' && x.column === 'booking_date')).toBe(true);
    const expectedFixes = cases.filter(([, d, fix]) => d !== null && fix).length;
    expect(expectedFixes).toBe(12);
    expect(r.counts.fixed).toBe(12);
  });

  it('respects the 1904 date system for date-formatted serial numbers', async () => {
    // 2025-10-21 is serial 45951 in the 1900 system and 45951 - 1462 = 44489 in the 1904 system
    const doctors = await writeBook(sheet([DOC_HEADER, [1, 'A']]));
    const appts = await writeBook(sheet([APPT_HEADER, [1, 1, 1, styled(44489, 'yyyy-mm-dd'), 'confirmed']]), {
      date1904: true,
    });
    const r = await referenceClean(doctors, appts, { runDate: RUN_DATE });
    expect(r.appointments[0]?.booking_date).toBe('2025-10-21');
  });

  it('auto: only day-first evidence → dmy', async () => {
    const r = await runAppts([
      [1, 1, 1, '21/10/2025', 'confirmed'],
      [2, 1, 1, '5/1/2025', 'confirmed'],
      [3, 1, 1, '2025/10/30', 'confirmed'], // not evidence
    ]);
    expect(r.dateOrder).toEqual({ used: 'dmy', dayFirstEvidence: 1, monthFirstEvidence: 0 });
    expect(r.appointments.map((a) => a.booking_date)).toEqual(['2025-10-21', '2025-01-05', '2025-10-30']);
  });

  it('auto: no evidence → mdy', async () => {
    const r = await runAppts([
      [1, 1, 1, '5/1/2025', 'confirmed'],
      [2, 1, 1, '12/12/2025', 'confirmed'],
    ]);
    expect(r.dateOrder).toEqual({ used: 'mdy', dayFirstEvidence: 0, monthFirstEvidence: 0 });
    expect(r.appointments.map((a) => a.booking_date)).toEqual(['2025-05-01', '2025-12-12']);
  });

  it('auto: conflicting evidence throws asking for mdy or dmy; explicit orders are used as given', async () => {
    const rows: RowSpec[] = [
      [1, 1, 1, '21/10/2025', 'confirmed'], // day-first
      [2, 1, 1, '10/21/2025', 'confirmed'], // month-first
      [3, 1, 1, '5/1/2025', 'confirmed'],
    ];
    await expect(runAppts(rows)).rejects.toThrow(/mdy.*dmy/);

    const mdy = await runAppts(rows, { dateOrder: 'mdy' });
    expect(mdy.dateOrder).toEqual({ used: 'mdy', dayFirstEvidence: 1, monthFirstEvidence: 1 });
    expect(mdy.appointments.map((a) => [a.booking_id, a.booking_date])).toEqual([
      ['2', '2025-10-21'],
      ['3', '2025-05-01'],
    ]);
    expect(mdy.rejected).toEqual([{ file: 'appointments', row: 2, reason: 'invalid_date', column: 'booking_date' }]);

    const dmy = await runAppts(rows, { dateOrder: 'dmy' });
    expect(dmy.dateOrder.used).toBe('dmy');
    expect(dmy.appointments.map((a) => [a.booking_id, a.booking_date])).toEqual([
      ['1', '2025-10-21'],
      ['3', '2025-01-05'],
    ]);
    expect(dmy.rejected).toEqual([{ file: 'appointments', row: 3, reason: 'invalid_date', column: 'booking_date' }]);
  });

  it('evidence counts every data row (rejected ones too), a value with both parts > 12 is no evidence', async () => {
    const rows: RowSpec[] = [
      [1, '', 1, '21/10/2025', 'confirmed'], // rejected (missing patient) but still day-first evidence
      [2, 1, 1, '13/14/2025', 'confirmed'], // neither order can read it: invalid, not evidence
      [3, 1, 1, '21/10/2025 10:00', 'confirmed'], // day-first (time part allowed)
    ];
    const auto = await runAppts(rows);
    expect(auto.dateOrder).toEqual({ used: 'dmy', dayFirstEvidence: 2, monthFirstEvidence: 0 });
    const r = await runAppts(rows, { dateOrder: 'dmy' });
    expect(r.dateOrder).toEqual({ used: 'dmy', dayFirstEvidence: 2, monthFirstEvidence: 0 });
    expect(r.rejected.map((x) => [x.row, x.reason])).toEqual([
      [2, 'missing_value'],
      [3, 'invalid_date'],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Decision 6: status
// ---------------------------------------------------------------------------------------------

describe('decision 6: status', () => {
  it('maps the variants; fixes unless typed exactly confirmed/cancelled', async () => {
    const cases: [unknown, string | null, boolean][] = [
      ['confirmed', 'confirmed', false],
      ['cancelled', 'cancelled', false],
      ['Confirmed', 'confirmed', true],
      ['confirmed ', 'confirmed', true],
      ['confirmed.', 'confirmed', true],
      ['CONFIRMED!!', 'confirmed', true],
      ['Confirm', 'confirmed', true],
      ['c-o-n-f-i-r-m-e-d', 'confirmed', true],
      ['canceled', 'cancelled', true],
      ['cancelled ', 'cancelled', true],
      ['Cancel', 'cancelled', true],
      ['CANCELLED', 'cancelled', true],
      ['cancelled2', 'cancelled', true],
      [{ richText: [{ text: 'confirmed' }] }, 'confirmed', false],
      ['pending', null, false],
      ['confirmedd', null, false],
      ['...', null, false], // not empty, but no letters → invalid
      [1, null, false],
      [true, null, false],
      ['confirmé', null, false], // é is a letter: kept, so no match
    ];
    const rows = cases.map(([cell], i) => [i + 1, 1, 1, '2025-10-21', cell]);
    rows.push([999, 1, 1, '2025-10-21', '   ']); // missing_value
    const r = await runAppts(rows);
    const byId = new Map(r.appointments.map((a) => [a.booking_id, a.status]));
    cases.forEach(([cell, expected], i) => {
      expect(byId.get(String(i + 1)) ?? null, JSON.stringify(cell)).toBe(expected);
    });
    expect(r.counts.fixed).toBe(cases.filter(([, s, fix]) => s !== null && fix).length);
    expect(r.counts.fixed).toBe(11);
    expect(r.rejected.map((x) => x.reason)).toEqual([...Array(6).fill('invalid_status'), 'missing_value']);
  });
});

// ---------------------------------------------------------------------------------------------
// Decision 7: names and specialties; decision 12: fixes
// ---------------------------------------------------------------------------------------------

describe('decisions 7 and 12: names, specialties, fixes', () => {
  it('trims names/specialties; whitespace-only specialty → NULL is a fix, an empty cell is not', async () => {
    const r = await runDoctors([
      [1, ' A', ' X '], // 2 fixes
      [2, 'B', ''], // empty string: NULL, no fix
      [3, 'C'], // no cell: NULL, no fix
      [4, 'D', '   '], // whitespace-only: NULL, fix
      [5, 'E\u00a0', 'Cardiologie (pédiatrique)'], // NBSP trimmed: fix; inner text as typed
      [' 6 ', ''], // missing name: rejected, its id fix does not count
      ['7', 'G  H'], // inner spaces kept, no fix
      [7, ' dup '], // duplicate: its fix does not count
      [8, 42], // numeric name kept as text
    ]);
    expect(r.doctors).toEqual([
      { doctor_id: 1, name: 'A', specialty: 'X', placeholder: false },
      { doctor_id: 2, name: 'B', specialty: null, placeholder: false },
      { doctor_id: 3, name: 'C', specialty: null, placeholder: false },
      { doctor_id: 4, name: 'D', specialty: null, placeholder: false },
      { doctor_id: 5, name: 'E', specialty: 'Cardiologie (pédiatrique)', placeholder: false },
      { doctor_id: 7, name: 'G  H', specialty: null, placeholder: false },
      { doctor_id: 8, name: '42', specialty: null, placeholder: false },
    ]);
    expect(r.counts.fixed).toBe(4);
    expect(r.rejected).toEqual([
      { file: 'doctors', row: 7, reason: 'missing_value', column: 'name' },
      { file: 'doctors', row: 9, reason: 'duplicate', keptRow: 8 },
    ]);
  });

  it('placeholders are not fixes; fixes of rejected appointment rows do not count', async () => {
    const r = await runAppts([
      ['1', '1', '77', '2025-10-21', 'confirmed'], // kept, placeholder 77, no fixes
      [' 2 ', '1', '1', '10/21/2025', 'Confirmed'], // kept, 3 fixes
      [' 3 ', '1', '1', '10/21/2025', 'nope'], // rejected: nothing counts
    ]);
    expect(r.counts.fixed).toBe(3);
    expect(r.counts.placeholders).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
// Decision 9: duplicates
// ---------------------------------------------------------------------------------------------

describe('decision 9: duplicates', () => {
  it('appointments: earliest booking_date wins, tie → first in file; only valid rows compete', async () => {
    const r = await runAppts([
      [10, 1, 1, '2025-10-22', 'confirmed'], // r2 later → duplicate of r3
      [10, 2, 1, '10/20/2025', 'cancelled'], // r3 earliest → kept
      [10, 3, 1, utc(2025, 10, 20, 9), 'confirmed'], // r4 tie with r3, later in file → duplicate
      [10, 4, 1, 'x', 'confirmed'], // r5 invalid → invalid_date, not duplicate
      ['11.0', 5, 1, '2025-10-21', 'confirmed'], // r6 kept (first of the tie)
      [' 11 ', 6, 1, utc(2025, 10, 21), 'confirmed'], // r7 same canonical id, tie → duplicate of r6
      [11, 7, 1, '2025-10-21', 'maybe'], // r8 invalid → invalid_status
      [12, 8, 1, '2025-10-25', 'confirmed'], // r9 kept
    ]);
    expect(r.appointments.map((a) => [a.booking_id, a.patient_id])).toEqual([
      ['10', '2'],
      ['11', '5'],
      ['12', '8'],
    ]);
    expect(r.rejected).toEqual([
      { file: 'appointments', row: 2, reason: 'duplicate', keptRow: 3 },
      { file: 'appointments', row: 4, reason: 'duplicate', keptRow: 3 },
      { file: 'appointments', row: 5, reason: 'invalid_date', column: 'booking_date' },
      { file: 'appointments', row: 7, reason: 'duplicate', keptRow: 6 },
      { file: 'appointments', row: 8, reason: 'invalid_status', column: 'status' },
    ]);
    expect(r.counts.duplicates).toBe(3);
  });

  it('doctors: the first valid row wins', async () => {
    const r = await runDoctors([
      [5, ''], // r2 invalid (missing name): does not take the id
      ['5', 'B'], // r3 kept
      [5.0, 'C'], // r4 duplicate of r3
    ]);
    expect(r.doctors).toEqual([{ doctor_id: 5, name: 'B', specialty: null, placeholder: false }]);
    expect(r.rejected).toEqual([
      { file: 'doctors', row: 2, reason: 'missing_value', column: 'name' },
      { file: 'doctors', row: 4, reason: 'duplicate', keptRow: 3 },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Decisions 10 and 11: suspicious dates and placeholders
// ---------------------------------------------------------------------------------------------

describe('decisions 10 and 11: suspicious dates and placeholders', () => {
  it('boundaries: < 2000-01-01 or > runDate + 365 days', async () => {
    // runDate 2025-01-15 → limit 2026-01-15
    const r = await runAppts(
      [
        [1, 1, 1, '1999-12-31', 'confirmed'], // suspicious
        [2, 1, 1, '2000-01-01', 'confirmed'],
        [3, 1, 1, '2026-01-15', 'confirmed'],
        [4, 1, 1, '2026-01-16', 'confirmed'], // suspicious
      ],
      { runDate: '2025-01-15' },
    );
    expect(r.counts.suspicious_dates).toBe(2);
    expect(r.counts.appointments).toBe(4);
    // leap year: 2024-01-01 + 365 days = 2024-12-31
    const leap = await runAppts(
      [
        [1, 1, 1, '2024-12-31', 'confirmed'],
        [2, 1, 1, '2025-01-01', 'confirmed'], // suspicious
      ],
      { runDate: '2024-01-01' },
    );
    expect(leap.counts.suspicious_dates).toBe(1);
  });

  it('only kept rows are checked; quarantine happens after duplicates; placeholders from what remains', async () => {
    const rows: RowSpec[] = [
      [20, 1, 5, '1999-01-01', 'confirmed'], // r2 earliest → kept → suspicious
      [20, 1, 5, '2025-01-01', 'confirmed'], // r3 duplicate of r2 (stays a duplicate under quarantine)
      [21, 1, 77, '10/24/2355', 'confirmed'], // r4 suspicious; only reference to doctor 77
      [22, 1, 1, '2025-10-21', 'confirmed'], // r5 fine
    ];
    const warn = await runAppts(rows);
    expect(warn.counts).toMatchObject({ appointments: 3, rejected: 1, suspicious_dates: 2, placeholders: 2 });
    expect(warn.placeholders).toEqual([5, 77]);

    const q = await runAppts(rows, { quarantineSuspicious: true });
    expect(q.counts).toEqual({
      doctors: 1,
      appointments: 1,
      rejected: 3,
      duplicates: 1,
      placeholders: 0,
      suspicious_dates: 2,
      fixed: 0, // r5 is all plain numbers and exact text
    });
    expect(q.rejected).toEqual([
      { file: 'appointments', row: 2, reason: 'suspicious_date' },
      { file: 'appointments', row: 3, reason: 'duplicate', keptRow: 2 },
      { file: 'appointments', row: 4, reason: 'suspicious_date' },
    ]);
    expect(q.perFile.appointments).toEqual({ read: 4, kept: 1, rejected: 3, repeatedHeaders: 0, blankRows: 0 });
  });

  it('placeholders: every referenced id missing from doctors, once, ascending', async () => {
    const r = await runAppts([
      [1, 1, 30, '2025-10-21', 'confirmed'],
      [2, 1, 20, '2025-10-21', 'cancelled'],
      [3, 1, 30, '2025-10-21', 'confirmed'],
      [4, 1, 1, '2025-10-21', 'confirmed'],
      [5, 1, 40, 'bad', 'confirmed'], // rejected: 40 is not referenced by a kept row
    ]);
    expect(r.placeholders).toEqual([20, 30]);
    expect(r.doctors.map((d) => [d.doctor_id, d.name, d.specialty, d.placeholder])).toEqual([
      [1, 'Dr One', 'GP', false],
      [20, 'Unknown', 'Unknown', true],
      [30, 'Unknown', 'Unknown', true],
    ]);
    expect(r.counts.doctors).toBe(3);
    expect(r.perFile.doctors.kept).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
// Decision 13: answers
// ---------------------------------------------------------------------------------------------

describe('decision 13: answers', () => {
  it('q1 ties (placeholders included), q2 patient 34, q3 inclusive range, q4 zeros', async () => {
    const r = await run(
      [DOC_HEADER, [1, 'Dr One', 'GP'], [2, 'Dr Two', 'GP'], [3, 'Dr Three', 'GP']],
      [
        APPT_HEADER,
        [1, 34, 2, '2025-10-20', 'confirmed'], // q2
        [2, '034', 2, '2025-10-21', 'confirmed'], // q2 (patient 034 = 34)
        [3, 340, 9, '2025-10-22', 'confirmed'], // not patient 34; placeholder 9
        [4, 34, 9, '2025-10-23', 'confirmed'], // q2
        [5, 34, 1, '2025-10-21', 'cancelled'], // q3 (lower bound)
        [6, 1, 1, '2025-10-24', 'cancelled'], // q3 (upper bound)
        [7, 1, 1, '2025-10-20', 'cancelled'], // outside
        [8, 1, 1, '2025-10-25', 'cancelled'], // outside
        [9, 1, 1, '10/22/2025', 'Canceled'], // q3
      ],
    );
    expect(r.answers.q1).toEqual([
      { doctor_id: 2, name: 'Dr Two', confirmed: 2 },
      { doctor_id: 9, name: 'Unknown', confirmed: 2 },
    ]);
    expect(r.answers.q2).toBe(3);
    expect(r.answers.q3).toBe(3);
    expect(r.answers.q4).toEqual([
      { doctor_id: 2, name: 'Dr Two', confirmed: 2 },
      { doctor_id: 9, name: 'Unknown', confirmed: 2 },
      { doctor_id: 1, name: 'Dr One', confirmed: 0 },
      { doctor_id: 3, name: 'Dr Three', confirmed: 0 },
    ]);
  });

  it('q1 is empty when nothing is confirmed', async () => {
    const r = await runAppts([[1, 34, 1, '2025-10-21', 'cancelled']]);
    expect(r.answers).toEqual({ q1: [], q2: 0, q3: 1, q4: [{ doctor_id: 1, name: 'Dr One', confirmed: 0 }] });
  });
});

// ---------------------------------------------------------------------------------------------
// Sheets and options
// ---------------------------------------------------------------------------------------------

describe('sheet selection and options', () => {
  it('first worksheet in workbook order by default; a named sheet when given', async () => {
    const doctors = await writeBook([
      { name: 'Zeta', rows: [DOC_HEADER, [1, 'From Zeta']] },
      { name: 'Alpha', rows: [DOC_HEADER, [1, 'From Alpha']] },
    ]);
    const appts = await writeBook([
      { name: 'Notes', rows: [['just', 'notes']] },
      { name: 'Data', rows: [APPT_HEADER, [1, 1, 1, '2025-10-21', 'confirmed']] },
    ]);
    await expect(referenceClean(doctors, appts, { runDate: RUN_DATE })).rejects.toThrow(/"Notes"/);
    const r = await referenceClean(doctors, appts, { runDate: RUN_DATE, appointmentsSheet: 'Data' });
    expect(r.doctors[0]?.name).toBe('From Zeta');
    const r2 = await referenceClean(doctors, appts, {
      runDate: RUN_DATE,
      appointmentsSheet: 'Data',
      doctorsSheet: 'Alpha',
    });
    expect(r2.doctors[0]?.name).toBe('From Alpha');
    await expect(
      referenceClean(doctors, appts, { runDate: RUN_DATE, appointmentsSheet: 'Nope' }),
    ).rejects.toThrow(/Nope/);
  });

  it('rejects a malformed runDate', async () => {
    await expect(runAppts([], { runDate: '2025-02-30' })).rejects.toThrow(/runDate/);
    await expect(runAppts([], { runDate: '1/2/2025' })).rejects.toThrow(/runDate/);
  });

  it('every result reconciles', async () => {
    const r = await runAppts([[1, 1, 1, '2025-10-21', 'confirmed'], [], ['x'], at(9, [1, 1, 1, '2025-10-21', 'x'])]);
    expectReconciled(r);
    expect(r.perFile.appointments).toEqual({ read: 8, kept: 1, rejected: 2, repeatedHeaders: 0, blankRows: 5 });
  });
});
