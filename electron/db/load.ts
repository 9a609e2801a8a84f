/**
 * The load (SPEC §5): the cleaned rows become the live tables, all or nothing, while readers keep
 * reading the previous run without waiting for it.
 *
 *   waiting    another load holds the load lock: say who, and wait for it (loadLock.ts)
 *   prepare    the run log exists and is current; the run is recorded as running; what an
 *              interrupted load left is dropped, the right to replace the tables is checked, and
 *              empty new tables (with the run's mark) are created beside the live ones
 *   copy_*     COPY … FROM STDIN (FREEZE) into the new tables, in the transaction that created
 *              them, which commits when they are full (staging.ts says why); the rejected rows in
 *              one of the second session's, beside the appointments', committed right after it
 *   index      their keys (as unique indexes), indexes and statistics, the foreign key between
 *              them, and the dashboard's rollups, on two sessions at once, each statement in its
 *              own transaction; the rows of the new tables are counted there
 *   verify     in the swap's transaction: the keys and the run log's foreign key are added, the grants carried
 *              over, and the rows counted in the new tables, and the rows COPY reported, must
 *              equal the preview's counts
 *   swap       the new tables take the live ones' place, the run is marked succeeded, and all of
 *              it commits at once (swap.ts): readers see the whole new run from here, never a part
 *   finish     the replaced tables are dropped; the load lock is released
 *
 * The load lock is held by the load's first session from before the run is recorded to the end.
 * Only the swap locks the live tables, for a few milliseconds, and only the swap has a lock
 * timeout. Any failure or cancel before the swap's commit rolls back what is under way, stops the
 * other session's statement, and drops the new tables: the previous data stays exactly as it was,
 * and the run is recorded as failed, with its error. A client killed or a server crashed after
 * the tables were filled leaves them, marked, for the next load to drop before it starts.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from './pgModule';
import { from as copyFrom } from 'pg-copy-streams';
import { CancelledError, DatabaseError, InternalError, isEtlError } from '../etl/errors';
import { silentLogger, type Logger } from '../etl/logger';
import type { PreviewReport, ReportSummary } from '../etl/report';
import type { FinalAppointment, FinalDoctor } from '../etl/types';
import { APPOINTMENT_COPY_COLUMNS, CHUNK_ROWS, DOCTOR_COPY_COLUMNS, REJECTED_COPY_COLUMNS, appointmentsCopy, doctorsCopy, rejectedCopy, withRunId } from './copyText';
import { toDatabaseError, type ServerLabel } from './databaseErrors';
import { quoteIdent, validateSchemaName } from './identifiers';
import { LOAD_LOCK_KEY, acquireLoadLock, releaseLoadLock, type LoadHolder } from './loadLock';
import { runOnSessions, type BuildTask } from './buildSessions';
import { ROLLUP_COPY_COLUMNS, type RollupCopy } from './rollupRows';
import { createRollupTables, rollupStatements, rollupsOf } from './rollups';
import { failRun, markStaleRuns, startRun, succeededStatement } from './runs';
import { LOADED_TABLES, ROLLUP_TABLES, runLogStatements } from './schema';
import { buildPlan, carryOverGrants, checkCanReplace, createStagingTables, dropStaging, liveTables, nextName, removeLeftovers, stagingTableStatements } from './staging';
import { dropReplaced, swapInAndCommit } from './swap';
import { withClient } from './withClient';

/** A table already in COPY text form (as the reading worker hands it over, zero-copy). */
export interface EncodedTable {
  rows: number;
  chunks: Iterable<Uint8Array>;
  /** The same rows in COPY's binary format, CHUNK_ROWS to a chunk, when the table can write it (cheaper for the server to read). */
  binaryChunks?: Iterable<Uint8Array>;
}

export interface LoadInput {
  /** The preview's report, or its summary when the rejected rows come encoded (`rejected`). */
  report: PreviewReport | ReportSummary;
  doctors: readonly FinalDoctor[] | EncodedTable;
  appointments: readonly FinalAppointment[] | EncodedTable;
  /**
   * The dashboard's rollups of these rows (rollupRows.ts); computed from the rows when absent. A
   * promise when they are still being computed (the CLI's reading worker computes them while the
   * other tables are copied): awaited at the start of the index step, and its rejection rolls back.
   */
  rollups?: RollupCopy | Promise<RollupCopy>;
  /**
   * The rejected rows in COPY text without their run id (rejectedCopyWithoutRunId), awaited when
   * they are copied (last); without it the report's rows are encoded here.
   */
  rejected?: Promise<EncodedTable>;
}

