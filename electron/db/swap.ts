/**
 * The swap: the one moment a load touches the live tables. Inside the load's transaction, once the
 * new tables are complete, it takes the live tables (and etl_runs) in ACCESS EXCLUSIVE mode, renames
 * the live tables aside (`…__replaced`), renames the new ones into their place, marks the run
 * succeeded, and commits. Readers wait only for those few renames; a read that started before sees
 * the old run, one that starts after sees the new run, and none sees a mix: the three tables and
 * the run log change in one commit.
 *
 * All of it, COMMIT included, goes to the server as one message: between taking the locks and
 * releasing them the server never waits for this client, so a client that hangs, is killed or
 * loses its network cannot leave every reader of the tables blocked behind it.
 *
 * Rename rather than partition attach, by measurement (PostgreSQL 15, a million appointments, this
 * project's indexes): both swaps take 5–17 ms once the new table is complete and the DDL is in one
 * round trip, so the swap's speed does not decide. Attaching would mean turning the brief's plain
 * tables into partitioned ones (a rewrite on upgrade, different DDL, a partition key in every
 * unique key), and doctors is referenced by appointments' foreign key: swapping it as a partition
 * has PostgreSQL re-check that key against every appointment. Renaming swaps doctors, appointments
 * and rejected_rows together, with the key between the new pair already checked while building.
 *
 * The replaced tables are dropped after the commit, not inside it: dropping a million-row table
 * (unlinking its files) inside the swap measured 150–200 ms more with the locks held, against
 * 5–17 ms without. A stop between the commit and the drop leaves them for the next load to drop
 * (staging.ts, removeLeftovers). They are not kept for a "restore the previous load": that would
 * double the space the data takes and give "which run is live" a second answer besides the
 * latest successful run, which History, the dashboard and the exports rely on; loading the
 * previous files again (History names them, with their SHA-256) gives the same tables.
 *
 * Waiting: the swap's lock request queues behind readers still running, and new readers queue
 * behind it. So each attempt waits at most SWAP_ATTEMPT_MS (lock_timeout, set for the swap only),
 * then steps back (ROLLBACK TO SAVEPOINT), lets the queued readers through, and tries again,
 * until the load's lock budget runs out (then db_locked, and nothing changed).
 */
import type pg from 'pg';
import { CancelledError, DatabaseError } from '../etl/errors';
import { quoteIdent } from './identifiers';
import { ROLLUP_TABLES, SWAPPED_TABLES } from './schema';
import { indexNames, liveTables, nextName, replacedName, runComment, type LiveTable } from './staging';

/** How long one attempt may wait for the live tables; readers that arrive meanwhile wait at most this long. */
export const SWAP_ATTEMPT_MS = 200;

export interface SwapOptions {
  /** Total time the swap may keep trying. */
  budgetMs: number;
  signal?: AbortSignal;
  /** Statements that commit with the swap (the run marked succeeded). */
  alongside: readonly string[];
}

