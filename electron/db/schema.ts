/**
 * The target schema: the brief's two tables (with their keys and CHECK), the rejected rows of the
 * loaded run, the run log, and the indexes the dashboard's queries use. SQL that PostgreSQL 13
 * understands.
 *
 * Two kinds of table live here. `etl_runs` is permanent: created if missing and upgraded in place.
 * The three loaded tables are never written in place: each load builds a complete new set beside
 * them (`doctors__next`, …, see staging.ts) and swaps it in (swap.ts). So their definitions below
 * are written once, for the tables a load builds, and a schema made by an older version (the
 * brief's Python pipeline, with only its five columns) is upgraded by the first load that replaces
 * it.
 */
import { quoteIdent } from './identifiers';

/** The tables a load replaces, in an order where every foreign key points to an earlier one. */
export const LOADED_TABLES = ['doctors', 'appointments', 'rejected_rows'] as const;
export type LoadedTable = (typeof LOADED_TABLES)[number];

/** Sums of the appointments the load builds beside them for the dashboard (rollups.ts). */
export const ROLLUP_TABLES = [
  'appointments_by_day',
  'appointments_by_doctor',
  'appointments_by_doctor_month',
  'patients_by_visits',
  'patients_first_day',
  'first_day_bookings',
  'patient_days_by_previous',
  'cancelled_patient_days_by_previous',
  'booking_lags',
  'booking_day_clusters',
] as const;
export type RollupTable = (typeof ROLLUP_TABLES)[number];

/**
 * The rollups' columns, as the load creates them before their COPY (rollupRows.ts computes the
 * rows): the names and types the dashboard reads (electron/db/dashboard/), the same as CREATE
 * TABLE … AS gave them when SQL built them (test/oracle/rollupsInSql.ts), and NOT NULL wherever a
 * value always exists (COPY checks it row by row).
 */
export const ROLLUP_COLUMNS: Record<RollupTable, string> = {
  appointments_by_day: `booking_date DATE NOT NULL, status TEXT NOT NULL, placeholder BOOLEAN NOT NULL,
      later_confirmed BOOLEAN NOT NULL, later_cancelled BOOLEAN NOT NULL, bookings INTEGER NOT NULL`,
  appointments_by_doctor: `doctor_id INTEGER NOT NULL, status TEXT NOT NULL, later_confirmed BOOLEAN NOT NULL, later_cancelled BOOLEAN NOT NULL,
      bookings INTEGER NOT NULL`,
  appointments_by_doctor_month: 'month DATE NOT NULL, doctor_id INTEGER NOT NULL, status TEXT NOT NULL, bookings INTEGER NOT NULL',
  patients_by_visits: `confirmed INTEGER NOT NULL, cancelled INTEGER NOT NULL, later_confirmed BOOLEAN NOT NULL, later_cancelled BOOLEAN NOT NULL,
      patients INTEGER NOT NULL`,
  patients_first_day: `patient_id BIGINT NOT NULL, first_day DATE NOT NULL, next_confirmed DATE, next_cancelled DATE,
      confirmed INTEGER NOT NULL, cancelled INTEGER NOT NULL, all_confirmed INTEGER NOT NULL, all_cancelled INTEGER NOT NULL`,
  first_day_bookings: `first_day DATE NOT NULL, status TEXT NOT NULL, doctor_id INTEGER NOT NULL, placeholder BOOLEAN NOT NULL,
      next_confirmed DATE, next_cancelled DATE, bookings INTEGER NOT NULL`,
  patient_days_by_previous: 'booking_date DATE NOT NULL, previous_day DATE, patients INTEGER NOT NULL',
  cancelled_patient_days_by_previous: 'booking_date DATE NOT NULL, previous_day DATE, patients INTEGER NOT NULL',
  booking_lags: 'booking_date DATE NOT NULL, cancelled BOOLEAN NOT NULL, lag_day DATE NOT NULL, lag2 INTEGER NOT NULL, lag3 INTEGER NOT NULL, lag4 INTEGER NOT NULL',
  booking_day_clusters: 'first_day DATE NOT NULL, last_day DATE NOT NULL, bookings INTEGER NOT NULL',
};

/**
 * Storage options of every index the load builds (keys, covering indexes, the rollups'). They are
 * built once over complete tables that are never written again (the next load builds new ones),
 * so their pages are packed full: the default leaves 10% of each leaf free for inserts that never
 * come. 10% fewer pages to write when building and to read in the dashboard's index-only scans.
 */
export const BUILT_ONCE_INDEX = 'WITH (fillfactor = 100)';

