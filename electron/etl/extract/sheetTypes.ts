/** What both sheet readers (the hand-written default and the exceljs oracle) take and give. */
import type { RawCell } from '../types';
import type { ZipLimits } from './inspectWorkbook';

export interface ReadSheetOptions {
  /** Sheet name to read; default the first sheet. Matched exactly, then ignoring case and spaces. */
  sheet?: string;
  signal?: AbortSignal;
  /** Bytes of the file consumed so far, and its size: drives progress bars. */
  onBytes?: (read: number, total: number) => void;
  zipLimits?: ZipLimits;
  /** Called once the sheet is chosen, before its first row. */
  onSheet?: (sheet: string) => void;
}

export interface SheetInfo {
  sheet: string;
  sheets: string[];
  sizeBytes: number;
}

/** Receives each row stored in the sheet: its Excel row number and its cells, 0-based, holes as null. */
export type RowSink = (row: number, cells: RawCell[]) => void;