function rowCount(table: readonly unknown[] | EncodedTable): number {
  return Array.isArray(table) ? table.length : (table as EncodedTable).rows;
}

function isEncoded<T>(table: readonly T[] | EncodedTable): table is EncodedTable {
  return !Array.isArray(table);
}

export type LoadStep = 'waiting' | 'prepare' | 'copy_doctors' | 'copy_appointments' | 'copy_rejected' | 'index' | 'verify' | 'swap' | 'finish';

export interface LoadProgress {
  step: LoadStep;
  rows: number;
  total: number;
  /** With `waiting`: the load this one waits for. */
  waitingFor?: LoadHolder;
}

export interface LoadOptions {
  schema: string;
  source: 'cli' | 'app';
  appVersion?: string;
  /** How long the swap may keep trying to take the live tables from other sessions before giving up. */
  lockTimeoutMs?: number;
  /** Upper bound for any one statement of the load (a million-row COPY takes seconds). */
  statementTimeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (progress: LoadProgress) => void;
  logger?: Logger;
  /**
   * Awaited after the counts are verified, just before the swap: what else must be complete
   * before the run commits (the CLI's CSV outputs, written meanwhile). Its rejection rolls back.
   */
  beforeCommit?: () => Promise<unknown>;
  /**
   * Called once the run has committed, before the replaced tables are dropped: what reads the new
   * run can start there (the CLI's answers) instead of waiting for that tidying up.
   */
  afterCommit?: () => void;
  /**
   * The load's two sessions besides its own (openSessions), connected ahead of the load
   * (connectLoadSessions; the CLI: while the files are read). Connected when the load starts
   * otherwise. The load closes them when it ends; whoever connected them closes them if no load
   * took them.
   */
  sessions?: LoadSessions;
}

export interface LoadResult {
  runId: number;
  doctors: number;
  appointments: number;
  rejected: number;
  ms: number;
}

type Progress = (step: LoadStep, rows?: number, total?: number) => void;

export async function loadRun(db: { pool: pg.Pool; label: ServerLabel }, input: LoadInput, options: LoadOptions): Promise<LoadResult> {
  const schema = validateSchemaName(options.schema);
  const logger = options.logger ?? silentLogger;
  const started = Date.now();
  checkReconciled(input);
  const timer = stepTimer(logger);
  const progress: Progress = (step, rows = 0, total = 0) => {
    timer(step);
    options.onProgress?.({ step, rows, total });
  };

  return withClient(
    db,
    'loading',
    async (client, discard) => {
      let runId: number | undefined;
      let replaced: string[];
      const build: BuildState = { staged: false };
      // The server's reason when it ends the session between two statements (the next query then
      // fails only with "not queryable"); a session ended mid-statement fails that statement with it.
      let lost: Error | undefined;
      const onLost = (error: Error) => {
        lost ??= error;
      };
      client.on('error', onLost);
      try {
        await acquireLoadLock(client, schema, {
          ...(options.signal ? { signal: options.signal } : {}),
          onWaiting: (holder) => {
            logger.log('info', 'waiting for another load to finish', { run_id: holder.runId, source: holder.source, started_at: holder.startedAt });
            timer('waiting');
            options.onProgress?.({ step: 'waiting', rows: 0, total: 0, waitingFor: holder });
          },
        });
        await ensureRunLog(client, schema, db.label);
        runId = await startRun(client, schema, input.report, options);
        logger.log('info', 'load started', { run_id: runId, schema });
        const sessions = openSessions(options.sessions ?? connectLoadSessions(db.pool), client, options.signal, logger);
        try {
          replaced = await buildAndSwap(client, sessions, db.label, schema, runId, input, options, progress, logger, build);
        } finally {
          await sessions.close();
        }
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        // A statement stopped by the cancel below fails with the server's "canceling statement": it is the person's cancel.
        const cause = lost && !(error as { code?: unknown }).code ? lost : error;
        const failure = isEtlError(error) ? error : options.signal?.aborted ? new CancelledError('Load cancelled; nothing was changed.') : toDatabaseError(cause, db.label, 'loading');
        if (runId !== undefined && build.staged) await dropStagingAfterFailure(db.pool, client, schema, runId, logger);
        if (runId !== undefined) await recordFailure(db.pool, schema, runId, failure, logger);
        logger.log('error', 'load rolled back', { run_id: runId ?? null, code: failure.code });
        // withClient destroys the session, and the server releases the load lock with it.
        throw failure;
      } finally {
        client.off('error', onLost);
      }

      const result = { runId, doctors: rowCount(input.doctors), appointments: rowCount(input.appointments), rejected: input.report.counts.rejected, ms: 0 };
      if (options.signal?.aborted) logger.log('warn', 'the cancel came after the commit: this load is done', { run_id: runId });
      // Committed: from here on nothing can fail the load.
      options.afterCommit?.();
      try {
        progress('finish');
        await dropReplaced(client, schema, replaced);
        await vacuumIfNeeded(client, schema, logger);
        await releaseLoadLock(client);
      } catch (error) {
        logger.log('warn', 'tidying up after the load failed; the data is loaded, and the next load removes what is left', {
          error: String((error as Error).message).slice(0, 160),
        });
        // The session may still hold the load lock: it must not go back to the pool.
        discard(error instanceof Error ? error : new Error(String(error)));
      }
      timer('done');
      result.ms = Date.now() - started;
      logger.log('info', 'load committed', { run_id: runId, doctors: result.doctors, appointments: result.appointments, rejected: result.rejected, ms: result.ms });
      return result;
    },
    logger,
  );
}

