/**
 * The load (SPEC §5): one transaction that creates what is missing, empties the tables, streams
 * the cleaned rows in with COPY, checks the counts against the preview and commits. Any failure
 * rolls back, so the previous data stays exactly as it was; the run is still recorded in etl_runs
 * as failed, with its error, from outside the rolled-back transaction.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { CancelledError, DatabaseError, InternalError, isEtlError } from '../etl/errors';
import { silentLogger, type Logger } from '../etl/logger';
import type { PreviewReport } from '../etl/report';
import type { FinalAppointment, FinalDoctor } from '../etl/types';
import { APPOINTMENT_COPY_COLUMNS, DOCTOR_COPY_COLUMNS, REJECTED_COPY_COLUMNS, appointmentsCopy, doctorsCopy, rejectedCopy } from './copyText';
import { toDatabaseError, type ServerLabel } from './databaseErrors';
import { withClient } from './withClient';
import { quoteIdent, validateSchemaName } from './identifiers';
import { finishRun, markStaleRuns, startRun } from './runs';
import { LOADED_TABLES, dropForBulkLoad, restoreAfterBulkLoad, schemaStatements } from './schema';

/** A table already in COPY text form (as the reading worker hands it over, zero-copy). */
export interface EncodedTable {
  rows: number;
  chunks: Iterable<Uint8Array>;
}

export interface LoadInput {
  report: PreviewReport;
  doctors: readonly FinalDoctor[] | EncodedTable;
  appointments: readonly FinalAppointment[] | EncodedTable;
}

function rowCount(table: readonly unknown[] | EncodedTable): number {
  return Array.isArray(table) ? table.length : (table as EncodedTable).rows;
}

function isEncoded<T>(table: readonly T[] | EncodedTable): table is EncodedTable {
  return !Array.isArray(table);
}

export type LoadStep = 'prepare' | 'copy_doctors' | 'copy_appointments' | 'copy_rejected' | 'verify' | 'commit';

export interface LoadProgress {
  step: LoadStep;
  rows: number;
  total: number;
}

export interface LoadOptions {
  schema: string;
  source: 'cli' | 'app';
  appVersion?: string;
  /** How long to wait for other sessions' locks on the tables before giving up. */
  lockTimeoutMs?: number;
  /** Upper bound for any one statement of the load (a million-row COPY takes seconds). */
  statementTimeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (progress: LoadProgress) => void;
  logger?: Logger;
}

export interface LoadResult {
  runId: number;
  doctors: number;
  appointments: number;
  rejected: number;
  ms: number;
}

/** One key for all loads of any schema: loads are serialised, and DDL never races. */
const LOAD_LOCK_KEY = 0x4854_4554; // "HTET"

