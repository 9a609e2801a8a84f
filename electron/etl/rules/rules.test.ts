import { describe, expect, it } from 'vitest';
import { dayFromIso, dayFromYmd, isoFromDay } from './calendar';
import { mapHeader, normaliseColumnName } from './columnNames';
import { addEvidence, decideDateOrder, emptyEvidence } from './dateOrder';
import { findWinners } from './dedupe';
import { parseDateCell, resolveSlashDate } from './parseBookingDate';
import { BIGINT_MAX, INTEGER_MAX, parseInteger } from './parseInteger';
import { findPlaceholders } from './placeholders';
import { standardiseStatus } from './standardiseStatus';
import { suspiciousReason } from './suspiciousDates';

describe('rule 1: column names', () => {
  it.each([
    ['Booking ID', 'booking_id'],
    ['Doctor-ID', 'doctor_id'],
    ['STATUS', 'status'],
    [' Name ', 'name'],
    ['Patient  ID', 'patient_id'],
    ['booking - date', 'booking_date'],
  ])('%j → %s', (header, expected) => expect(normaliseColumnName(header)).toBe(expected));

  it('reports missing, extra and repeated columns, and treats __proto__ as an ordinary unknown column', () => {
    const mapping = mapHeader(['Doctor-ID', '__proto__', 'constructor', ' Name ', 'NAME', ''], { required: ['doctor_id', 'name', 'specialty'], optional: [] });
    expect(mapping.missing).toEqual(['specialty']);
    expect(mapping.extra).toEqual(['__proto__', 'constructor']);
    expect(mapping.repeated).toEqual(['NAME']);
    expect(mapping.index.get('name')).toBe(3);
    expect(Object.prototype.hasOwnProperty.call({}, 'polluted')).toBe(false);
    expect(({} as Record<string, unknown>).doctor_id).toBeUndefined();
  });
});

describe('rule 3: integers', () => {
  it.each([
    [104, 104],
    [104.0, 104],
    ['104', 104],
    ['104.0', 104],
    [' 104 ', 104],
    ['+104', 104],
    ['0104', 104],
    ['104.000', 104],
    [0, 0],
    ['9223372036854775807', '9223372036854775807'],
    ['9007199254740993', '9007199254740993'],
  ])('%j is the id %j', (cell, value) => expect(parseInteger(cell, BIGINT_MAX)).toEqual({ ok: true, value }));

  it.each([
    ['37X', 'invalid_integer'],
    ['12.5', 'invalid_integer'],
    [12.5, 'invalid_integer'],
    [-3, 'invalid_integer'],
    ['-3', 'invalid_integer'],
    ['1e3', 'invalid_integer'],
    ['104.', 'invalid_integer'],
    ['1 04', 'invalid_integer'],
    [true, 'invalid_integer'],
    [new Date(0), 'invalid_integer'],
    ['', 'missing_value'],
    ['   ', 'missing_value'],
    [null, 'missing_value'],
    ['9223372036854775808', 'integer_out_of_range'],
  ])('%j is rejected as %s', (cell, problem) => expect(parseInteger(cell, BIGINT_MAX)).toEqual({ ok: false, problem }));

  it('doctor_id must fit INTEGER', () => {
    expect(parseInteger(2147483647, INTEGER_MAX)).toEqual({ ok: true, value: 2147483647 });
    expect(parseInteger('2147483648', INTEGER_MAX)).toEqual({ ok: false, problem: 'integer_out_of_range' });
    expect(parseInteger(2147483648, INTEGER_MAX)).toEqual({ ok: false, problem: 'integer_out_of_range' });
  });
});

describe('rule 4: booking dates', () => {
  const day = (iso: string) => dayFromIso(iso);
  it.each([
    ['2025-10-21', '2025-10-21', true],
    ['2025/10/21', '2025-10-21', false],
    ['2025-1-5', '2025-01-05', false],
    [' 2025-10-21 ', '2025-10-21', false],
    ['2025-10-21 14:30', '2025-10-21', false],
    ['2025-10-21T14:30:00.000Z', '2025-10-21', false],
    ['2024-02-29', '2024-02-29', true],
  ])('year-first text %j is %s', (text, iso, canonical) => expect(parseDateCell(text)).toEqual({ kind: 'day', day: day(iso), canonical }));

  it('date cells are taken as their UTC calendar day, time dropped', () => {
    expect(parseDateCell(new Date(Date.UTC(2025, 9, 21)))).toEqual({ kind: 'day', day: day('2025-10-21'), canonical: true });
    expect(parseDateCell(new Date(Date.UTC(2025, 9, 21, 23, 59)))).toEqual({ kind: 'day', day: day('2025-10-21'), canonical: true });
  });

  it('slash dates are left for the column-wide order', () => {
    expect(parseDateCell('10/20/2025')).toEqual({ kind: 'slash', first: 10, second: 20, year: 2025 });
    expect(parseDateCell('1/5/2025 9:00 AM')).toEqual({ kind: 'slash', first: 1, second: 5, year: 2025 });
    expect(resolveSlashDate(10, 20, 2025, 'mdy')).toBe(day('2025-10-20'));
    expect(resolveSlashDate(10, 20, 2025, 'dmy')).toBeNull();
    expect(resolveSlashDate(2, 30, 2025, 'mdy')).toBeNull();
    expect(resolveSlashDate(29, 2, 2024, 'dmy')).toBe(day('2024-02-29'));
  });

  it.each([['2025-02-30'], ['2025-13-01'], ['2023-02-29'], ['next tuesday'], ['10-20-2025'], ['10/20/25'], ['2025-10-21 garbage'], ['0000-01-01']])(
    '%j is not a date',
    (text) => expect(parseDateCell(text)).toEqual({ kind: 'invalid', problem: 'invalid_date' }),
  );

  it('numbers and booleans are not dates; empty is missing', () => {
    expect(parseDateCell(45950)).toEqual({ kind: 'invalid', problem: 'invalid_date' });
    expect(parseDateCell(true)).toEqual({ kind: 'invalid', problem: 'invalid_date' });
    expect(parseDateCell(null)).toEqual({ kind: 'invalid', problem: 'missing_value' });
    expect(parseDateCell('  ')).toEqual({ kind: 'invalid', problem: 'missing_value' });
  });

  it('calendar helpers round-trip without time zones', () => {
    expect(isoFromDay(dayFromYmd(2025, 10, 21) as number)).toBe('2025-10-21');
    expect(isoFromDay(dayFromYmd(1, 1, 1) as number)).toBe('0001-01-01');
    expect(isoFromDay(dayFromYmd(9999, 12, 31) as number)).toBe('9999-12-31');
    expect(dayFromIso('2025-10-21')).toBe(20382);
  });
});

