/**
 * Rule 1: column names. Header cells are normalised (trim, lowercase, runs of spaces or hyphens
 * become `_`) and matched against the columns a file needs. Lookups use Maps and arrays, never
 * plain objects keyed by header text, so a header such as `__proto__` is just an unknown column.
 */

export function normaliseColumnName(text: string): string {
  return text.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

export interface ColumnSpec {
  required: readonly string[];
  optional: readonly string[];
}

export interface HeaderMapping {
  /** Canonical column → 0-based cell index in the row. Only known columns appear. */
  index: Map<string, number>;
  /** Header cells as found (original text), in sheet order; empty header cells omitted. */
  found: string[];
  missing: string[];
  /** Columns we do not use, as found (original text). */
  extra: string[];
  /** Known columns that appear more than once; the first occurrence is used. */
  repeated: string[];
}

export function mapHeader(headerCells: readonly string[], spec: ColumnSpec): HeaderMapping {
  const known = new Set([...spec.required, ...spec.optional]);
  const index = new Map<string, number>();
  const found: string[] = [];
  const extra: string[] = [];
  const repeated: string[] = [];
  headerCells.forEach((cell, i) => {
    if (cell.trim() === '') return;
    found.push(cell);
    const name = normaliseColumnName(cell);
    if (!known.has(name)) {
      extra.push(cell);
    } else if (index.has(name)) {
      repeated.push(cell);
    } else {
      index.set(name, i);
    }
  });
  const missing = spec.required.filter((column) => !index.has(column));
  return { index, found, missing, extra, repeated };
}
