/**
 * The preview report: everything the cleaning decided, as one plain value that exists before any
 * write. The CLI prints it, the app shows it, the load checks against it, and tests compare it.
 */
import type { AppointmentsOutcome, SuspiciousDate } from './clean/cleanAppointments';
import type { FixGroup } from './fixLog';
import type { DateOrderDecision, DateOrderEvidence } from './rules/dateOrder';
import type { PlaceholderUse } from './rules/placeholders';
import type { DateOrderOption, FileKind, RejectedRow, SuspiciousPolicy } from './types';

export interface FileCounts {
  /** Rows after the header row up to the last row. Reconciles: read = kept + rejected + repeatedHeaders + blankRows. */
  read: number;
  kept: number;
  rejected: number;
  repeatedHeaders: number;
  blankRows: number;
  /** Values changed in kept rows. */
  fixed: number;
}

export interface FileReport {
  kind: FileKind;
  path: string;
  name: string;
  sheet: string;
  sheets: string[];
  sizeBytes: number;
  sha256: string;
  headerRow: number;
  columns: {
    found: string[];
    /** Columns present but not used (reported, ignored). */
    extra: string[];
    /** Known columns that appear twice; the first one is used. */
    repeated: string[];
    /** Optional columns that are absent (their values are NULL). */
    missingOptional: string[];
  };
  counts: FileCounts;
  reconciled: boolean;
}

/** The summary numbers scripts rely on (`--json` prints them under `counts`). */
export interface RunCounts {
  /** Rows of the final doctors table, placeholders included. */
  doctors: number;
  /** Rows of the final appointments table. */
  appointments: number;
  /** Rejected rows of both files (duplicates and quarantined rows included). */
  rejected: number;
  duplicates: number;
  placeholders: number;
  suspicious_dates: number;
  fixed: number;
}

export interface DateOrderReport extends DateOrderDecision {
  evidence: DateOrderEvidence;
}

export interface PreviewReport {
  formatVersion: 1;
  /** The day rule 9 measures "more than 365 days after" from, YYYY-MM-DD. */
  runDate: string;
  options: { dateOrder: DateOrderOption; suspiciousPolicy: SuspiciousPolicy };
  files: Record<FileKind, FileReport>;
  dateOrder: DateOrderReport;
  counts: RunCounts;
  placeholders: PlaceholderUse[];
  suspicious: SuspiciousDate[];
  /** Doctors' rejected rows, then appointments', each by Excel row. */
  rejected: RejectedRow[];
  fixGroups: FixGroup[];
  warnings: string[];
}

export type { AppointmentsOutcome, SuspiciousDate };

export function reconciles(counts: FileCounts): boolean {
  return counts.read === counts.kept + counts.rejected + counts.repeatedHeaders + counts.blankRows;
}
