/**
 * The domain vocabulary of the pipeline: what a cell can hold, what the final tables hold, and the
 * ways a row can fail. Everything here is plain data so it can cross a worker or IPC boundary.
 */

export type FileKind = 'doctors' | 'appointments';

/** A cell as the reader hands it over: formulas already replaced by their result, rich text joined. */
export type RawCell = string | number | boolean | Date | null;

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
  | 'invalid_integer'
  | 'integer_out_of_range'
  | 'invalid_date'
  | 'invalid_status'
  | 'duplicate'
  | 'suspicious_date';

export const REJECT_REASONS: readonly RejectReason[] = [
  'missing_value',
  'invalid_integer',
  'integer_out_of_range',
  'invalid_date',
  'invalid_status',
  'duplicate',
  'suspicious_date',
];

export interface RejectedRow {
  file: FileKind;
  /** Excel row number (1-based, as Excel shows it). */
  row: number;
  reason: RejectReason;
  /** The column the reason is about, when it is about one. */
  column?: string;
  /** Human sentence, e.g. `booking_date "02/30/2025" is not a real date`. */
  message: string;
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
