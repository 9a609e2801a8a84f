/**
 * Text headed for a file an analyst opens in Excel (CSV and xlsx exports), in one place for the
 * main process, the ETL worker and the renderer, so every export follows the same rule.
 *
 * A text cell starting with `=`, `+`, `-`, `@`, TAB, CR or NUL gets a leading apostrophe, as
 * OWASP recommends against CSV (formula) injection. Text that is just a number (`-5`, `+3.5`,
 * `-1e3`) is left alone: a spreadsheet reads it as that number and runs nothing, and an analyst
 * would otherwise see a stray apostrophe in a value typed as `-5`. Numbers and booleans are
 * written as they are.
 */

export type SpreadsheetValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r\0]/;
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The text itself, or the text with a leading apostrophe when a spreadsheet could run it. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** True when a spreadsheet could read this text as a formula (what neutraliseFormula guards). */
export function looksLikeFormula(text: string): boolean {
  return neutraliseFormula(text) !== text;
}

/** One CSV field (RFC 4180 quoting), neutralised. */
export function csvField(value: SpreadsheetValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const safe = neutraliseFormula(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV record, CRLF-terminated as Excel writes them. */
export function csvLine(values: readonly SpreadsheetValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** A UTF-8 byte-order mark, so Excel reads accented names correctly. */
export const CSV_BOM = '\uFEFF';
