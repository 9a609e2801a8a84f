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
  /** The Parquet folder (--parquet_dir) cannot be created or written. */
  exportFolder: 5,
  /** The S3 bucket of --s3_url does not exist. */
  s3Bucket: 6,
  /** No AWS credentials in the standard chain, or S3 refused them. */
  s3Credentials: 7,
  /** The S3 endpoint cannot be reached or does not answer as S3 (wrong endpoint or region). */
  s3Endpoint: 8,
  /** The upload stopped midway; no _SUCCESS marker and no current pointer were written. */
  s3Upload: 9,
  /** Stopped by the user (Ctrl-C); nothing was changed. */
  cancelled: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit code of each data-lake export failure (ExportError codes, see electron/lake/lakeErrors.ts). */
export const EXPORT_EXIT: Record<string, ExitCode> = {
  export_folder_unwritable: EXIT.exportFolder,
  s3_bucket_missing: EXIT.s3Bucket,
  s3_credentials: EXIT.s3Credentials,
  s3_endpoint: EXIT.s3Endpoint,
  s3_upload_failed: EXIT.s3Upload,
};
