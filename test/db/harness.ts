/**
 * What the database suites share: a fresh database with a pool per test, prepared inputs, table
 * checksums, the state of the server's sessions and of the pool, and small workbooks written with
 * exceljs. Nothing here mocks PostgreSQL; every helper asks the real server.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { expect } from 'vitest';
import { createPool, serverLabel } from '../../electron/db/connection';
import type { ServerLabel } from '../../electron/db/databaseErrors';
import { quoteIdent } from '../../electron/db/identifiers';
import { loadRun, type LoadInput, type LoadOptions, type LoadProgress, type LoadResult } from '../../electron/db/load';
import type { RollupCopy } from '../../electron/db/rollupRows';
import { listRuns, type RunRow } from '../../electron/db/runs';
import { MemoryLogger } from '../../electron/etl/logger';
import { prepareRun, type PreparedRun } from '../../electron/etl/prepareRun';
import { isoFromDay } from '../../electron/etl/rules/calendar';
import { idText } from '../../electron/etl/rules/parseInteger';
import { createTestDatabase, type TestDatabase } from '../support/database';

export const SCHEMA = 'healthtech';
export const SAMPLES = { doctors: 'samples/doctors.xlsx', appointments: 'samples/appointments.xlsx' } as const;
/** A fixed run date, so the suspicious-date rule gives the same answer every day. */
export const RUN_DATE = '2026-11-25';

export interface Harness {
  db: TestDatabase;
  /** The pool the loads use (the app's own createPool, with a logger we can read). */
  pool: pg.Pool;
  label: ServerLabel;
  logger: MemoryLogger;
  /** `{ pool, label }`, as loadRun takes it. */
  target: { pool: pg.Pool; label: ServerLabel };
  /** A separate session for checks (checksums, pg_stat_activity), never the load's pool. */
  admin: pg.Client;
  close(): Promise<void>;
}

/** A new empty database on the server, the app's pool on it, and an observer session. */
export async function freshDatabase(serverUrl: string): Promise<Harness> {
  const db = await createTestDatabase(serverUrl);
  const logger = new MemoryLogger();
  const pool = createPool(db.url, logger);
  const label = serverLabel(db.url);
  const admin = new pg.Client({ connectionString: db.url, application_name: 'healthtech-etl test observer' });
  admin.on('error', () => undefined);
  await admin.connect();
  return {
    db,
    pool,
    label,
    logger,
    target: { pool, label },
    admin,
    async close() {
      await admin.end().catch(() => undefined);
      // Drop first: it ends every session, so even a load stuck on a checked-out client (a bug
      // these tests exist to catch) gets its client back and pool.end() cannot wait forever.
      await db.drop();
      await pool.end().catch(() => undefined);
    },
  };
}

const prepared = new Map<string, Promise<PreparedRun>>();

/** prepareRun on a pair of workbooks, once per file for the whole test file (loads never change it). */
export function prepareFiles(doctors: string, appointments: string): Promise<PreparedRun> {
  const key = `${doctors}\n${appointments}`;
  let run = prepared.get(key);
  if (!run) {
    run = prepareRun({ doctors: { path: doctors }, appointments: { path: appointments }, runDate: RUN_DATE });
    prepared.set(key, run);
  }
  return run;
}

export const prepareSamples = (): Promise<PreparedRun> => prepareFiles(SAMPLES.doctors, SAMPLES.appointments);

export function load(h: Harness, run: LoadInput, options: Partial<LoadOptions> = {}): Promise<LoadResult> {
  return loadRun(h.target, run, { schema: SCHEMA, source: 'cli', logger: h.logger, ...options });
}

/** A load whose onProgress throws the first time `when` says so: the way to fail at a chosen step. */
export function loadFailingAt(h: Harness, run: LoadInput, when: (p: LoadProgress) => boolean, options: Partial<LoadOptions> = {}) {
  const injected = new Error('injected failure (test)');
  let fired: LoadProgress | undefined;
  const promise = load(h, run, {
    ...options,
    onProgress: (p) => {
      if (!fired && when(p)) {
        fired = p;
        throw injected;
      }
    },
  });
  return { promise, injected, firedAt: () => fired };
}

// ---------------------------------------------------------------------------------------------
// What is in the tables

export interface Checksums {
  doctors: string;
  appointments: string;
  doctorRows: number;
  appointmentRows: number;
}