export async function ensureSchema(client: pg.ClientBase, schema: string, lockTimeoutMs = 15_000): Promise<void> {
  await client.query('BEGIN');
  try {
    // Creating or upgrading tables waits for their locks (and for a running load): within bounds.
    await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(lockTimeoutMs))}`);
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOAD_LOCK_KEY]);
    for (const statement of schemaStatements(schema)) await client.query(statement);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

export async function loadRun(db: { pool: pg.Pool; label: ServerLabel }, input: LoadInput, options: LoadOptions): Promise<LoadResult> {
  const schema = validateSchemaName(options.schema);
  const logger = options.logger ?? silentLogger;
  const started = Date.now();
  checkReconciled(input);

  return withClient(
    db,
    'loading',
    async (client) => {
      let runId: number | undefined;
      try {
        await ensureSchema(client, schema, options.lockTimeoutMs);
        runId = await startRun(client, schema, input.report, options);
        logger.log('info', 'load started', { run_id: runId, schema });
        await loadInTransaction(client, schema, runId, input, options, logger);
        await vacuumAfterLoad(client, schema, logger);
        const result = { runId, doctors: rowCount(input.doctors), appointments: rowCount(input.appointments), rejected: input.report.rejected.length, ms: Date.now() - started };
        logger.log('info', 'load committed', { run_id: runId, doctors: result.doctors, appointments: result.appointments, rejected: result.rejected, ms: result.ms });
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        const failure = isEtlError(error) ? error : toDatabaseError(error, db.label, 'loading');
        if (runId !== undefined) await recordFailure(db.pool, schema, runId, failure, logger);
        logger.log('error', 'load rolled back', { run_id: runId ?? null, code: failure.code });
        throw failure;
      }
    },
    logger,
  );
}

async function loadInTransaction(client: pg.ClientBase, schema: string, runId: number, input: LoadInput, options: LoadOptions, logger: Logger): Promise<void> {
  const s = quoteIdent(schema);
  const progress = (step: LoadStep, rows: number, total: number) => options.onProgress?.({ step, rows, total });
  const checkCancel = () => {
    if (options.signal?.aborted) throw new CancelledError('Load cancelled; nothing was changed.');
  };
  progress('prepare', 0, 0);
  await client.query('BEGIN');
  await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(options.lockTimeoutMs ?? 15_000))}`);
  await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.round(options.statementTimeoutMs ?? 15 * 60_000))}`);
  // The indexes are rebuilt once after the COPY: let their sorts run in memory.
  await client.query("SET LOCAL maintenance_work_mem = '256MB'");
  await client.query('SELECT pg_advisory_xact_lock($1)', [LOAD_LOCK_KEY]);
  for (const statement of schemaStatements(schema)) await client.query(statement);
  await markStaleRuns(client, schema, runId);
  await client.query(`TRUNCATE ${LOADED_TABLES.map((table) => `${s}.${table}`).join(', ')}`);
  await dropForBulkLoad(client, schema);
  checkCancel();

  const files = {
    doctors: { name: input.report.files.doctors.name, sheet: input.report.files.doctors.sheet },
    appointments: { name: input.report.files.appointments.name, sheet: input.report.files.appointments.sheet },
  };
  const copied = {
    doctors: await copyInto(
      client,
      `${s}.doctors`,
      DOCTOR_COPY_COLUMNS,
      isEncoded(input.doctors) ? input.doctors.chunks : doctorsCopy(input.doctors),
      rowCount(input.doctors),
      'copy_doctors',
      options,
    ),
    appointments: await copyInto(
      client,
      `${s}.appointments`,
      APPOINTMENT_COPY_COLUMNS,
      isEncoded(input.appointments) ? input.appointments.chunks : appointmentsCopy(input.appointments),
      rowCount(input.appointments),
      'copy_appointments',
      options,
    ),
    rejected: await copyInto(
      client,
      `${s}.rejected_rows`,
      REJECTED_COPY_COLUMNS,
      rejectedCopy(runId, input.report.rejected, files),
      input.report.rejected.length,
      'copy_rejected',
      options,
    ),
  };
  logger.log('info', 'copy finished', copied);

  progress('verify', 0, 0);
  await restoreAfterBulkLoad(client, schema);
  const { rows } = await client.query<{ doctors: string; appointments: string; rejected: string }>(
    `SELECT (SELECT count(*) FROM ${s}.doctors) AS doctors,
            (SELECT count(*) FROM ${s}.appointments) AS appointments,
            (SELECT count(*) FROM ${s}.rejected_rows WHERE run_id = $1) AS rejected`,
    [runId],
  );
  const inTable = { doctors: Number(rows[0]?.doctors), appointments: Number(rows[0]?.appointments), rejected: Number(rows[0]?.rejected) };
  const preview = { doctors: input.report.counts.doctors, appointments: input.report.counts.appointments, rejected: input.report.counts.rejected };
  for (const table of ['doctors', 'appointments', 'rejected'] as const) {
    if (inTable[table] !== preview[table] || copied[table] !== preview[table]) {
      throw new InternalError(
        'count_mismatch',
        `The load was rolled back: ${table} has ${inTable[table]} rows in the database (COPY reported ${copied[table]}) but the preview has ${preview[table]}.`,
        { table, database: inTable[table], copied: copied[table], preview: preview[table] },
      );
    }
  }
  checkCancel();
  await finishRun(client, schema, runId, { outcome: 'succeeded', doctorsLoaded: inTable.doctors, appointmentsLoaded: inTable.appointments });
  progress('commit', 0, 0);
  await client.query('COMMIT');
}

async function copyInto(
  client: pg.ClientBase,
  table: string,
  columns: readonly string[],
  chunks: Iterable<string | Uint8Array>,
  total: number,
  step: LoadStep,
  options: LoadOptions,
): Promise<number> {
  // Report before the COPY starts: if the callback throws here, no COPY is left open on the
  // connection (an open COPY would queue the ROLLBACK behind it forever).
  options.onProgress?.({ step, rows: 0, total });
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  let rows = 0;
  async function* source(): AsyncGenerator<string | Uint8Array> {
    for (const chunk of chunks) {
      if (options.signal?.aborted) throw new CancelledError('Load cancelled; nothing was changed.');
      yield chunk;
      rows += countLines(chunk);
      options.onProgress?.({ step, rows, total });
    }
  }
  await pipeline(Readable.from(source(), { objectMode: false }), stream);
  return stream.rowCount;
}

function countLines(chunk: string | Uint8Array): number {
  let lines = 0;
  if (typeof chunk === 'string') {
    for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) lines += 1;
  } else {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
  }
  return lines;
}

function checkReconciled(input: LoadInput): void {
  for (const file of Object.values(input.report.files)) {
    if (!file.reconciled) {
      const c = file.counts;
      throw new InternalError(
        'not_reconciled',
        `${file.name}: rows read (${c.read}) ≠ kept ${c.kept} + rejected ${c.rejected} + repeated headers ${c.repeatedHeaders} + blank rows ${c.blankRows}; nothing was loaded.`,
        { file: file.name },
      );
    }
  }
  if (rowCount(input.doctors) !== input.report.counts.doctors || rowCount(input.appointments) !== input.report.counts.appointments) {
    throw new InternalError('count_mismatch', 'The cleaned tables do not match the preview; nothing was loaded.');
  }
}

async function recordFailure(pool: pg.Pool, schema: string, runId: number, failure: Error & { code?: string }, logger: Logger): Promise<void> {
  try {
    const client = await pool.connect();
    try {
      await finishRun(client, schema, runId, { outcome: 'failed', errorCode: failure.code ?? 'error', error: failure.message });
    } finally {
      client.release();
    }
  } catch (error) {
    // The server may be the thing that failed; the next load marks this run as interrupted.
    logger.log('warn', 'could not record the failed run', { run_id: runId, error: error instanceof DatabaseError ? error.code : String((error as Error).message).slice(0, 120) });
  }
}

/**
 * After the commit: VACUUM marks the new pages all-visible, so the dashboard's index-only scans
 * never visit the table (a million fresh rows otherwise cost every query a heap lookup per row),
 * and ANALYZE gives the planner the new data's statistics. Maintenance only: the data is already
 * committed, so a failure here is logged, not raised.
 */
async function vacuumAfterLoad(client: pg.ClientBase, schema: string, logger: Logger): Promise<void> {
  const s = quoteIdent(schema);
  const started = Date.now();
  try {
    await client.query(`VACUUM (ANALYZE) ${s}.appointments, ${s}.doctors`);
    logger.log('info', 'tables vacuumed', { ms: Date.now() - started });
  } catch (error) {
    logger.log('warn', 'vacuum after the load failed; the data is loaded', { error: String((error as Error).message).slice(0, 160) });
  }
}
