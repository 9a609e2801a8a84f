/**
 * Typed failures of the pipeline. Inside the core we throw these; at the edges (CLI, IPC) they
 * become a one-line message for people plus a stable `code` for programs. A row problem is never
 * an error: it becomes a rejected row (see report.ts).
 */

import type { ErrorKind, ErrorLocation } from '../../shared/contract';

/** Where in the input a file-level problem sits, as precisely as it is known. */
export type InputLocation = ErrorLocation;
export type { ErrorKind };

export abstract class EtlError extends Error {
  abstract readonly kind: ErrorKind;
  /** Stable, machine-readable code, e.g. `missing_columns`, `zip_bomb`, `db_unreachable`. */
  readonly code: string;
  /** Extra facts for logs and the preview (never passwords, never patient values). */
  readonly detail: Record<string, unknown>;

  constructor(code: string, message: string, detail: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.detail = detail;
  }
}

/** A wrong flag, setting or option value: the person running the tool can fix it by asking differently. */
export class UsageError extends EtlError {
  readonly kind = 'usage' as const;
  override readonly name = 'UsageError';
}

/** A workbook that cannot be read or does not have the expected shape. */
export class InputFileError extends EtlError {
  readonly kind = 'input' as const;
  override readonly name = 'InputFileError';
  readonly location: InputLocation;

  constructor(code: string, message: string, location: InputLocation, detail: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(code, message, { ...detail, ...location }, options);
    this.location = location;
  }
}

/**
 * The database refused or failed. Keeps PostgreSQL's own words (SQLSTATE, detail, constraint) so
 * people and logs can see what the server said, while `message` says what it means for the analyst.
 */
export class DatabaseError extends EtlError {
  readonly kind = 'database' as const;
  override readonly name = 'DatabaseError';
  readonly sqlstate: string | undefined;

  constructor(code: string, message: string, detail: Record<string, unknown> & { sqlstate?: string } = {}, options?: { cause?: unknown }) {
    super(code, message, detail, options);
    this.sqlstate = detail.sqlstate;
  }
}

/**
 * The data-lake export could not write its folder or reach S3. The database is never changed by
 * one: the export only reads, and its target is checked before a CLI run loads anything.
 */
export class ExportError extends EtlError {
  readonly kind = 'export' as const;
  override readonly name = 'ExportError';
}

/** The person cancelled a long step; not a failure to report loudly. */
export class CancelledError extends EtlError {
  readonly kind = 'cancelled' as const;
  override readonly name = 'CancelledError';

  constructor(message = 'Cancelled.') {
    super('cancelled', message);
  }
}

/** Throws CancelledError when the signal has fired; call at natural checkpoints of long loops. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

export function isEtlError(error: unknown): error is EtlError {
  return error instanceof EtlError;
}

/** A broken promise of our own (e.g. counts that do not reconcile): a bug, reported plainly. */
export class InternalError extends EtlError {
  readonly kind = 'internal' as const;
  override readonly name = 'InternalError';
}
