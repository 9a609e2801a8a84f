/** What the generator wrote into one sheet, for tests and the one-line summary. */
import type { DirtKind } from './dirt';

export interface SheetStats {
  sheetName: string;
  /** Excel row number of the header (above it: only leading blank rows). */
  headerRow: number;
  /** Excel row number of the last row written. */
  lastRow: number;
  /** lastRow - headerRow: every row a reader sees below the header. */
  rowsBelowHeader: number;
  /** The header texts as written. */
  headers: string[];
  /** Rows below the header by what they are (data rows include rows the cleaner will reject). */
  rows: { data: number; repeatedHeader: number; blank: number };
  /** How many times each dirt kind was written (id kinds per cell, fill series per run). */
  dirt: Partial<Record<DirtKind, number>>;
  /** The same, per `kind:variant` (e.g. `idAsText:doctor_id:dot-zero`, `duplicateBooking:earlier-date`). */
  variants: Record<string, number>;
  /** Examples that did not fit (the sheet was too short); empty for the samples. */
  unplacedExamples?: string[];
}