/** Whether this run's new tables have been committed (so a failure must drop them). */
interface BuildState {
  staged: boolean;
}

/**
 * The load's sessions besides its own (`client`, which holds the load lock and does the swap):
 * - a second one for the index step (buildSessions.ts), opened while the tables are copied; if it
 *   cannot be opened (the server's connection limit), the step runs on the first session alone;
 * - one that cancels: cancel takes effect at once, also in the middle of a long statement (an
 *   index build over a million rows, the swap waiting for a report to let go of the tables): the
 *   statements under way on both sessions are cancelled on the server (pg_cancel_backend, same
 *   role), and the load rolls back. It also stops the other session's statement when one fails.
 *   Opened when the load starts or before (LoadOptions.sessions), not from the pool (the
 *   dashboards keep all of it) and not when the person cancels (opening a session can take longer
 *   than the swap has left). Armed until
 *   the swap's commit returns: after it there is nothing to cancel.
 */
interface Sessions {
  /** The sessions the index step runs on: the load's own first. */
  forBuild(): Promise<pg.ClientBase[]>;
  /** The second session, once connected (undefined when it could not be opened). */
  second(): Promise<pg.ClientBase | undefined>;
  /** Cancels the statement under way on the given sessions (all of them when none given). */
  cancel(except?: pg.ClientBase): void;
  /** Disarms the cancel and closes the sessions opened here (after the swap, or the failure). */
  close(): Promise<void>;
}

/** A session of the load's own, connecting; `end` may be called more than once. */
interface LoadSession {
  session: pg.Client;
  connected: Promise<pg.Client>;
  end(): Promise<void>;
}

/** The load's cancelling and second sessions (see Sessions), connecting. */
export interface LoadSessions {
  cancel: LoadSession;
  load: LoadSession;
  /** Closes both, once (a load that took them has closed them already). */
  end(): Promise<void>;
}

/**
 * Starts connecting the load's two sessions besides its own. Each costs a connection and its
 * password exchange (~20–80 ms on a busy 2-core machine, during which the load's prepare step
 * waited for the second): connected while the files are read, they are ready when the load starts.
 */
export function connectLoadSessions(pool: pg.Pool): LoadSessions {
  const open = (name: string): LoadSession => {
    const session = new pg.Client({ ...pool.options, application_name: `healthtech-etl ${name}` });
    session.on('error', () => undefined);
    const connected = session.connect().then(() => session);
    connected.catch(() => undefined);
    let ended: Promise<void> | undefined;
    // A session that never connected has nothing to end.
    return { session, connected, end: () => (ended ??= connected.then(() => session.end()).catch(() => undefined)) };
  };
  const cancel = open('cancel');
  const load = open('load');
  return { cancel, load, end: async () => void (await Promise.all([cancel.end(), load.end()])) };
}

