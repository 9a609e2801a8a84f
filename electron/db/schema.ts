/**
 * The target schema: the brief's two tables (with their keys and CHECK), the run log and the
 * rejected rows of the latest load, plus the indexes the dashboard's queries use. Everything is
 * create-if-missing and uses SQL that PostgreSQL 13 understands.
 */
import { quoteIdent } from './identifiers';

/**
 * Secondary indexes of appointments, for the dashboard's filters by date, doctor and patient.
 * They cover the columns the dashboard aggregates (INCLUDE), so its queries are index-only scans:
 * per-patient figures over a million rows take ~150 ms that way against ~500 ms by hashing.
 */
export const APPOINTMENT_INDEXES = [
  { name: 'appointments_booking_date_idx', on: '(booking_date, booking_id) INCLUDE (status, doctor_id, patient_id, patient_first_booking)' },
  { name: 'appointments_doctor_idx', on: '(doctor_id, booking_date) INCLUDE (status, patient_id, patient_first_booking)' },
  { name: 'appointments_patient_idx', on: '(patient_id, booking_date) INCLUDE (status, doctor_id, patient_first_booking)' },
] as const;

export const APPOINTMENT_DOCTOR_FK = 'appointments_doctor_id_fkey';

export function schemaStatements(schema: string): string[] {
  const s = quoteIdent(schema);
  const addColumn = (table: string, column: string, definition: string) =>
    onlyIf(
      `NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = '${s}.${table}'::regclass AND attname = '${column}' AND NOT attisdropped)`,
      `ALTER TABLE ${s}.${table} ADD COLUMN ${column} ${definition}`,
    );
  const createIndex = (name: string, definition: string) => onlyIf(`to_regclass('${s}.${name}') IS NULL`, `CREATE INDEX IF NOT EXISTS ${name} ON ${s}.${definition}`);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE IF NOT EXISTS ${s}.doctors (
      doctor_id   INTEGER PRIMARY KEY,
      name        TEXT NOT NULL,
      specialty   TEXT
    )`,
    // Columns beyond the brief's are added separately so a table created by an earlier tool
    // (with only the brief's columns) is upgraded in place instead of failing the COPY.
    addColumn('doctors', 'is_placeholder', 'BOOLEAN NOT NULL DEFAULT FALSE'),
    addColumn('doctors', 'source_row', 'INTEGER'),
    `CREATE TABLE IF NOT EXISTS ${s}.appointments (
      booking_id    BIGINT PRIMARY KEY,
      patient_id    BIGINT NOT NULL,
      doctor_id     INTEGER NOT NULL REFERENCES ${s}.doctors(doctor_id),
      booking_date  DATE NOT NULL,
      status        TEXT NOT NULL CHECK (status IN ('confirmed','cancelled'))
    )`,
    addColumn('appointments', 'source_row', 'INTEGER'),
    // The patient's first booking in the loaded data, written by the load (the dashboard tells new
    // from returning patients with it, without joining a million rows to a per-patient table).
    addColumn('appointments', 'patient_first_booking', 'DATE'),
    ...APPOINTMENT_INDEXES.map(({ name, on }) => createIndex(name, `appointments ${on}`)),
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
    addColumn('etl_runs', 'backend_pid', 'INTEGER'),
    createIndex('etl_runs_started_idx', 'etl_runs (started_at DESC)'),
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
    // Every problem of the row ({reason, column, message} in column order), the first being `reason`.
    addColumn('rejected_rows', 'problems', 'JSONB'),
    createIndex('rejected_rows_reason_idx', 'rejected_rows (reason)'),
  ];
}

/**
 * Runs DDL only when `condition` holds. `ALTER TABLE … ADD COLUMN IF NOT EXISTS` and `CREATE INDEX
 * IF NOT EXISTS` lock the table (ACCESS EXCLUSIVE, SHARE) even when there is nothing to do. Inside
 * the load's transaction that lock lasted the whole load, so the run history (etl_runs) could not
 * be read while a load ran, or ever after a client froze mid-load; and before the transaction it
 * made a load wait without limit behind any session using the tables. With the check, a schema
 * that is up to date costs no table lock. Names are validated identifiers (identifiers.ts), so
 * they are safe inside the string literal.
 */
function onlyIf(condition: string, statement: string): string {
  return `DO $ddl$ BEGIN IF ${condition} THEN ${statement}; END IF; END $ddl$`;
}

/** Tables a load replaces, children first so TRUNCATE order never trips a foreign key. */
export const LOADED_TABLES = ['rejected_rows', 'appointments', 'doctors'] as const;

/**
 * A million-row COPY into a table with three secondary indexes and a foreign key spends most of
 * its time maintaining them row by row (measured: 14 s, against 3–4 s with the indexes built and
 * the key checked once afterwards). Inside the load's transaction — the tables are already
 * truncated under an exclusive lock — they are dropped before the COPY and rebuilt after it; a
 * rollback restores them exactly as they were.
 */
export async function dropForBulkLoad(client: { query: (sql: string) => Promise<{ rows: Record<string, unknown>[] }> }, schema: string): Promise<void> {
  const s = quoteIdent(schema);
  const { rows } = await client.query(
    `SELECT conname FROM pg_constraint WHERE conrelid = '${s}.appointments'::regclass AND contype = 'f' AND confrelid = '${s}.doctors'::regclass`,
  );
  for (const row of rows) await client.query(`ALTER TABLE ${s}.appointments DROP CONSTRAINT ${quoteIdent(String(row.conname))}`);
  for (const { name } of APPOINTMENT_INDEXES) await client.query(`DROP INDEX IF EXISTS ${s}.${quoteIdent(name)}`);
}

export async function restoreAfterBulkLoad(client: { query: (sql: string) => Promise<unknown> }, schema: string): Promise<void> {
  const s = quoteIdent(schema);
  for (const { name, on } of APPOINTMENT_INDEXES) await client.query(`CREATE INDEX ${quoteIdent(name)} ON ${s}.appointments ${on}`);
  await client.query(`ALTER TABLE ${s}.appointments ADD CONSTRAINT ${APPOINTMENT_DOCTOR_FK} FOREIGN KEY (doctor_id) REFERENCES ${s}.doctors(doctor_id)`);
}
