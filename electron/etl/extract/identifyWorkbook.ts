/**
 * Tells a doctors workbook from an appointments workbook by its header row, so files can be
 * dropped in either order. Reads each sheet only up to its header; the first sheet whose header
 * fits wins (usually the first sheet).
 */
import path from 'node:path';
import { APPOINTMENT_COLUMNS } from '../clean/cleanAppointments';
import { DOCTOR_COLUMNS } from '../clean/cleanDoctors';
import { CancelledError, InputFileError } from '../errors';
import { mapHeader } from '../rules/columnNames';
import type { FileKind } from '../types';
import { cellText, isBlankCell } from './cellValue';
import { inspectWorkbook } from './inspectWorkbook';
import { readSheet } from './readSheet';

export interface WorkbookIdentity {
  kind: FileKind | null;
  sheet: string | null;
  sheets: string[];
  headerRow: number | null;
  /** Header cells of the chosen (or first) sheet, as typed. */
  columns: string[];
}

const MAX_SHEETS_TRIED = 10;

export async function identifyWorkbook(file: string, signal?: AbortSignal): Promise<WorkbookIdentity> {
  const { sheets } = await inspectWorkbook(file);
  const names = sheets.map((sheet) => sheet.name);
  let first: { sheet: string; row: number | null; columns: string[] } | undefined;
  for (const name of names.slice(0, MAX_SHEETS_TRIED)) {
    const header = await readHeader(file, name, signal);
    first ??= { sheet: name, ...header };
    const kind = kindOf(header.columns);
    if (kind) return { kind, sheet: name, sheets: names, headerRow: header.row, columns: header.columns };
  }
  return { kind: null, sheet: first?.sheet ?? null, sheets: names, headerRow: first?.row ?? null, columns: first?.columns ?? [] };
}

/** Appointments first: its header also has doctor_id, but never a doctor's name. */
export function kindOf(columns: readonly string[]): FileKind | null {
  if (mapHeader(columns, APPOINTMENT_COLUMNS).missing.length === 0) return 'appointments';
  if (mapHeader(columns, DOCTOR_COLUMNS).missing.length === 0) return 'doctors';
  return null;
}

async function readHeader(file: string, sheet: string, signal?: AbortSignal): Promise<{ row: number | null; columns: string[] }> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let header: { row: number | null; columns: string[] } = { row: null, columns: [] };
  try {
    await readSheet(
      file,
      (row, cells) => {
        if (header.row !== null || cells.every(isBlankCell)) return;
        header = { row, columns: cells.map((cell) => cellText(cell ?? null)) };
        stop.abort();
      },
      { sheet, signal: stop.signal },
    );
  } catch (error) {
    // Stopping at the header is how we finish early; anything else is a real problem.
    if (!(error instanceof CancelledError) || signal?.aborted) throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (signal?.aborted) throw new CancelledError();
  return header;
}

export function describeUnidentified(file: string, identity: WorkbookIdentity): InputFileError {
  const label = path.basename(file);
  const found = identity.columns.filter((c) => c.trim() !== '');
  return new InputFileError(
    'unrecognised_workbook',
    identity.headerRow === null
      ? `${label} has no header row in its first ${Math.min(identity.sheets.length, MAX_SHEETS_TRIED)} sheet(s).`
      : `${label} is neither a doctors file (doctor_id, name, specialty) nor an appointments file (booking_id, patient_id, doctor_id, booking_date, status). ` +
        `Its header (sheet "${identity.sheet}", row ${identity.headerRow}) has: ${found.map((c) => `"${c}"`).join(', ') || 'nothing'}.`,
    { file, ...(identity.sheet ? { sheet: identity.sheet } : {}) },
    { columns: found },
  );
}