function openSessions(opened: LoadSessions, client: pg.ClientBase, signal: AbortSignal | undefined, logger: Logger): Sessions {
  const canceller = opened.cancel;
  const second = opened.load;
  const secondReady: Promise<pg.Client | undefined> = second.connected.catch((error: unknown) => {
    logger.log('warn', 'a second session for the index builds could not be opened: they run on one', { error: String((error as Error)?.message).slice(0, 160) });
    return undefined;
  });
  const pidOf = (session: pg.ClientBase) => (session as unknown as { processID?: number }).processID;
  let secondOpen: pg.Client | undefined;
  void secondReady.then((session) => {
    secondOpen = session;
  });
  // Cancels on their way: a failed load waits for them before it tidies up on the same session,
  // or one landing late would stop that tidying (the drop of its staging tables) instead.
  const cancelsSent: Promise<unknown>[] = [];
  const cancel = (except?: pg.ClientBase) => {
    const pids = [client, secondOpen]
      .filter((session): session is pg.ClientBase => session !== undefined && session !== except)
      .map(pidOf)
      .filter((pid): pid is number => pid !== undefined);
    if (pids.length === 0) return;
    const sent = canceller.connected.then((session) => session.query('SELECT pg_cancel_backend(pid) FROM unnest($1::int[]) AS pid', [pids])).catch(() => undefined);
    cancelsSent.push(sent);
  };
  const onAbort = () => cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  return {
    forBuild: async () => {
      const session = await secondReady;
      return session ? [client, session] : [client];
    },
    second: () => secondReady,
    cancel,
    close: async () => {
      signal?.removeEventListener('abort', onAbort);
      // The second session is idle by now (the index step waits for both): it goes at once.
      await second.end();
      if (cancelsSent.length === 0) {
        // No cancel was sent, nor can be now (the abort listener is gone): the canceller goes at
        // once; waiting here kept the process alive ~0.1 s past a run's end.
        void canceller.end();
        return;
      }
      // Bounded: a canceller that cannot reach the server must not hold up the failure's report.
      await Promise.race([Promise.all(cancelsSent), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      // Let a cancel already on its way finish before the session goes.
      void canceller.connected
        .then(() => new Promise((resolve) => setTimeout(resolve, 100)))
        .then(() => canceller.end())
        .catch(() => undefined);
    },
  };
}

/**
 * After a failure once the new tables were committed: drop them, from the load's session (which
 * still holds the load lock). When that session is gone (killed, its server restarted), the load
 * lock went with it: another session drops them only if it can take the load lock at once, which
 * means no other load has started since; otherwise that load has dropped them, or will.
 */
async function dropStagingAfterFailure(pool: pg.Pool, client: pg.ClientBase, schema: string, runId: number, logger: Logger): Promise<void> {
  // Twice on the load's own session: a cancel signal still in flight when the first attempt
  // started stops that statement only (PostgreSQL drops a cancel that reaches an idle session).
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      const dropped = await dropStaging(client, schema, runId);
      if (dropped.length > 0) logger.log('info', 'dropped the new tables of the failed load', { tables: dropped.length });
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== '57014') break;
    }
  }
  // The load's session is unusable: try another.
  try {
    const other = await pool.connect();
    let broken: Error | undefined;
    try {
      const { rows } = await other.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [LOAD_LOCK_KEY]);
      if (rows[0]?.locked) {
        try {
          await dropStaging(other, schema, runId);
        } finally {
          await releaseLoadLock(other).catch((error: unknown) => {
            broken = error as Error;
          });
        }
      }
    } catch (error) {
      broken = error as Error;
      throw error;
    } finally {
      other.release(broken);
    }
  } catch (error) {
    logger.log('warn', 'could not drop the new tables of the failed load; the next load drops them', { error: String((error as Error).message).slice(0, 160) });
  }
}

/** The schema and etl_runs, created or upgraded (DDL here waits for etl_runs' readers, within bounds). */
async function ensureRunLog(client: pg.ClientBase, schema: string, server: ServerLabel): Promise<void> {
  try {
    // One round trip (seven, one per statement, were ~10–50 ms of every load's start): a statement
    // that fails leaves the rest unrun and the transaction aborted, for the ROLLBACK below.
    await client.query(['BEGIN', 'SET LOCAL lock_timeout = 5000', ...runLogStatements(schema), 'COMMIT'].join(';\n'));
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if ((error as { code?: string }).code === '42501') {
      const user = server.user ?? '?';
      throw new DatabaseError(
        'db_permission',
        `User "${user}" may not create schema "${schema}" or its run log (etl_runs) on ${server.where}: ask for the right to create schemas in the database, ` +
          `or have an administrator create the schema and GRANT CREATE ON SCHEMA ${quoteIdent(schema)} TO ${quoteIdent(user)}. Nothing was changed.`,
        { sqlstate: '42501', schema, during: 'creating the schema' },
        { cause: error },
      );
    }
    throw error;
  }
}

