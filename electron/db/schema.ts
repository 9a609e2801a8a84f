/**
 * The target schema: the brief's two tables (with their keys and CHECK), the run log and the
 * rejected rows of the latest load, plus the indexes the dashboard's queries use. Everything is
 * create-if-missing and uses SQL that PostgreSQL 13 understands.
 */
import { quoteIdent } from './identifiers';

export function schemaStatements(schema: string): string[] {
  const s = quoteIdent(schema);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE IF NOT EXISTS ${s}.doctors (
      doctor_id   INTEGER PRIMARY KEY,
      name        TEXT NOT NULL,
      specialty   TEXT
    )`,
    // Columns beyond the brief's are added separately so a table created by an earlier tool
    // (with only the brief's columns) is upgraded in place instead of failing the COPY.
    `ALTER TABLE ${s}.doctors ADD COLUMN IF NOT EXISTS is_placeholder BOOLEAN NOT NULL DEFAULT FALSE`,
    `ALTER TABLE ${s}.doctors ADD COLUMN IF NOT EXISTS source_row INTEGER`,
    `CREATE TABLE IF NOT EXISTS ${s}.appointments (
      booking_id    BIGINT PRIMARY KEY,
      patient_id    BIGINT NOT NULL,
      doctor_id     INTEGER NOT NULL REFERENCES ${s}.doctors(doctor_id),
      booking_date  DATE NOT NULL,
      status        TEXT NOT NULL CHECK (status IN ('confirmed','cancelled'))
    )`,
    `ALTER TABLE ${s}.appointments ADD COLUMN IF NOT EXISTS source_row INTEGER`,
    `CREATE INDEX IF NOT EXISTS appointments_booking_date_idx ON ${s}.appointments (booking_date, status)`,
    `CREATE INDEX IF NOT EXISTS appointments_doctor_idx ON ${s}.appointments (doctor_id, booking_date)`,
    `CREATE INDEX IF NOT EXISTS appointments_patient_idx ON ${s}.appointments (patient_id, booking_date)`,
    `CREATE TABLE IF NOT EXISTS ${s}.etl_runs (
      run_id                  BIGSERIAL PRIMARY KEY,
      started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
      finished_at             TIMESTAMPTZ,
      outcome                 TEXT NOT NULL DEFAULT 'running' CHECK (outcome IN ('running','succeeded','failed')),
      error_code              TEXT,
      error                   TEXT,
      source                  TEXT NOT NULL,
      app_version             TEXT,
      run_date                DATE,
      date_order              TEXT,
      suspicious_policy       TEXT,
      doctors_file            TEXT,
      doctors_sheet           TEXT,
      doctors_sha256          TEXT,
      appointments_file       TEXT,
      appointments_sheet      TEXT,
      appointments_sha256     TEXT,
      doctors_read            INTEGER,
      doctors_kept            INTEGER,
      doctors_rejected        INTEGER,
      doctors_repeated_headers INTEGER,
      doctors_blank_rows      INTEGER,
      appointments_read       INTEGER,
      appointments_kept       INTEGER,
      appointments_rejected   INTEGER,
      appointments_repeated_headers INTEGER,
      appointments_blank_rows INTEGER,
      rejected                INTEGER,
      duplicates              INTEGER,
      fixed                   INTEGER,
      placeholders            INTEGER,
      suspicious_dates        INTEGER,
      doctors_loaded          INTEGER,
      appointments_loaded     INTEGER
    )`,
    `ALTER TABLE ${s}.etl_runs ADD COLUMN IF NOT EXISTS backend_pid INTEGER`,
    `CREATE INDEX IF NOT EXISTS etl_runs_started_idx ON ${s}.etl_runs (started_at DESC)`,
    `CREATE TABLE IF NOT EXISTS ${s}.rejected_rows (
      run_id      BIGINT NOT NULL REFERENCES ${s}.etl_runs(run_id),
      file        TEXT NOT NULL CHECK (file IN ('doctors','appointments')),
      source_file TEXT NOT NULL,
      sheet       TEXT NOT NULL,
      excel_row   INTEGER NOT NULL,
      reason      TEXT NOT NULL,
      column_name TEXT,
      message     TEXT NOT NULL,
      kept_row    INTEGER,
      raw         JSONB NOT NULL,
      PRIMARY KEY (run_id, file, excel_row)
    )`,
    `CREATE INDEX IF NOT EXISTS rejected_rows_reason_idx ON ${s}.rejected_rows (reason)`,
  ];
}

/** Tables a load replaces, children first so TRUNCATE order never trips a foreign key. */
export const LOADED_TABLES = ['rejected_rows', 'appointments', 'doctors'] as const;
