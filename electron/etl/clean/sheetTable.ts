/**
 * Rules 1 and 2 applied to a stream of sheet rows: finds the header (the first non-empty row),
 * maps its columns, and sorts every later row into data, blank or repeated header. Rows the
 * sheet skips (never typed in) between the header and the last row count as blank, as Excel
 * shows them.
 */
import path from 'node:path';
import { InputFileError, type InputLocation } from '../errors';
import { cellText, isBlankCell } from '../extract/cellValue';
import { quoteName } from '../extract/xlsxStream/partParser';
import { mapHeader, normaliseColumnName, type ColumnSpec, type HeaderMapping } from '../rules/columnNames';
import type { RawCell } from '../types';

export interface SheetCounts {
  /** Rows after the header, up to the last row: data + repeated headers + blank rows. */
  read: number;
  repeatedHeaders: number;
  blankRows: number;
}

export class SheetTable {
  readonly columns: readonly string[];
  header: HeaderMapping | null = null;
  headerRow = 0;
  readonly counts: SheetCounts = { read: 0, repeatedHeaders: 0, blankRows: 0 };
  private lastRow = 0;
  private columnIndexes: number[] = [];
  private readonly picked: RawCell[] = [];

  constructor(
    private readonly spec: ColumnSpec,
    readonly location: InputLocation,
  ) {
    this.columns = [...spec.required, ...spec.optional];
  }

  /** The sheet name is known only once the reader has chosen it. */
  setSheet(sheet: string): void {
    this.location.sheet = sheet;
  }

  /**
   * Feeds one sheet row. Returns the row's cells in `columns` order when it is a data row, else
   * null (header, blank or repeated header, all counted). The array returned is reused for the
   * next row (no array per row on the streaming path): read it, do not keep it.
   */
  accept(row: number, cells: RawCell[]): RawCell[] | null {
    if (this.header === null) {
      if (cells.every(isBlankCell)) return null;
      this.readHeader(row, cells);
      return null;
    }
    const gap = row - this.lastRow - 1;
    if (gap > 0) {
      this.counts.read += gap;
      this.counts.blankRows += gap;
    }
    this.lastRow = row;
    this.counts.read += 1;
    if (isBlankRow(cells)) {
      this.counts.blankRows += 1;
      return null;
    }
    const picked = this.picked;
    const indexes = this.columnIndexes;
    for (let i = 0; i < indexes.length; i++) {
      const index = indexes[i] as number;
      picked[i] = index >= 0 ? (cells[index] ?? null) : null;
    }
    if (this.isRepeatedHeader(picked)) {
      this.counts.repeatedHeaders += 1;
      return null;
    }
    return picked;
  }

  /** Call after the last row: a sheet without any header row is an error. */
  finish(): HeaderMapping {
    if (this.header === null) {
      throw new InputFileError(
        'empty_sheet',
        `${this.where()} is empty: no header row was found (expected columns ${this.spec.required.join(', ')}).`,
        this.location,
      );
    }
    return this.header;
  }

  private readHeader(row: number, cells: RawCell[]): void {
    const texts = Array.from(cells, (cell) => cellText(cell ?? null));
    const header = mapHeader(texts, this.spec);
    if (header.missing.length > 0) {
      throw new InputFileError(
        'missing_columns',
        `${this.where()}, header row ${row}: missing required column${header.missing.length > 1 ? 's' : ''} ${header.missing.join(', ')}. ` +
          // JSON quoting keeps a header typed with a line break on one line.
          `Columns found: ${header.found.length > 0 ? header.found.map((name) => JSON.stringify(name)).join(', ') : 'none'}.`,
        { ...this.location, row },
        { missing: header.missing, found: header.found },
      );
    }
    this.header = header;
    this.headerRow = row;
    this.lastRow = row;
    this.columnIndexes = this.columns.map((column) => header.index.get(column) ?? -1);
  }

  private isRepeatedHeader(picked: RawCell[]): boolean {
    for (let i = 0; i < this.spec.required.length; i++) {
      const cell = picked[i] ?? null;
      if (typeof cell !== 'string' || normaliseColumnName(cell) !== this.spec.required[i]) return false;
    }
    return true;
  }

  private where(): string {
    return `${path.basename(this.location.file)}, sheet ${quoteName(this.location.sheet ?? '?')}`;
  }
}

function isBlankRow(cells: RawCell[]): boolean {
  for (let i = 0; i < cells.length; i++) if (!isBlankCell(cells[i] ?? null)) return false;
  return true;
}