/** Everything up to and including the commit. Returns the tables it replaced. */
async function buildAndSwap(
  client: pg.ClientBase,
  sessions: Sessions,
  server: ServerLabel,
  schema: string,
  runId: number,
  input: LoadInput,
  options: LoadOptions,
  progress: Progress,
  logger: Logger,
  build: BuildState,
): Promise<string[]> {
  const s = quoteIdent(schema);
  const checkCancel = () => {
    if (options.signal?.aborted) throw new CancelledError('Load cancelled; nothing was changed.');
  };
  const statementTimeout = `SET LOCAL statement_timeout = ${Math.max(1, Math.round(options.statementTimeoutMs ?? 15 * 60_000))}`;
  // The transactions before the swap's commit without waiting for their WAL to reach the disk:
  // the swap's commit waits for all of it (WAL is flushed in order), and until then nothing of
  // them is live (a crash before it leaves marked staging tables, or none, for the next load to
  // drop). Each commit's wait was one fsync, ~2–10 ms, and the load makes ~25 of them.
  const asyncCommit = 'SET LOCAL synchronous_commit = off';

  // --- prepare
  progress('prepare');
  await client.query(`BEGIN; ${statementTimeout}; ${asyncCommit}`);
  await markStaleRuns(client, schema, runId);
  const leftovers = await removeLeftovers(client, schema);
  if (leftovers.length > 0) logger.log('warn', 'removed the tables an interrupted load left', { tables: leftovers.join(', ') });
  await checkCanReplace(client, schema, server);
  // The rejected rows go in a transaction of their own on the second session, beside the
  // appointments' COPY (below), unless a leftover was just dropped in this transaction (creating
  // the same name there would wait for this commit, which waits for it).
  const second = leftovers.length === 0 ? await sessions.second() : undefined;
  // Its table is created in the same round trip as its transaction begins, while this session creates the others.
  const rejectedTable = second?.query(['BEGIN', statementTimeout, asyncCommit, ...stagingTableStatements(schema, runId, ['rejected_rows'])].join('; '));
  rejectedTable?.catch(() => undefined);
  await createStagingTables(client, schema, runId, second ? ['doctors', 'appointments'] : LOADED_TABLES);
  checkCancel();

  // --- copy
  const next = (table: string) => `${s}.${quoteIdent(nextName(table))}`;
  const files = {
    doctors: { name: input.report.files.doctors.name, sheet: input.report.files.doctors.sheet },
    appointments: { name: input.report.files.appointments.name, sheet: input.report.files.appointments.sheet },
  };
  const copyRejected = (session: pg.ClientBase, onProgress: Progress) =>
    rejectedChunks(input, runId, files).then((chunks) => copyInto(session, next('rejected_rows'), REJECTED_COPY_COLUMNS, chunks, input.report.counts.rejected, 'copy_rejected', options, onProgress));
  // On the second session, the server parses the rejected rows' text (JSON for the most part:
  // ~0.4 s of server CPU at a million appointments, 41k rejected) while this one reads the
  // appointments, instead of after them. Nothing of it commits before the appointments do: its
  // transaction commits right after theirs (below), and a failure before that rolls both back (the
  // second session is closed with its transaction open, or its COPY cancelled).
  const rejectedBeside = second && rejectedTable ? rejectedTable.then(() => copyRejected(second, () => undefined)) : undefined;
  rejectedBeside?.catch(() => undefined);
  const copied = {
    doctors: await copyInto(client, next('doctors'), DOCTOR_COPY_COLUMNS, isEncoded(input.doctors) ? input.doctors.chunks : doctorsCopy(input.doctors), rowCount(input.doctors), 'copy_doctors', options, progress),
    appointments: await copyInto(
      client,
      next('appointments'),
      APPOINTMENT_COPY_COLUMNS,
      isEncoded(input.appointments) ? (input.appointments.binaryChunks ?? input.appointments.chunks) : appointmentsCopy(input.appointments),
      rowCount(input.appointments),
      'copy_appointments',
      options,
      progress,
      isEncoded(input.appointments) && input.appointments.binaryChunks !== undefined,
    ),
    rejected: rejectedBeside ? await rejectedCopied(rejectedBeside, input.report.counts.rejected, progress) : await copyRejected(client, progress),
  };
  logger.log('info', 'copy finished', copied);
  checkCancel();
  // From here until the swap's commit the new tables exist outside a transaction: a failure drops them.
  build.staged = true;
  await client.query('COMMIT');
  if (second) await second.query('COMMIT');
  checkCancel();

  // --- index: on two sessions (buildSessions.ts). The rollups come after the appointments' three
  // largest indexes because the CLI's reading worker computes them meanwhile (after the CSVs in a
  // large run): in the queue's order they are ready when a session takes them, and the load waits
  // for them only if not. Statistics of the loaded tables last: ANALYZE waits for the builds on its table.
  const plan = buildPlan(schema);
  const settings = [
    statementTimeout,
    asyncCommit,
    // Sort memory: small on purpose. At 256 MB each build sorted its whole table in memory; at 8 MB
    // it sorts runs of 8 MB and merges them from temporary files, and spent a third less CPU
    // (PostgreSQL 15, a million appointments, server CPU per build, median of 5 on a busy 2-core
    // machine: the key 459 → 307 ms, by date 774 → 440, by doctor 983 → 638, by patient 821 → 695;
    // 16 MB: 368, 490, 852, 686; 4 MB: 444, 569, 739, 601; 64 MB, the server's default, cost the
    // most: 494, 921, 1170, 1041). Filling ~90 MB of fresh memory costs page faults, and a single
    // quicksort over it misses the cache, where runs of 8 MB stay in it (trace_sort: 0.76 against
    // 1.11 s of CPU for the index by doctor). And it is less memory for the two sessions at once.
    "SET LOCAL maintenance_work_mem = '8MB'",
    // One process per index build, on every version: a parallel build needs 32 MB of sort memory
    // per process, so at 8 MB no server plans workers (earlier, at 256 MB, PostgreSQL 15 was kept
    // from them: its workers' temporary files cost more than the shared scan saved, 4.3 against
    // 3.1 s of CPU for the key and three covering indexes). PostgreSQL 18 (the embedded server),
    // which built as fast with its two workers at 256 MB, spent 2.1 s of CPU on the four serially
    // at 8 MB against 4.0 s with the workers at 256 MB (medians of 3), in less time too.
  ].join('; ');
  const statement = (sql: string): BuildTask => ({ label: sql, run: (session) => session.query(`BEGIN; ${settings}; ${sql}; COMMIT`).then(() => undefined) });
  // Stops a wait for the rollups when the person cancels or the other session fails.
  const stopped = new AbortController();
  const stop = () => stopped.abort();
  const appointmentIndexes = plan.indexes.filter((sql) => sql.includes(`${next('appointments')} `));
  const otherIndexes = plan.indexes.filter((sql) => !appointmentIndexes.includes(sql));
  // The rollups are copied in the transaction that creates them (so COPY may FREEZE), and indexed
  // and analysed afterwards as separate statements, which either session may take: copied,
  // indexed and analysed in one go they were the step's last 0.5 s at a million rows, with the
  // other session idle.
  const rollupsCopy = gated({
    label: 'rollups: created and copied',
    run: async (session) => {
      const rollups = await rollupsFor(input, stopped.signal, logger);
      await session.query(`BEGIN; ${settings}`);
      await copyRollups(session, schema, runId, rollups, options, logger);
      await session.query('COMMIT');
    },
  });
  const afterRollups = (sql: string): BuildTask => after(rollupsCopy.done, statement(sql));
  // The foreign keys take locks that conflict with the builds' and ANALYZE's on their tables,
  // and ANALYZE locks its tables one by one: a check started beside it could deadlock with it.
  // Queued after it, they also wait for it to end.
  const statistics = gated(statement(plan.analyze));
  // The safety net between the preview and the tables: their rows counted here, by a session
  // free while the other builds (at a million appointments the count was ~0.1–0.2 s of the verify
  // step, with the other session idle). The tables were committed before this step and nothing
  // writes them until the swap, so these are the counts the swap commits.
  // Counted by the session alone: with its default two parallel workers the count took ~0.14 s
  // of server CPU against ~0.09 s (a million appointments, PostgreSQL 15), the workers' start
  // included, on a machine whose other core builds an index meanwhile. The run id is a number
  // (one statement string: SET LOCAL needs the transaction around it).
  let counted: { doctors: string; appointments: string; rejected: string } | undefined;
  const countRows: BuildTask = {
    label: 'rows counted',
    run: async (session) => {
      const results = (await session.query(
        `BEGIN; ${statementTimeout}; ${asyncCommit}; SET LOCAL max_parallel_workers_per_gather = 0;
         SELECT (SELECT count(*) FROM ${next('doctors')}) AS doctors,
                (SELECT count(*) FROM ${next('appointments')}) AS appointments,
                (SELECT count(*) FROM ${next('rejected_rows')} WHERE run_id = ${Math.trunc(Number(runId))}) AS rejected;
         COMMIT`,
      )) as unknown as pg.QueryResult<{ doctors: string; appointments: string; rejected: string }>[];
      counted = results.find((result) => result.command === 'SELECT')?.rows[0];
    },
  };
  const tasks: BuildTask[] = [
    ...appointmentIndexes.slice(0, 3).map(statement),
    rollupsCopy,
    ...[...appointmentIndexes.slice(3), ...otherIndexes].map(statement),
    statistics,
    countRows,
    ...plan.foreignKeys.map((sql) => after(statistics.done, statement(sql))),
    ...rollupStatements(schema).map(afterRollups),
  ];
  options.signal?.addEventListener('abort', stop, { once: true });
  const buildSessions = await sessions.forBuild();
  logger.log('debug', 'index step sessions', { sessions: buildSessions.length });
  progress('index', 0, tasks.length);
  try {
    await runOnSessions(buildSessions, tasks, {
      beforeTask: (done) => {
        checkCancel();
        progress('index', done, tasks.length);
      },
      afterTask: (task, ms) => {
        // Which key, index or rollup the index step's time goes to (the statements hold no cell values).
        logger.log('debug', 'index statement finished', { statement: task.label.replace(/\s+/g, ' ').slice(0, 90), ms });
      },
      onFailure: (failed) => {
        stop();
        sessions.cancel(failed);
      },
    });
  } finally {
    options.signal?.removeEventListener('abort', stop);
  }
  checkCancel();

  // --- verify (what must be complete before the commit first: nothing is locked while it is awaited)
  progress('verify');
  if (options.beforeCommit) {
    await options.beforeCommit();
    checkCancel();
  }
  await client.query('BEGIN');
  await client.query(statementTimeout);
  for (const sql of plan.constraints) {
    const started = Date.now();
    await client.query(sql);
    logger.log('debug', 'constraint added', { statement: sql.replace(/\s+/g, ' ').slice(0, 90), ms: Date.now() - started });
  }
  await carryOverGrants(client, schema, await liveTables(client, schema));
  const inTable = { doctors: Number(counted?.doctors), appointments: Number(counted?.appointments), rejected: Number(counted?.rejected) };
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

  // --- swap, and commit
  progress('swap');
  const swapped = await swapInAndCommit(client, schema, runId, {
    budgetMs: options.lockTimeoutMs ?? 15_000,
    ...(options.signal ? { signal: options.signal } : {}),
    alongside: [succeededStatement(schema, runId, { doctors: inTable.doctors, appointments: inTable.appointments })],
  });
  build.staged = false;
  logger.log('info', 'tables swapped and committed', { attempts: swapped.attempts, ms: swapped.ms });
  return swapped.replaced;
}

