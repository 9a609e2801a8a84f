/**
 * Which number formats make a number a date, and serial numbers to Dates, exactly as the
 * exceljs-based reader decides (it stays the test oracle, see readSheetWithExceljs.ts).
 */

/**
 * Built-in format codes that exceljs knows (its `defaultnumformats`, the entries with a code). A
 * cell whose style uses one of these ids without a custom <numFmt> gets this code.
 */
const BUILT_IN_FORMATS: Readonly<Record<number, string>> = {
  0: 'General',
  1: '0',
  2: '0.00',
  3: '#,##0',
  4: '#,##0.00',
  9: '0%',
  10: '0.00%',
  11: '0.00E+00',
  12: '# ?/?',
  13: '# ??/??',
  14: 'mm-dd-yy',
  15: 'd-mmm-yy',
  16: 'd-mmm',
  17: 'mmm-yy',
  18: 'h:mm AM/PM',
  19: 'h:mm:ss AM/PM',
  20: 'h:mm',
  21: 'h:mm:ss',
  22: 'm/d/yy "h":mm',
  37: '#,##0 ;(#,##0)',
  38: '#,##0 ;[Red](#,##0)',
  39: '#,##0.00 ;(#,##0.00)',
  40: '#,##0.00 ;[Red](#,##0.00)',
  45: 'mm:ss',
  46: '[h]:mm:ss',
  47: 'mmss.0',
  48: '##0.0E+0',
  49: '@',
};

/**
 * Built-in ids whose code depends on the locale (Chinese, Japanese, Korean date and time formats:
 * 27–36 and 50–58). exceljs has no single code for them and reads such cells as plain numbers;
 * Excel shows them as dates, and SPEC §4 rule 4 counts date-formatted serial numbers as dates, so
 * we do too. This is one of the documented differences from exceljs.
 */
export function isLocaleDateFormatId(id: number): boolean {
  return (id >= 27 && id <= 36) || (id >= 50 && id <= 58);
}

export function builtInFormat(id: number): string | undefined {
  return BUILT_IN_FORMATS[id];
}

/** exceljs's `utils.isDateFmt`: used for plain number cells. */
export function isDateFormatForValues(format: string | undefined): boolean {
  if (!format) return false;
  const stripped = format.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '');
  return /[ymdhMsb]+/.test(stripped);
}

/**
 * The rule readSheet applied to formula results (exceljs leaves those as numbers): the same test,
 * but case-insensitive. Kept separately so both kinds of cell come out exactly as before.
 */
export function isDateFormatForFormulas(format: string | undefined): boolean {
  if (!format) return false;
  const stripped = format.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '');
  return /[ymdhsb]/i.test(stripped);
}

/** exceljs's `utils.excelToDate`, operation for operation (plain number cells). */
export function valueSerialToDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 24 * 3600 * 1000));
}

/** readSheet's conversion of formula results, operation for operation. */
export function formulaSerialToDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * A `t="d"` cell's ISO 8601 text as a Date. Without a zone it is read as UTC, like serial numbers
 * are (a calendar date and clock time, not an instant). Not a real date → undefined.
 */
export function isoCellToDate(text: string): Date | undefined {
  const match = ISO_DATE.exec(text.trim());
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  const millis = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  if (hour > 24 || minute > 59 || second > 60) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  date.setUTCHours(hour, minute, second, millis);
  let offsetMinutes = 0;
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  }
  return new Date(date.getTime() - offsetMinutes * 60_000);
}
