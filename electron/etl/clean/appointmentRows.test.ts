import { describe, expect, it } from 'vitest';
import { rowsAtMost } from '../extract/xlsxStream/sheetRows';
import { AppointmentRows, DATE_CANONICAL } from './appointmentRows';

function filled(reserved: number | null, count: number): AppointmentRows {
  const rows = new AppointmentRows();
  if (reserved !== null) rows.reserve(reserved);
  for (let i = 0; i < count; i++) rows.add(i + 2, [1000 + i, 5000 + i, 7, new Date(Date.UTC(2025, 0, 1 + (i % 300))), 'confirmed']);
  return rows;
}

describe('AppointmentRows.reserve', () => {
  it('sizes the columns once, and rows past the reserve (or with none) are kept the same', () => {
    const plain = filled(null, 5000);
    for (const reserved of [0, 3, 5000, 70_000]) {
      const rows = filled(reserved, 5000);
      expect(rows.rows.length).toBeGreaterThanOrEqual(Math.max(reserved, 5000));
      expect(rows.length).toBe(5000);
      for (const column of ['rows', 'bookingIds', 'patientIds', 'doctorIds', 'dateKinds', 'dateValues', 'statuses', 'problemFlags'] as const) {
        expect(Array.from(rows[column].subarray(0, 5000))).toEqual(Array.from(plain[column].subarray(0, 5000)));
      }
      expect(rows.dateKinds[4999]).toBe(DATE_CANONICAL);
    }
  });

  it('a reserve below what the columns hold leaves them and their rows as they are', () => {
    const rows = filled(null, 3000);
    const before = Array.from(rows.bookingIds.subarray(0, 3000));
    rows.reserve(10);
    expect(Array.from(rows.bookingIds.subarray(0, 3000))).toEqual(before);
  });
});

describe('rowsAtMost (the reader bound behind the reserve)', () => {
  it('is the part size over the smallest row with a value, never past a worksheet last row', () => {
    expect(rowsAtMost(0)).toBe(0);
    expect(rowsAtMost(25)).toBe(0);
    expect(rowsAtMost('<row><c><v>1</v></c></row>'.length)).toBe(1);
    expect(rowsAtMost(260)).toBe(10);
    expect(rowsAtMost(300_437_567)).toBe(1_048_576);
    expect(rowsAtMost(Number.MAX_SAFE_INTEGER)).toBe(1_048_576);
  });
});