/** One md5 per table over every row in key order: equal checksums mean equal tables. */
export async function checksums(client: pg.ClientBase | pg.Pool, schema = SCHEMA): Promise<Checksums> {
  const s = quoteIdent(schema);
  const { rows } = await client.query<{ doctors: string | null; appointments: string | null; doctor_rows: string; appointment_rows: string }>(
    `SELECT (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.doctor_id), '')) FROM ${s}.doctors t) AS doctors,
            (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.booking_id), '')) FROM ${s}.appointments t) AS appointments,
            (SELECT count(*) FROM ${s}.doctors) AS doctor_rows,
            (SELECT count(*) FROM ${s}.appointments) AS appointment_rows`,
  );
  const row = rows[0];
  if (!row) throw new Error('checksum query returned nothing');
  return { doctors: String(row.doctors), appointments: String(row.appointments), doctorRows: Number(row.doctor_rows), appointmentRows: Number(row.appointment_rows) };
}

export interface DoctorRow {
  doctor_id: number;
  name: string;
  specialty: string | null;
  is_placeholder: boolean;
  source_row: number | null;
}

export interface AppointmentRow {
  booking_id: string;
  patient_id: string;
  doctor_id: number;
  booking_date: string;
  status: string;
  source_row: number;
}

export async function doctorRows(client: pg.ClientBase | pg.Pool, schema = SCHEMA): Promise<DoctorRow[]> {
  const { rows } = await client.query<DoctorRow>(`SELECT doctor_id, name, specialty, is_placeholder, source_row FROM ${quoteIdent(schema)}.doctors ORDER BY doctor_id`);
  return rows;
}

export async function appointmentRows(client: pg.ClientBase | pg.Pool, schema = SCHEMA): Promise<AppointmentRow[]> {
  const { rows } = await client.query<AppointmentRow>(
    `SELECT booking_id::text AS booking_id, patient_id::text AS patient_id, doctor_id, booking_date::text AS booking_date, status, source_row
       FROM ${quoteIdent(schema)}.appointments a ORDER BY a.booking_id`,
  );
  return rows;
}

/** The prepared doctors as the table should hold them. */
export function expectedDoctors(run: PreparedRun): DoctorRow[] {
  return run.doctors
    .map((d) => ({ doctor_id: d.doctorId, name: d.name, specialty: d.specialty, is_placeholder: d.placeholder, source_row: d.sourceRow }))
    .sort((a, b) => a.doctor_id - b.doctor_id);
}

export function expectedAppointments(run: PreparedRun): AppointmentRow[] {
  return run.appointments
    .map((a) => ({
      booking_id: idText(a.bookingId),
      patient_id: idText(a.patientId),
      doctor_id: a.doctorId,
      booking_date: isoFromDay(a.day),
      status: a.status,
      source_row: a.sourceRow,
    }))
    .sort((a, b) => (BigInt(a.booking_id) < BigInt(b.booking_id) ? -1 : BigInt(a.booking_id) > BigInt(b.booking_id) ? 1 : 0));
}

export interface RejectedTableRow {
  run_id: string;
  file: string;
  source_file: string;
  sheet: string;
  excel_row: number;
  reason: string;
  column_name: string | null;
  message: string;
  kept_row: number | null;
  raw: Record<string, string>;
  problems: { reason: string; column?: string; message: string }[];
}

export async function rejectedRows(client: pg.ClientBase | pg.Pool, schema = SCHEMA): Promise<RejectedTableRow[]> {
  const { rows } = await client.query<RejectedTableRow>(
    `SELECT run_id::text AS run_id, file, source_file, sheet, excel_row, reason, column_name, message, kept_row, raw, problems
       FROM ${quoteIdent(schema)}.rejected_rows ORDER BY file, excel_row`,
  );
  return rows;
}

export function expectedRejected(run: PreparedRun, runId: number): RejectedTableRow[] {
  const files = run.report.files;
  return run.report.rejected
    .map((r) => ({
      run_id: String(runId),
      file: r.file,
      source_file: files[r.file].name,
      sheet: files[r.file].sheet,
      excel_row: r.row,
      reason: r.reason,
      column_name: r.column ?? null,
      message: r.message,
      kept_row: r.keptRow ?? null,
      raw: r.raw,
      problems: r.problems,
    }))
    .sort((a, b) => a.file.localeCompare(b.file) || a.excel_row - b.excel_row);
}

export async function runs(client: pg.ClientBase | pg.Pool, schema = SCHEMA): Promise<RunRow[]> {
  return listRuns(client, schema);
}

