/**
 * What both sheets share: columns and their (mis)typed headers, repeated header rows, blank rows,
 * and the tally of dirt actually written (so tests and the summary can say what a file contains).
 */
import { HEADER_VARIANTS, QUOTED_HEADER_VARIANTS, type Cell, type DirtKind, type DirtRates } from './dirt';
import type { Random } from './random';

/** Counts of the dirt written to one file: per kind, and per `kind:variant`. */
export class Tally {
  readonly byKind: Partial<Record<DirtKind, number>> = {};
  readonly byVariant: Record<string, number> = {};

  add(kind: DirtKind, variant?: string, amount = 1): void {
    this.byKind[kind] = (this.byKind[kind] ?? 0) + amount;
    if (variant !== undefined) {
      const key = `${kind}:${variant}`;
      this.byVariant[key] = (this.byVariant[key] ?? 0) + amount;
    }
  }

  /** A count that is not an occurrence of a kind (e.g. rows covered by fill-series runs). */
  count(key: string, amount = 1): void {
    this.byVariant[key] = (this.byVariant[key] ?? 0) + amount;
  }
}

export interface Column {
  /** Canonical name after SPEC rule 1 (`booking_id`), or an extra column's own name. */
  key: string;
  /** The header text as written in the file. */
  header: string;
  /** Extra columns are not part of the spec's schema. */
  extra: boolean;
  width: number;
}

export interface ColumnSpec {
  key: string;
  extra?: boolean;
  /** Header text of an extra column (canonical columns use their key unless mistyped). */
  header?: string;
  width: number;
}

/**
 * The header of each column: its canonical name, or (with probability `headerVariant`) a variant.
 * With `quoted`, the variants the brief quotes (Booking ID, Doctor-ID, …) are used for their
 * columns whenever the kind is on, so a small sample is sure to contain them.
 */
export function chooseColumns(
  specs: readonly ColumnSpec[],
  rates: DirtRates,
  random: Random,
  quoted: boolean,
  tally: Tally,
): Column[] {
  return specs.map((spec) => {
    let header = spec.header ?? spec.key;
    const variants = HEADER_VARIANTS[spec.key];
    if (!spec.extra && variants && rates.headerVariant > 0) {
      const quotedVariant = QUOTED_HEADER_VARIANTS[spec.key];
      if (quoted && quotedVariant !== undefined) header = quotedVariant;
      else if (random.chance(rates.headerVariant)) header = random.pick(variants);
      if (header !== spec.key) tally.add('headerVariant', JSON.stringify(header));
    }
    return { key: spec.key, header, extra: spec.extra ?? false, width: spec.width };
  });
}

export type RepeatedHeaderStyle = 'exact' | 'retyped';
export const REPEATED_HEADER_STYLES: readonly RepeatedHeaderStyle[] = ['exact', 'retyped'];

/** A header row typed again inside the data: the same text, or re-typed (other case/spacing). */
export function repeatedHeaderCells(columns: readonly Column[], style: RepeatedHeaderStyle, random: Random): Cell[] {
  if (style === 'exact') return columns.map((c) => ({ value: c.header }));
  const cells = columns.map((c): Cell => {
    const options = c.extra ? [c.header, c.header.toUpperCase(), c.header.toLowerCase()] : [c.key, ...(HEADER_VARIANTS[c.key] ?? [])];
    return { value: random.pick(options) };
  });
  // Make sure at least one cell differs from the file's header, or it would be an exact copy.
  if (cells.every((cellValue, i) => cellValue.value === columns[i]?.header)) {
    const first = columns[0];
    if (first) cells[0] = { value: first.header === first.key.toUpperCase() ? ` ${first.key} ` : first.key.toUpperCase() };
  }
  return cells;
}

/** `absent`: no row in the file; `formatted`: highlighted empty cells; `empty-strings`: cells holding "". */
export type BlankStyle = 'absent' | 'formatted' | 'empty-strings';
export const BLANK_STYLES: readonly BlankStyle[] = ['absent', 'formatted', 'empty-strings'];

export function blankRowCells(columns: readonly Column[], style: BlankStyle): Cell[] {
  switch (style) {
    case 'absent':
      return [];
    case 'formatted':
      return columns.map(() => ({ value: null, highlighted: true }));
    case 'empty-strings':
      return columns.map(() => ({ value: '' }));
  }
}

/** Lay out a row given as cells by column key (missing keys are empty cells). */
export function cellsInColumnOrder(columns: readonly Column[], byKey: Readonly<Record<string, Cell>>): Cell[] {
  return columns.map((c) => byKey[c.key] ?? { value: null });
}