/**
 * The statistics target of the load's ANALYZE, where the default (100) is not needed. ANALYZE
 * samples 300 rows per unit of target and sorts each column's sample, so its cost follows the
 * target: at a million appointments (PostgreSQL 15) the loaded tables took 300–420 ms of server
 * CPU at 100 and 110–160 ms at 30, the rollups 460–560 against 170–180 ms. Every dashboard query
 * (bench-dashboard, plans logged by auto_explain) kept its plan at 30 except those over the two
 * small rollups, appointments_by_day and appointments_by_doctor (the trend by status went from
 * its index in day order to a hash and a sort): those keep the default, at ~80 ms.
 */
export const LOAD_STATISTICS_TARGET = 30;
export const DEFAULT_STATISTICS_ROLLUPS: readonly RollupTable[] = ['appointments_by_day', 'appointments_by_doctor'];

/** Indexes of the rollups (built with them, renamed with them in the swap). */
export const ROLLUP_INDEXES: Partial<Record<RollupTable, readonly { name: string; on: string; options?: string }[]>> = {
  // The trend groups it by day: read in day order, index-only, it needs neither a hash of its
  // ~20k days nor a sort of them (at a million appointments: ~75–130 ms to ~40–55 ms for the
  // whole load's trend on a busy 2-core machine), and a date range is a slice of it.
  appointments_by_day: [{ name: 'appointments_by_day_idx', on: '(booking_date) INCLUDE (status, placeholder, later_confirmed, later_cancelled, bookings)' }],
  // A range's whole months are a slice of this table, not all of it.
  appointments_by_doctor_month: [{ name: 'appointments_by_doctor_month_idx', on: '(month, doctor_id) INCLUDE (status, bookings)' }],
  // A drill row on a patient's first day looks its patient up; a range reads its first days only.
  patients_first_day: [
    { name: 'patients_first_day_patient_idx', on: '(patient_id) INCLUDE (next_confirmed, next_cancelled)' },
    { name: 'patients_first_day_idx', on: '(first_day) INCLUDE (next_confirmed, next_cancelled, confirmed, cancelled)' },
  ],
  // Its key alone: the table is copied in first-day order (rollupRows.ts), so a range's rows are
  // a run of adjacent pages that an index scan reads about as cheaply as a covering index (which
  // held every column, a second copy of the table): the dashboard's statements over it took the
  // same server CPU either way (±5%, 15 runs each, a million appointments, PostgreSQL 15), and its
  // build 0.13–0.14 s instead of 0.25–0.33 s (deduplicated, 282 pages instead of 2,042).
  first_day_bookings: [{ name: 'first_day_bookings_idx', on: '(first_day)' }],
  // The patients of a date range are the range's rows whose previous day is before it.
  patient_days_by_previous: [{ name: 'patient_days_by_previous_idx', on: '(booking_date) INCLUDE (previous_day, patients)' }],
  // Written in day order (the bookings of any status, then the cancelled ones: two runs), so a
  // block range index skips the blocks outside a date range: a year at a million appointments,
  // 27 against 41 ms of server CPU for the statement that reads it (dashboard/bookingLags.ts), for
  // 30–45 ms of the load (a B-tree: 190–260 ms); without it a year's segments on the 15 took
  // ~70–135 against ~40–75 ms.
  booking_lags: [{ name: 'booking_lags_idx', on: 'USING brin (booking_date)', options: '' }],
  // cancelled_patient_days_by_previous has none: its 88k rows at a million appointments are read
  // whole in ~5 ms of server CPU (a year's range off such an index: ~2.5 ms), and the index cost
  // the load 40–50 ms of server CPU to build.
};

/** Every table a load builds beside the live ones and swaps in. */
export const SWAPPED_TABLES = [...LOADED_TABLES, ...ROLLUP_TABLES] as const;
export type SwappedTable = (typeof SWAPPED_TABLES)[number];

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

/**
 * A loaded table: its columns (with the NOT NULL and CHECK rules that COPY checks row by row), and
 * what is built once the rows are in (a key or index sorted once is several times faster than one
 * maintained row by row: 14 s against 3–4 s for a million appointments). Constraint and index names
 * are the ones PostgreSQL gives the brief's DDL, so a schema looks the same however it was made.
 */
export interface TableDefinition {
  columns: string;
  primaryKey: { name: string; columns: string };
  indexes: readonly { name: string; on: string }[];
  foreignKeys: readonly { name: string; columns: string; references: { table: LoadedTable | 'etl_runs'; columns: string } }[];
  /** Columns ANALYZE gathers no statistics for (statistics target 0, set when the table is created). */
  noStatistics?: readonly string[];
}