export interface SwapOutcome {
  /** The live tables that were renamed aside, to be dropped after the commit. */
  replaced: string[];
  attempts: number;
  /** From the first attempt to the commit. */
  ms: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const LOCK_CONFLICTS = new Set(['55P03', '40P01']);

/** Swaps the new tables in and commits the load's transaction; on a lock conflict it rolls back to before the swap and tries again. */
export async function swapInAndCommit(client: Pick<pg.ClientBase, 'query'>, schema: string, runId: number, options: SwapOptions): Promise<SwapOutcome> {
  const started = Date.now();
  const live = await liveTables(client, schema);
  const sql = ['SAVEPOINT swap', ...swapStatements(schema, runId, live, options.alongside), 'COMMIT'].join(';\n');
  await client.query(`SET LOCAL lock_timeout = ${SWAP_ATTEMPT_MS}`);
  for (let attempt = 1; ; attempt++) {
    try {
      // One message: after an error the server skips the rest of it, COMMIT included.
      await client.query(sql);
      return { replaced: live.map((t) => replacedName(t.name)), attempts: attempt, ms: Date.now() - started };
    } catch (error) {
      const sqlstate = (error as { code?: string }).code;
      if (options.signal?.aborted) throw new CancelledError('Load cancelled; nothing was changed.');
      if (!sqlstate || !LOCK_CONFLICTS.has(sqlstate)) throw error;
      await client.query('ROLLBACK TO SAVEPOINT swap');
      const waited = Date.now() - started;
      if (waited >= options.budgetMs) {
        throw new DatabaseError(
          'db_locked',
          `Another session holds the tables (lock timeout): the new data is ready but could not be swapped in during ${Math.round(waited / 1000)} s, ${attempt} attempts. ` +
            'Close long queries or open transactions on these tables and try again; nothing was changed.',
          { sqlstate, attempts: attempt, waitedMs: waited, during: 'swapping the new tables in' },
          { cause: error },
        );
      }
      if (options.signal?.aborted) throw new CancelledError('Load cancelled; nothing was changed.');
      // Long enough for the readers that queued behind the attempt to get their turn.
      await sleep(50 + Math.floor(Math.random() * 150));
    }
  }
}

/**
 * The swap's statements. The live tables are locked first, all in one statement, appointments
 * before doctors (the order readers that join them usually take them in); etl_runs too, because
 * the replaced rejected_rows' foreign key to it is dropped here (dropping it later would lock
 * etl_runs again, and History with it) and the run is marked succeeded in the same commit.
 */
export function swapStatements(schema: string, runId: number, live: readonly LiveTable[], alongside: readonly string[]): string[] {
  const s = quoteIdent(schema);
  const q = (name: string) => `${s}.${quoteIdent(name)}`;
  const order = ['appointments', 'doctors', 'rejected_rows', ...ROLLUP_TABLES] as const;
  const present = order.filter((table) => live.some((t) => t.name === table));
  const statements: string[] = [`LOCK TABLE ${[...present.map(q), q('etl_runs')].join(', ')} IN ACCESS EXCLUSIVE MODE`];
  for (const table of present) {
    statements.push(`ALTER TABLE ${q(table)} RENAME TO ${quoteIdent(replacedName(table))}`);
    statements.push(`COMMENT ON TABLE ${q(replacedName(table))} IS '${runComment(runId)} replaced this table'`);
  }
  // Indexes (and primary keys) have schema-wide names: move the old ones aside first.
  statements.push(...renameIndexesIfPresent(schema, present, replacedName));
  if (present.includes('rejected_rows')) {
    statements.push(dropForeignKeysTo(schema, replacedName('rejected_rows'), 'etl_runs'));
  }
  for (const table of SWAPPED_TABLES) {
    statements.push(`ALTER TABLE ${q(nextName(table))} RENAME TO ${quoteIdent(table)}`);
    for (const index of indexNames(table)) statements.push(`ALTER INDEX ${q(nextName(index))} RENAME TO ${quoteIdent(index)}`);
  }
  return [...statements, ...alongside];
}

/** Renames our index names on the replaced tables (whichever of them exist: older schemas have fewer). */
function renameIndexesIfPresent(schema: string, tables: readonly string[], rename: (name: string) => string): string[] {
  const s = quoteIdent(schema);
  return tables.flatMap((table) =>
    indexNames(table as (typeof SWAPPED_TABLES)[number]).map(
      (index) =>
        `DO $swap$ BEGIN IF to_regclass('${s}.${quoteIdent(index)}') IS NOT NULL THEN ALTER INDEX ${s}.${quoteIdent(index)} RENAME TO ${quoteIdent(rename(index))}; END IF; END $swap$`,
    ),
  );
}

function dropForeignKeysTo(schema: string, table: string, referenced: string): string {
  const s = quoteIdent(schema);
  return `DO $swap$ DECLARE fk name; BEGIN
    FOR fk IN SELECT conname FROM pg_constraint WHERE conrelid = '${s}.${quoteIdent(table)}'::regclass AND contype = 'f' AND confrelid = '${s}.${quoteIdent(referenced)}'::regclass LOOP
      EXECUTE format('ALTER TABLE ${s}.${quoteIdent(table)} DROP CONSTRAINT %I', fk);
    END LOOP; END $swap$`;
}

/**
 * After the commit: the replaced tables go. Nobody can be reading them (the swap waited for every
 * reader of the old tables), so this takes no time from anyone; if it fails, or never runs, the
 * next load drops them.
 */
export async function dropReplaced(client: Pick<pg.ClientBase, 'query'>, schema: string, replaced: readonly string[]): Promise<void> {
  if (replaced.length === 0) return;
  const s = quoteIdent(schema);
  await client.query(`DROP TABLE IF EXISTS ${replaced.map((table) => `${s}.${quoteIdent(table)}`).join(', ')}`);
}
