/**
 * The one neutralisation rule every export uses (main, worker, renderer): formula-looking text
 * gets an apostrophe, numbers typed as text do not, quoting follows RFC 4180.
 */
import { describe, expect, it } from 'vitest';
import { csvField, csvLine, looksLikeFormula, neutraliseFormula } from './spreadsheetText';

describe('neutraliseFormula', () => {
  it('prefixes every text a spreadsheet would run: = + - @ TAB CR NUL', () => {
    for (const text of ['=1+2', '+SUM(A1:A9)', '-2+3', '@cmd', '\t=1', '\r=1', '\0=1', "=cmd|' /C calc'!A0", '-', '+ bring x-rays', '=HYPERLINK("http://x","y")', '-1+cmd']) {
      expect(neutraliseFormula(text), JSON.stringify(text)).toBe(`'${text}`);
      expect(looksLikeFormula(text)).toBe(true);
    }
  });

  it('leaves numbers typed as text alone: a spreadsheet reads them as numbers', () => {
    for (const text of ['-5', '+5', '-12.5', '+0.25', '-.5', '-1e3', '+2E-4', '-6.']) {
      expect(neutraliseFormula(text), text).toBe(text);
      expect(looksLikeFormula(text)).toBe(false);
    }
  });

  it('only the first character counts', () => {
    for (const text of ['a=b', 'Cardiology - North', 'Dr. Plain', '', ' =1', '5-3']) expect(neutraliseFormula(text)).toBe(text);
  });
});

describe('csvField and csvLine', () => {
  it('write numbers, booleans and empties plainly', () => {
    expect([null, undefined, 0, -12, 0.2944, Number.NaN, Number.POSITIVE_INFINITY, true, false].map(csvField)).toEqual(['', '', '0', '-12', '0.2944', '', '', 'true', 'false']);
  });

  it('quote commas, quotes and line breaks after neutralising', () => {
    expect(csvField('Okafor, Amara')).toBe('"Okafor, Amara"');
    expect(csvField('the "Unknown" doctor')).toBe('"the ""Unknown"" doctor"');
    expect(csvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvField('\r=1')).toBe('"\'\r=1"');
    expect(csvField('-5')).toBe('-5');
  });

  it('end records with CRLF', () => {
    expect(csvLine([101, '=cmd', null, 'a,b'])).toBe('101,\'=cmd,,"a,b"\r\n');
  });
});