export const TABLES: Record<LoadedTable, TableDefinition> = {
  doctors: {
    columns: `doctor_id      INTEGER NOT NULL,
      name           TEXT NOT NULL,
      specialty      TEXT,
      is_placeholder BOOLEAN NOT NULL DEFAULT FALSE,
      source_row     INTEGER`,
    primaryKey: { name: 'doctors_pkey', columns: 'doctor_id' },
    indexes: [],
    foreignKeys: [],
  },
  appointments: {
    // patient_first_booking: the patient's first booking in the loaded data, written by the load
    // (the dashboard tells new from returning patients with it, without a per-patient join).
    columns: `booking_id            BIGINT NOT NULL,
      patient_id            BIGINT NOT NULL,
      doctor_id             INTEGER NOT NULL,
      booking_date          DATE NOT NULL,
      status                TEXT NOT NULL CONSTRAINT appointments_status_check CHECK (status IN ('confirmed','cancelled')),
      source_row            INTEGER,
      patient_first_booking DATE`,
    primaryKey: { name: 'appointments_pkey', columns: 'booking_id' },
    indexes: APPOINTMENT_INDEXES,
    foreignKeys: [{ name: 'appointments_doctor_id_fkey', columns: 'doctor_id', references: { table: 'doctors', columns: 'doctor_id' } }],
  },
  rejected_rows: {
    // problems: every problem of the row ({reason, column, message} in column order), the first
    // being `reason` (null in tables written before it was kept).
    columns: `run_id      BIGINT NOT NULL,
      file        TEXT NOT NULL CONSTRAINT rejected_rows_file_check CHECK (file IN ('doctors','appointments')),
      source_file TEXT NOT NULL,
      sheet       TEXT NOT NULL,
      excel_row   INTEGER NOT NULL,
      reason      TEXT NOT NULL,
      column_name TEXT,
      message     TEXT NOT NULL,
      kept_row    INTEGER,
      raw         JSONB NOT NULL,
      problems    JSONB`,
    primaryKey: { name: 'rejected_rows_pkey', columns: 'run_id, file, excel_row' },
    indexes: [{ name: 'rejected_rows_reason_idx', on: '(reason)' }],
    foreignKeys: [{ name: 'rejected_rows_run_id_fkey', columns: 'run_id', references: { table: 'etl_runs', columns: 'run_id' } }],
    // Rows are looked up by run, file, row, reason and column, never by the text of the message or
    // the JSON (whose statistics took ~0.3 of the load's ~0.4 s of ANALYZE CPU on this table at a
    // million rows: 41k rejected, PostgreSQL 15). Left out by their columns' target, not by naming
    // the others in the load's ANALYZE: an ANALYZE of some columns does not count as the table's,
    // so autovacuum analysed the whole table again after each load (0.5–0.6 s of server CPU at a
    // million rows, default target, logged by log_autovacuum_min_duration).
    noStatistics: ['source_file', 'sheet', 'message', 'kept_row', 'raw', 'problems'],
  },
};

/** The schema and the run log: created if missing, upgraded in place. */
export function runLogStatements(schema: string): string[] {
  const s = quoteIdent(schema);
  const addColumn = (table: string, column: string, definition: string) =>
    onlyIf(
      `NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = '${s}.${table}'::regclass AND attname = '${column}' AND NOT attisdropped)`,
      `ALTER TABLE ${s}.${table} ADD COLUMN ${column} ${definition}`,
    );
  const createIndex = (name: string, definition: string) => onlyIf(`to_regclass('${s}.${name}') IS NULL`, `CREATE INDEX IF NOT EXISTS ${name} ON ${s}.${definition}`);
  // CREATE … IF NOT EXISTS checks the right to create before it looks whether the object exists:
  // a role that may write the tables but not create any would fail on a schema that is all there.
  return [
    onlyIf(`NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = '${schema}')`, `CREATE SCHEMA IF NOT EXISTS ${s}`),
    onlyIf(
      `to_regclass('${s}.etl_runs') IS NULL`,
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
    ),
    addColumn('etl_runs', 'backend_pid', 'INTEGER'),
    createIndex('etl_runs_started_idx', 'etl_runs (started_at DESC)'),
  ];
}

/**
 * Runs DDL only when `condition` holds. `ALTER TABLE … ADD COLUMN IF NOT EXISTS` and `CREATE INDEX
 * IF NOT EXISTS` lock the table (ACCESS EXCLUSIVE, SHARE) even when there is nothing to do, so the
 * run history could not be read while a load waited for that lock; with the check, a schema that
 * is up to date costs no table lock. Names are validated identifiers (identifiers.ts), so they are
 * safe inside the string literal.
 */
function onlyIf(condition: string, statement: string): string {
  return `DO $ddl$ BEGIN IF ${condition} THEN ${statement}; END IF; END $ddl$`;
}
