/**
 * Chart data exported as CSV: RFC 4180 quoting, formula-looking text neutralised (OWASP CSV
 * injection) while real numbers stay numbers, a BOM for Excel, CRLF rows; and the file names'
 * range part.
 */
import { describe, expect, it } from 'vitest';
import { csvCell, rangeSlug, toCsv } from './exportFiles';

describe('csvCell', () => {
  it('writes empty, numbers and booleans plainly', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(-12)).toBe('-12');
    expect(csvCell(0.2944)).toBe('0.2944');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(Number.POSITIVE_INFINITY)).toBe('');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(false)).toBe('false');
    expect(csvCell('Dr. Amara Okafor')).toBe('Dr. Amara Okafor');
    expect(csvCell('Zoë Müller')).toBe('Zoë Müller');
  });

  it('quotes commas, quotes and line breaks, doubling inner quotes', () => {
    expect(csvCell('Okafor, Amara')).toBe('"Okafor, Amara"');
    expect(csvCell('the "Unknown" doctor')).toBe('"the ""Unknown"" doctor"');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvCell('"')).toBe('""""');
  });

  it('neutralises text a spreadsheet would run as a formula', () => {
    expect(csvCell('=1+2')).toBe("'=1+2");
    expect(csvCell('+SUM(A1:A9)')).toBe("'+SUM(A1:A9)");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@cmd')).toBe("'@cmd");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvCell('\r=1')).toBe('"\'\r=1"');
    // Only a leading character counts.
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell('Cardiology - North')).toBe('Cardiology - North');
  });
});

describe('toCsv', () => {
  it('starts with a BOM, separates rows with CRLF and ends with one', () => {
    const csv = toCsv(['doctor_id', 'name', 'confirmed'], [
      [101, 'Okafor, Amara', 12],
      [999, '=cmd', null],
    ]);
    expect(csv).toBe('\uFEFFdoctor_id,name,confirmed\r\n101,"Okafor, Amara",12\r\n999,\'=cmd,\r\n');
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