/** A task whose end others can wait for (`done` rejects when it fails). */
function gated(task: BuildTask): BuildTask & { done: Promise<void> } {
  let settle: { resolve: () => void; reject: (error: unknown) => void } = { resolve: () => undefined, reject: () => undefined };
  const done = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  done.catch(() => undefined);
  return {
    label: task.label,
    done,
    run: (session) =>
      task.run(session).then(settle.resolve, (error: unknown) => {
        settle.reject(error);
        throw error;
      }),
  };
}

/** A task that starts its work once `first` is done. */
function after(first: Promise<void>, task: BuildTask): BuildTask {
  return { label: task.label, run: (session) => first.then(() => task.run(session)) };
}

async function rejectedChunks(input: LoadInput, runId: number, files: Record<'doctors' | 'appointments', { name: string; sheet: string }>): Promise<Iterable<string | Uint8Array>> {
  // In place: the chunks were transferred from the worker, each the only view of its buffer.
  if (input.rejected) return withRunId(runId, (await input.rejected).chunks, { inPlace: true });
  if ('rejected' in input.report) return rejectedCopy(runId, input.report.rejected, files);
  throw new InternalError('no_rejected_rows', 'The load was given neither the rejected rows nor their COPY text; nothing was loaded.');
}

/** The copy_rejected step when the rows were copied beside the appointments: its progress as copyInto reports it, once they are in. */
async function rejectedCopied(beside: Promise<number>, total: number, progress: Progress): Promise<number> {
  progress('copy_rejected', 0, total);
  const rows = await beside;
  progress('copy_rejected', total, total);
  return rows;
}