describe('rule 4: date order for the whole column', () => {
  const location = { file: 'appointments.xlsx', sheet: 'Sheet1' };
  const evidenceOf = (dates: [number, number][]) => {
    const evidence = emptyEvidence();
    dates.forEach(([a, b], i) => addEvidence(evidence, a, b, i + 2));
    return evidence;
  };

  it('no evidence reads month-first, like the source files', () => {
    expect(decideDateOrder('auto', evidenceOf([[10, 12], [1, 5]]), location)).toMatchObject({ used: 'mdy', basis: 'no_evidence' });
  });
  it('a second part above 12 proves month-first; a first part above 12 proves day-first', () => {
    expect(decideDateOrder('auto', evidenceOf([[10, 20]]), location)).toMatchObject({ used: 'mdy', basis: 'month_first_evidence' });
    expect(decideDateOrder('auto', evidenceOf([[20, 10]]), location)).toMatchObject({ used: 'dmy', basis: 'day_first_evidence' });
  });
  it('both parts above 12 is no evidence either way', () => {
    const evidence = evidenceOf([[13, 45], [20, 10]]);
    expect(evidence).toMatchObject({ dayFirst: 1, monthFirst: 0, slashDates: 2 });
    expect(decideDateOrder('auto', evidence, location).used).toBe('dmy');
  });
  it('conflicting evidence stops the run and asks for mdy or dmy, naming file, sheet and rows', () => {
    const evidence = evidenceOf([[20, 10], [10, 20]]);
    expect(() => decideDateOrder('auto', evidence, location)).toThrow(/appointments\.xlsx, sheet "Sheet1".*row 2.*row 3.*mdy.*dmy/s);
  });
  it('an explicit order is used as given, evidence or not', () => {
    expect(decideDateOrder('dmy', evidenceOf([[10, 20]]), location)).toMatchObject({ used: 'dmy', basis: 'requested' });
  });
});

describe('rule 5: status', () => {
  it.each([
    ['Confirmed', 'confirmed'],
    ['confirmed ', 'confirmed'],
    ['confirmed.', 'confirmed'],
    ['CONFIRM', 'confirmed'],
    ['canceled', 'cancelled'],
    ['cancelled ', 'cancelled'],
    ['Cancel!', 'cancelled'],
    ['c-a-n-c-e-l-l-e-d', 'cancelled'],
  ])('%j → %s', (text, value) => expect(standardiseStatus(text)).toEqual({ ok: true, value }));
  it.each([
    ['pending', 'invalid_status'],
    ['no-show', 'invalid_status'],
    ['confirmé', 'invalid_status'],
    ['...', 'invalid_status'],
    [1, 'invalid_status'],
    ['', 'missing_value'],
    [null, 'missing_value'],
  ])('%j is rejected as %s', (text, problem) => expect(standardiseStatus(text)).toEqual({ ok: false, problem }));
});

describe('rule 7: duplicates', () => {
  it('keeps the earliest date, and on a tie the first row', () => {
    const rows = [
      { id: 1, day: 5 },
      { id: 1, day: 3 },
      { id: 1, day: 3 },
      { id: 2, day: 9 },
    ];
    expect([...findWinners(rows, (r) => r.id, (c, cur) => c.day < cur.day)]).toEqual([1, 1, 1, 3]);
    expect([...findWinners(rows, (r) => r.id, () => false)]).toEqual([0, 0, 0, 3]);
  });
});

describe('rules 8 and 9', () => {
  it('placeholders: ids referenced but unknown, counted, sorted', () => {
    const uses = findPlaceholders(
      [
        { doctorId: 105, sourceRow: 4 },
        { doctorId: 101, sourceRow: 5 },
        { doctorId: 99, sourceRow: 6 },
        { doctorId: 105, sourceRow: 7 },
      ],
      new Set([101]),
    );
    expect(uses).toEqual([
      { doctorId: 99, appointments: 1, firstRow: 6 },
      { doctorId: 105, appointments: 2, firstRow: 4 },
    ]);
  });
  it('suspicious: before 2000, or more than 365 days after the run date', () => {
    const run = dayFromIso('2026-11-25') as number;
    expect(suspiciousReason(dayFromIso('1999-12-31') as number, run)).toBe('before_2000');
    expect(suspiciousReason(dayFromIso('2000-01-01') as number, run)).toBeNull();
    expect(suspiciousReason(run + 365, run)).toBeNull();
    expect(suspiciousReason(run + 366, run)).toBe('far_future');
  });
});
