/** Distinct exit codes so scripts can tell what went wrong without parsing text. */
export const EXIT = {
  ok: 0,
  /** A bug or a broken promise of ours (e.g. counts that do not reconcile). */
  internal: 1,
  /** Wrong flags or settings. */
  usage: 2,
  /** A workbook that cannot be read or lacks required columns. */
  input: 3,
  /** The database could not be reached or refused the load (old data untouched). */
  database: 4,
  /** Stopped by the user (Ctrl-C); nothing was changed. */
  cancelled: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
