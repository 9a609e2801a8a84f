/**
 * Chart data exported as CSV: the shared field rule (shared/spreadsheetText.test.ts holds it in
 * full), a BOM for Excel, CRLF rows; and the file names' range part.
 */
import { describe, expect, it } from 'vitest';
import { rangeSlug, toCsv } from './exportFiles';

describe('toCsv', () => {
  it('starts with a BOM, separates rows with CRLF and ends with one', () => {
    const csv = toCsv(['doctor_id', 'name', 'confirmed'], [
      [101, 'Okafor, Amara', 12],
      [999, '=cmd', null],
    ]);
    expect(csv).toBe('\uFEFFdoctor_id,name,confirmed\r\n101,"Okafor, Amara",12\r\n999,\'=cmd,\r\n');
  });

  it('writes fields as the main process does: formula text neutralised, numbers typed as text left alone', () => {
    expect(toCsv(['name', 'value'], [['-5', -5], ['=1+2', '+SUM(A1)'], ['Okafor, Amara', 'the "x"']])).toBe(
      '\uFEFFname,value\r\n-5,-5\r\n\'=1+2,\'+SUM(A1)\r\n"Okafor, Amara","the ""x"""\r\n',
    );
  });

  it('writes only the header when there are no rows', () => {
    expect(toCsv(['a', 'b'], [])).toBe('\uFEFFa,b\r\n');
  });
});

describe('rangeSlug', () => {
  it('names the range for file names', () => {
    expect(rangeSlug('2025-10-01', '2025-10-31')).toBe('2025-10-01_2025-10-31');
    expect(rangeSlug(undefined, undefined)).toBe('all-dates');
    expect(rangeSlug('2025-10-01', undefined)).toBe('2025-10-01_end');
    expect(rangeSlug(undefined, '2025-10-31')).toBe('start_2025-10-31');
  });
});