export async function sha256(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Sessions and the pool

/** States of the client sessions on the test database, except the tests' own (observer, lock holders). */
export async function sessionStates(h: Harness): Promise<{ pid: number; state: string | null; application_name: string }[]> {
  const { rows } = await h.admin.query<{ pid: number; state: string | null; application_name: string }>(
    `SELECT pid, state, application_name FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
        AND application_name NOT LIKE 'healthtech-etl test%'
      ORDER BY pid`,
  );
  return rows;
}

/** Polls `check` until it passes or `timeoutMs` runs out (then its last failure is thrown). */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/** Tables a load builds beside the live ones (`…__next`) or swaps out (`…__replaced`): none outside a load. */
export async function tablesBesideLive(client: pg.ClientBase | pg.Pool, schema = SCHEMA): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind = 'r' AND (c.relname LIKE '%\\_\\_next' OR c.relname LIKE '%\\_\\_replaced') ORDER BY 1`,
    [schema],
  );
  return rows.map((r) => r.name);
}

/**
 * What a load stopped from outside (its client killed, its server crashed) leaves beside the live
 * tables: nothing when it stopped before its new tables were filled and committed; after that,
 * those tables, each with the stopped run's mark, for the next load to drop.
 */
export async function expectLeftBehindBy(client: pg.ClientBase | pg.Pool, runId: number | undefined, staged: boolean, schema = SCHEMA): Promise<void> {
  const { rows } = await client.query<{ name: string; mark: string | null }>(
    `SELECT c.relname AS name, obj_description(c.oid, 'pg_class') AS mark FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind = 'r' AND (c.relname LIKE '%\\_\\_next' OR c.relname LIKE '%\\_\\_replaced') ORDER BY 1`,
    [schema],
  );
  if (!staged) {
    expect(rows).toEqual([]);
    return;
  }
  expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining(['appointments__next', 'doctors__next', 'rejected_rows__next']));
  expect(rows.every((r) => r.name.endsWith('__next') && r.mark === `healthtech-etl: run ${runId}`)).toBe(true);
}

/**
 * After a failed load: no table left beside the live ones, nothing checked out of the pool, nobody waiting, the pool no bigger than
 * its maximum, and on the server only the pool's idle sessions — none `idle in transaction`, no
 * COPY still running. A backend that was cut off may take a moment to exit, hence `eventually`.
 */
export async function expectNoLeftovers(h: Harness): Promise<void> {
  expect(await tablesBesideLive(h.admin)).toEqual([]);
  expect(h.pool.waitingCount).toBe(0);
  expect(h.pool.idleCount).toBe(h.pool.totalCount);
  expect(h.pool.totalCount).toBeLessThanOrEqual(4);
  await eventually(async () => {
    const sessions = await sessionStates(h);
    expect(sessions.filter((s) => s.state !== 'idle')).toEqual([]);
    expect(sessions.length).toBe(h.pool.totalCount);
  });
}

/** The server-side PID of the next client the pool hands out (the load takes the first one). */
export function nextClientPid(pool: pg.Pool): () => number {
  let pid = 0;
  pool.once('acquire', (client: pg.PoolClient) => {
    pid = (client as unknown as { processID: number }).processID;
  });
  return () => pid;
}

/**
 * Ends a backend from another session and returns only once it is gone, blocking this process
 * meanwhile (a child process does the SQL). Called from a synchronous progress callback, it kills
 * the load's session at exactly that point: the load cannot send another byte before it is dead.
 */
export function terminateBackendNow(url: string, pid: number): void {
  const script = `
    const pg = require('pg');
    (async () => {
      const c = new pg.Client({ connectionString: process.env.URL });
      await c.connect();
      const pid = Number(process.env.PID);
      await c.query('SELECT pg_terminate_backend($1::int)', [pid]);
      const deadline = Date.now() + 10000;
      while ((await c.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1::int', [pid])).rowCount > 0) {
        if (Date.now() > deadline) throw new Error('backend ' + pid + ' did not exit');
        await new Promise((r) => setTimeout(r, 10));
      }
      await c.end();
    })().catch((e) => { console.error(e.message); process.exit(1); });`;
  execFileSync(process.execPath, ['-e', script], { env: { ...process.env, URL: url, PID: String(pid) }, stdio: ['ignore', 'ignore', 'inherit'], timeout: 15_000 });
}

// ---------------------------------------------------------------------------------------------
// Workbooks written by the tests

export type Cell = string | number | Date | null;

/** A one-sheet workbook with exceljs's ordinary (non-streaming) writer. */
export async function writeWorkbook(file: string, sheet: string, rows: Cell[][]): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const worksheet = workbook.addWorksheet(sheet);
  for (const row of rows) worksheet.addRow(row);
  await workbook.xlsx.writeFile(file);
}

/** Rollups the test hands over when it chooses; `awaited` settles when the load starts waiting for them. */
export function heldRollups() {
  let settle: { resolve: (rollups: RollupCopy) => void; reject: (error: Error) => void } = { resolve: () => undefined, reject: () => undefined };
  let awaited: () => void = () => undefined;
  const promise = new Promise<RollupCopy>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const reached = new Promise<void>((resolve) => {
    awaited = resolve;
  });
  const then = promise.then.bind(promise);
  promise.then = ((...args: Parameters<typeof then>) => {
    awaited();
    return then(...args);
  }) as typeof promise.then;
  return { promise, awaited: reached, ...settle };
}
