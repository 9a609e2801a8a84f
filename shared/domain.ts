/**
 * The domain vocabulary shared by the pipeline (Electron main, CLI, workers) and the renderer:
 * what a cell can hold, what the final tables hold, the ways a row can fail, and the preview
 * report. Plain data only, so every value here can cross a worker or IPC boundary.
 */

export type FileKind = 'doctors' | 'appointments';

/**
 * A formula cell whose workbook holds no calculated value for it: saved without one, or the
 * workbook asks to be recalculated when opened (`fullCalcOnLoad`), so the stored value is not what
 * Excel shows. Never read as an empty cell (SPEC §4 rule 10).
 */
export interface UncalculatedFormula {
  /** The formula as written (without `=`); '' for a cell that shares another cell's formula. */
  readonly formula: string;
}

/**
 * A cell as the reader hands it over: formulas already replaced by their result, rich text joined.
 * A Date may be one object shared by every cell of the same day (the reader reuses them): read it,
 * never mutate it.
 */
export type RawCell = string | number | boolean | Date | UncalculatedFormula | null;

/**
 * An integer identifier. A JS number while it is exactly representable; above 2^53 the canonical
 * decimal text, so BIGINT ids survive unchanged. The same id always gets the same representation.
 */
export type IdValue = number | string;

export type Status = 'confirmed' | 'cancelled';

export type DateOrder = 'mdy' | 'dmy';
export type DateOrderOption = DateOrder | 'auto';

export type SuspiciousPolicy = 'warn' | 'quarantine';

export interface FinalDoctor {
  doctorId: number;
  name: string;
  specialty: string | null;
  placeholder: boolean;
  /** Excel row the doctor came from; null for placeholders. */
  sourceRow: number | null;
}

export interface FinalAppointment {
  bookingId: IdValue;
  patientId: IdValue;
  doctorId: number;
  /** Days since 1970-01-01 (a calendar date, no time zone). */
  day: number;
  status: Status;
  sourceRow: number;
}

/** Why a source row did not reach the final tables. Stable codes: programs and filters use them. */
export type RejectReason =
  | 'missing_value'
  | 'formula_not_calculated'
  | 'invalid_integer'
  | 'integer_out_of_range'
  | 'invalid_date'
  | 'invalid_status'
  | 'duplicate'
  | 'suspicious_date';

export const REJECT_REASONS: readonly RejectReason[] = [
  'missing_value',
  'formula_not_calculated',
  'invalid_integer',
  'integer_out_of_range',
  'invalid_date',
  'invalid_status',
  'duplicate',
  'suspicious_date',
];

/** One thing wrong with a row: the code, the column it is about, and the sentence. */
export interface RowProblem {
  reason: RejectReason;
  column?: string;
  message: string;
}

export interface RejectedRow {
  file: FileKind;
  /** Excel row number (1-based, as Excel shows it). */
  row: number;
  /** The first problem in column order (what counts by reason use). */
  reason: RejectReason;
  /** The column the reason is about, when it is about one. */
  column?: string;
  /** Human sentence, e.g. `booking_date "02/30/2025" is not a real date`. */
  message: string;
  /**
   * Every problem of the row in column order, the first being `reason`/`column`/`message`: fixing
   * `37X` must not leave the analyst to discover the empty patient id on the next run.
   */
  problems: RowProblem[];
  /** For duplicates: the Excel row that was kept instead. */
  keptRow?: number;
  /** The row's values as typed, by canonical column name (text as shown; empty cells as ''). */
  raw: Record<string, string>;
}

/** Which cleaning rule changed a value; the preview groups fixes by it. */
export type FixRule =
  | 'integer_text'
  | 'date_text'
  | 'status_standardised'
  | 'text_trimmed'
  | 'specialty_empty';

export interface Fix {
  file: FileKind;
  row: number;
  column: string;
  before: string;
  after: string;
  rule: FixRule;
}

export type SuspiciousReason = 'before_2000' | 'far_future';

export interface DateOrderEvidence {
  /** Slash dates whose first part is above 12 (only day-first can read them). */
  dayFirst: number;
  /** Slash dates whose second part is above 12 (only month-first can read them). */
  monthFirst: number;
  /** All slash dates seen. */
  slashDates: number;
  /** Excel rows of the first few examples each way, for the message and the preview. */
  dayFirstRows: number[];
  monthFirstRows: number[];
}

export interface DateOrderDecision {
  requested: DateOrderOption;
  used: DateOrder;
  /** How the order was chosen, in words for the preview. */
  basis: 'requested' | 'day_first_evidence' | 'month_first_evidence' | 'no_evidence';
}

export interface PlaceholderUse {
  doctorId: number;
  /** How many kept appointments point to it. */
  appointments: number;
  /** Excel row of the first such appointment. */
  firstRow: number;
}

export interface SuspiciousDate {
  row: number;
  bookingId: string;
  date: string;
  reason: SuspiciousReason;
  quarantined: boolean;
}

export interface FixGroup {
  file: FileKind;
  rule: FixRule;
  column: string;
  count: number;
  /** Distinct before → after pairs, most frequent first (capped), with how often each occurred. */
  pairs: { before: string; after: string; count: number; firstRow: number }[];
  distinctPairs: number;
}

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

