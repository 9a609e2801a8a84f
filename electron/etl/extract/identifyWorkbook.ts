/**
 * Tells a doctors workbook from an appointments workbook by its header row, so files can be
 * dropped in either order. The sheet is chosen as the CLI chooses it (chooseDataSheet.ts): the
 * first in tab order whose header fits either kind, visible sheets before hidden ones; only header
 * rows are read.
 */
import path from 'node:path';
import { APPOINTMENT_COLUMNS } from '../clean/cleanAppointments';
import { DOCTOR_COLUMNS } from '../clean/cleanDoctors';
import { InputFileError } from '../errors';
import { mapHeader } from '../rules/columnNames';
import type { FileKind } from '../types';
import { describeHeaders, findDataSheet } from './chooseDataSheet';
import { OpenedWorkbook, asInputError } from './xlsxStream/readWorksheet';

export interface WorkbookIdentity {
  kind: FileKind | null;
  sheet: string | null;
  sheets: string[];
  headerRow: number | null;
  /** Header cells of the chosen (or first) sheet, as typed. */
  columns: string[];
  /** When no sheet fits: every sheet looked at with its header, on one line (for the message). */
  looked?: string;
}

export async function identifyWorkbook(file: string, signal?: AbortSignal): Promise<WorkbookIdentity> {
  const workbook = await OpenedWorkbook.open(file, signal ? { signal } : {});
  try {
    const names = workbook.sheets.map((sheet) => sheet.name);
    const choice = await findDataSheet(workbook, (columns) => kindOf(columns) !== null, signal);
    const shown = choice.chosen ?? choice.looked[0];
    return {
      kind: choice.chosen ? kindOf(choice.chosen.columns) : null,
      sheet: shown?.sheet.name ?? null,
      sheets: names,
      headerRow: shown?.row ?? null,
      columns: shown?.columns ?? [],
      ...(choice.chosen ? {} : { looked: describeHeaders(choice.looked, names.length) }),
    };
  } catch (error) {
    throw asInputError(error, file, undefined, signal);
  } finally {
    workbook.close();
  }
}

/** Appointments first: its header also has doctor_id, but never a doctor's name. */
export function kindOf(columns: readonly string[]): FileKind | null {
  if (mapHeader(columns, APPOINTMENT_COLUMNS).missing.length === 0) return 'appointments';
  if (mapHeader(columns, DOCTOR_COLUMNS).missing.length === 0) return 'doctors';
  return null;
}

export function describeUnidentified(file: string, identity: WorkbookIdentity): InputFileError {
  const label = path.basename(file);
  const found = identity.columns.filter((c) => c.trim() !== '');
  return new InputFileError(
    'unrecognised_workbook',
    `${label} is neither a doctors file (doctor_id, name, specialty) nor an appointments file (booking_id, patient_id, doctor_id, booking_date, status): ` +
      `no sheet has either header. Sheets: ${identity.looked ?? 'none'}.`,
    { file, ...(identity.sheet ? { sheet: identity.sheet } : {}) },
    { columns: found },
  );
}