async function copyInto(
  client: pg.ClientBase,
  table: string,
  columns: readonly string[],
  chunks: Iterable<string | Uint8Array>,
  total: number,
  step: LoadStep,
  options: LoadOptions,
  progress: Progress,
  binary = false,
): Promise<number> {
  // Report before the COPY starts: if the callback throws here, no COPY is left open on the
  // connection (an open COPY would queue the ROLLBACK behind it forever).
  progress(step, 0, total);
  // FREEZE: the table was created in this transaction, so its rows can be written frozen (no
  // other session can see them before the commit): no hint bits or freezing to write later, and
  // on PostgreSQL 14+ most pages arrive all-visible for the dashboard's index-only scans.
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FREEZE${binary ? ', FORMAT binary' : ''})`));
  let rows = 0;
  async function* source(): AsyncGenerator<string | Uint8Array> {
    for (const chunk of chunks) {
      if (options.signal?.aborted) throw new CancelledError('Load cancelled; nothing was changed.');
      yield chunk;
      // Binary rows hold newline bytes anywhere; their chunks are CHUNK_ROWS rows each.
      rows = binary ? Math.min(total, rows + CHUNK_ROWS) : rows + countLines(chunk);
      progress(step, rows, total);
      // The chunks are made here and handed on in promise callbacks only: without a turn of the
      // event loop, another session's replies (the rejected rows' COPY beside the appointments')
      // waited until this COPY had ended.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await pipeline(Readable.from(source(), { objectMode: false }), stream);
  return stream.rowCount;
}

/**
 * The rollups the load copies: as given, once they are ready (a cancel meanwhile stops the wait at
 * once), or computed here from the rows.
 */
async function rollupsFor(input: LoadInput, signal: AbortSignal | undefined, logger: Logger): Promise<RollupCopy> {
  const { rollups } = input;
  if (!rollups) return rollupsOf({ doctors: input.doctors, appointments: input.appointments });
  if (!(rollups instanceof Promise)) return rollups;
  const started = Date.now();
  const ready = await new Promise<RollupCopy>((resolve, reject) => {
    const cancelled = () => reject(new CancelledError('Load cancelled; nothing was changed.'));
    if (signal?.aborted) return cancelled();
    signal?.addEventListener('abort', cancelled, { once: true });
    rollups.then(resolve, reject).finally(() => signal?.removeEventListener('abort', cancelled));
  });
  // How long the load waited for them (0 when they were ready before the copies ended).
  logger.log('debug', 'rollups awaited', { ms: Date.now() - started });
  return ready;
}

async function copyRollups(client: pg.ClientBase, schema: string, runId: number, rollups: RollupCopy, options: LoadOptions, logger: Logger): Promise<void> {
  const started = Date.now();
  await createRollupTables(client, schema, runId);
  let rows = 0;
  for (const table of ROLLUP_TABLES) {
    const { chunks, rows: expected } = rollups[table];
    const copied = await copyInto(client, `${quoteIdent(schema)}.${quoteIdent(nextName(table))}`, ROLLUP_COPY_COLUMNS[table], chunks, expected, 'index', options, () => undefined, true);
    if (copied !== expected) {
      throw new InternalError('count_mismatch', `The load was rolled back: ${table} has ${copied} rows in the database but ${expected} were computed.`, { table, copied, expected });
    }
    rows += copied;
  }
  logger.log('debug', 'rollups copied', { rows, ms: Date.now() - started });
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
      await failRun(client, schema, runId, { errorCode: failure.code ?? 'error', error: failure.message });
    } finally {
      client.release();
    }
  } catch (error) {
    // The server may be the thing that failed; the next load marks this run as interrupted.
    logger.log('warn', 'could not record the failed run', { run_id: runId, error: error instanceof DatabaseError ? error.code : String((error as Error).message).slice(0, 120) });
  }
}

/**
 * COPY … FREEZE marks as all-visible the pages it fills from empty (PostgreSQL 14 and later), not
 * the pages where one batch of rows ends and the next begins, and none on PostgreSQL 13. The
 * dashboard's index-only scans visit the table for pages not marked, so a VACUUM after the commit
 * marks the rest (it cannot run in a transaction; it only reads the pages not yet marked, and
 * nobody waits for it). Maintenance only: a failure is logged, not raised.
 */
async function vacuumIfNeeded(client: pg.ClientBase, schema: string, logger: Logger): Promise<void> {
  const s = quoteIdent(schema);
  const { rows } = await client.query<{ name: string; pages: number; visible: number }>(
    `SELECT relname AS name, relpages AS pages, relallvisible AS visible FROM pg_class WHERE oid IN ('${s}.appointments'::regclass, '${s}.doctors'::regclass)`,
  );
  const stale = rows.filter((r) => r.pages > 0 && r.visible < r.pages);
  if (stale.length === 0) return;
  const started = Date.now();
  try {
    await client.query(`VACUUM ${stale.map((r) => `${s}.${quoteIdent(r.name)}`).join(', ')}`);
    logger.log('info', 'tables vacuumed', { tables: stale.map((r) => r.name).join(', '), ms: Date.now() - started });
  } catch (error) {
    logger.log('warn', 'vacuum after the load failed; the data is loaded', { error: String((error as Error).message).slice(0, 160) });
  }
}

/** Logs how long each step took (the bench and issue reports read these). */
function stepTimer(logger: Logger): (next: LoadStep | 'done') => void {
  let current: { step: LoadStep; started: number } | undefined;
  return (next) => {
    if (current?.step === next) return;
    if (current) logger.log('debug', 'load step finished', { step: current.step, ms: Date.now() - current.started });
    current = next === 'done' ? undefined : { step: next, started: Date.now() };
  };
}
