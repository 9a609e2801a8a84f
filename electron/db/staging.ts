/**
 * Where a load builds: a complete new set of the loaded tables beside the live ones, in the same
 * schema (`doctors__next`, `appointments__next`, `rejected_rows__next`, the rollups), so readers
 * keep the live tables, unlocked, for the whole of the COPY and the index builds.
 *
 * The loaded tables are created and filled (COPY … FREEZE) in one transaction, which commits
 * before their indexes are built: only committed tables can be indexed from a second session,
 * and the load builds on two (load.ts). From that commit to the swap's, the set exists while no
 * reader uses it. Every table of it carries the run's mark (`healthtech-etl: run N`), and whatever
 * stops the load takes it away: a failure or a cancel drops it before the load returns
 * (dropStaging); a killed client or a crashed server leaves it for the next load, which drops it
 * first thing (removeLeftovers), under the load lock. A stop before that first commit leaves
 * nothing at all.
 *
 * The same schema rather than a private one: renaming within a schema is all the swap needs, and
 * a role allowed to create tables in its schema need not be allowed to create schemas.
 */
import type pg from 'pg';
import { DatabaseError } from '../etl/errors';
import type { ServerLabel } from './databaseErrors';
import { quoteIdent } from './identifiers';
import { BUILT_ONCE_INDEX, LOAD_STATISTICS_TARGET, LOADED_TABLES, ROLLUP_INDEXES, SWAPPED_TABLES, TABLES, type LoadedTable, type RollupTable, type SwappedTable } from './schema';

export const nextName = (name: string): string => `${name}__next`;
export const replacedName = (name: string): string => `${name}__replaced`;

/** Every table this project builds carries this comment, so a leftover is never confused with someone else's table. */
export const TABLE_MARK = 'healthtech-etl';
export const runComment = (runId: number): string => `${TABLE_MARK}: run ${runId}`;

type Client = Pick<pg.ClientBase, 'query'>;

/**
 * Drops what an interrupted load left: staging tables of a load whose client or server stopped
 * during its index builds, and replaced tables whose drop after the swap never ran (the process
 * or the server stopped right after the commit). Only tables with our names *and* our mark are
 * touched; called under the load lock, so never another load's tables.
 */
export async function removeLeftovers(client: Client, schema: string): Promise<string[]> {
  const names = SWAPPED_TABLES.flatMap((table) => [nextName(table), replacedName(table)]);
  const { rows } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relname = ANY($2) AND obj_description(c.oid, 'pg_class') LIKE $3`,
    [schema, names, `${TABLE_MARK}%`],
  );
  if (rows.length > 0) await client.query(`DROP TABLE ${rows.map((r) => `${quoteIdent(schema)}.${quoteIdent(r.name)}`).join(', ')}`);
  return rows.map((r) => r.name);
}

/**
 * Drops this run's staging tables after it failed or was cancelled (once its transactions are
 * rolled back and its sessions idle). Only tables with a staging name and this run's exact mark:
 * never the live tables, another run's or someone else's.
 */
export async function dropStaging(client: Client, schema: string, runId: number): Promise<string[]> {
  const names = SWAPPED_TABLES.map(nextName);
  const { rows } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relname = ANY($2) AND obj_description(c.oid, 'pg_class') = $3`,
    [schema, names, runComment(runId)],
  );
  if (rows.length > 0) await client.query(`DROP TABLE IF EXISTS ${rows.map((r) => `${quoteIdent(schema)}.${quoteIdent(r.name)}`).join(', ')}`);
  return rows.map((r) => r.name);
}

/**
 * Says before anything is built whether this load could swap its tables in, in words that say what
 * to do: building beside the live tables needs the right to create tables in the schema, replacing
 * them needs to own them, and objects of someone else's that depend on them (a view, a foreign key
 * from another table) would stop the replaced tables from being dropped.
 */
export async function checkCanReplace(client: Client, schema: string, server: ServerLabel): Promise<void> {
  const { rows } = await client.query<{ user: string; can_create: boolean }>(`SELECT current_user AS user, has_schema_privilege($1, 'CREATE') AS can_create`, [schema]);
  const user = rows[0]?.user ?? server.user ?? '?';
  if (!rows[0]?.can_create) {
    throw new DatabaseError(
      'db_permission',
      `User "${user}" may not create tables in schema "${schema}" on ${server.where}. A load builds the new tables beside the loaded ones and then swaps them in, ` +
        `so it needs that right: GRANT CREATE ON SCHEMA ${quoteIdent(schema)} TO ${quoteIdent(user)}. Nothing was changed.`,
      { sqlstate: '42501', schema, during: 'checking permissions' },
    );
  }
  const live = await liveTables(client, schema);
  const notOwned = live.filter((t) => !t.owned);
  if (notOwned.length > 0) {
    throw new DatabaseError(
      'db_permission',
      `User "${user}" does not own table${notOwned.length > 1 ? 's' : ''} ${notOwned.map((t) => `${schema}.${t.name} (owner "${t.owner}")`).join(', ')} on ${server.where}. ` +
        `A load replaces the tables, which only their owner may do: load as the owner, or make "${user}" a member of the owning role. Nothing was changed.`,
      { sqlstate: '42501', schema, during: 'checking permissions' },
    );
  }
  if (live.length === 0) return;
  const dependents = await client.query<{ what: string }>(
    `SELECT DISTINCT CASE WHEN d.classid = 'pg_rewrite'::regclass
                          THEN (SELECT format('view %s.%s', quote_ident(n.nspname), quote_ident(c.relname))
                                  FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace WHERE r.oid = d.objid)
                          ELSE pg_describe_object(d.classid, d.objid, d.objsubid) END AS what
       FROM pg_depend d
      WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = ANY($1::oid[]) AND d.deptype = 'n'
        AND NOT (d.classid = 'pg_constraint'::regclass AND (SELECT c.conrelid FROM pg_constraint c WHERE c.oid = d.objid) = ANY($1::oid[]))
      ORDER BY 1 LIMIT 5`,
    [live.map((t) => t.oid)],
  );
  if (dependents.rows.length > 0) {
    throw new DatabaseError(
      'db_dependents',
      `Other objects use the loaded tables in schema "${schema}": ${dependents.rows.map((r) => r.what).join('; ')}. ` +
        'A load replaces those tables with new ones, which would leave these objects pointing at the old data: drop them before loading and create them again afterwards. Nothing was changed.',
      { schema, dependents: dependents.rows.map((r) => r.what) },
    );
  }
}

export interface LiveTable {
  name: SwappedTable;
  oid: number;
  owner: string;
  owned: boolean;
}

/** The loaded tables as they are now (none before the first load). */
export async function liveTables(client: Client, schema: string): Promise<LiveTable[]> {
  const { rows } = await client.query<{ name: SwappedTable; oid: number; owner: string; owned: boolean }>(
    `SELECT c.relname AS name, c.oid::int AS oid, pg_get_userbyid(c.relowner) AS owner, pg_has_role(current_user, c.relowner, 'USAGE') AS owned
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = ANY($2) AND c.relkind IN ('r', 'p')`,
    [schema, SWAPPED_TABLES],
  );
  return SWAPPED_TABLES.flatMap((name) => rows.filter((r) => r.name === name));
}

/**
 * The new tables with their columns, NOT NULL and CHECK rules (checked by COPY as rows arrive) but
 * no key or index yet (built once after the COPY, see buildPlan), and the run's mark. Created in
 * the transaction that fills them, which is what lets COPY … FREEZE write the rows already frozen
 * (see copyInto). `tables`: those this transaction fills (the load copies the rejected rows in a
 * transaction of their own, beside the appointments' COPY).
 */
export async function createStagingTables(client: Client, schema: string, runId: number, tables: readonly LoadedTable[] = LOADED_TABLES): Promise<void> {
  // One round trip for all of them.
  await client.query(stagingTableStatements(schema, runId, tables).join(';\n'));
}

/** The statements createStagingTables runs, for a caller that sends them in one round trip. */
export function stagingTableStatements(schema: string, runId: number, tables: readonly LoadedTable[]): string[] {
  return tables.flatMap((table) => newTableStatements(schema, runId, table, TABLES[table].columns, TABLES[table].noStatistics));
}

/**
 * A new table (`table`__next) with these columns and the run's mark: its CREATE and COMMENT
 * statements, and the statistics target 0 of the columns ANALYZE is to leave out.
 */
export function newTableStatements(schema: string, runId: number, table: string, columns: string, noStatistics: readonly string[] = []): string[] {
  const next = `${quoteIdent(schema)}.${quoteIdent(nextName(table))}`;
  const statistics = noStatistics.length > 0 ? [`ALTER TABLE ${next} ${noStatistics.map((column) => `ALTER COLUMN ${column} SET STATISTICS 0`).join(', ')}`] : [];
  return [`CREATE TABLE ${next} (\n      ${columns}\n    )`, `COMMENT ON TABLE ${next} IS '${runComment(runId)}'`, ...statistics];
}

/**
 * What turns filled staging tables into complete ones, in three parts:
 * - `indexes`: each key as a unique index, and the dashboard's indexes, largest first. They depend
 *   on nothing but their table's rows and take only SHARE locks, so they are built on two sessions
 *   at once, each statement in its own transaction (load.ts): on a 2-core machine PostgreSQL
 *   builds one index per session, and serially the three covering indexes on appointments left one
 *   core idle for ~3 s at a million rows.
 * - `analyze`: statistics for the planner, so the first dashboard query after the swap is planned
 *   on the new data: of the columns queries filter, join and group on (a table's others are left
 *   out by their statistics target, set when it is created), at the load's statistics target
 *   (LOAD_STATISTICS_TARGET, run in the statement's transaction).
 * - `foreignKeys`: the foreign keys between two loaded tables, each checked once with one join
 *   against the unique index of the table it refers to. They are added in the index step, once
 *   both tables' builds and statistics are done (their SHARE ROW EXCLUSIVE locks conflict with
 *   those), while the other session indexes the rollups: in the swap's transaction the check of
 *   appointments against doctors was ~0.12 s with the other session idle, at a million rows.
 * - `constraints`: in the swap's transaction, the keys over those unique indexes (no scan: their
 *   columns are NOT NULL, and the index is already unique; a foreign key already relying on one is
 *   kept), and the foreign keys to live tables (the run log: its lock is taken only at the swap).
 */
export interface BuildPlan {
  indexes: string[];
  analyze: string;
  foreignKeys: string[];
  constraints: string[];
}

/** Largest first, so the two sessions end close together. */
const BY_SIZE: readonly LoadedTable[] = ['appointments', 'rejected_rows', 'doctors'];

export function buildPlan(schema: string): BuildPlan {
  const s = quoteIdent(schema);
  const target = (table: LoadedTable | 'etl_runs') => `${s}.${quoteIdent(table === 'etl_runs' ? table : nextName(table))}`;
  const indexes: string[] = [];
  const constraints: string[] = [];
  const foreignKeys: string[] = [];
  for (const table of BY_SIZE) {
    const { primaryKey, indexes: others } = TABLES[table];
    const key = quoteIdent(nextName(primaryKey.name));
    indexes.push(`CREATE UNIQUE INDEX ${key} ON ${target(table)} (${primaryKey.columns}) ${BUILT_ONCE_INDEX}`);
    for (const index of others) indexes.push(`CREATE INDEX ${quoteIdent(nextName(index.name))} ON ${target(table)} ${index.on} ${BUILT_ONCE_INDEX}`);
    constraints.push(`ALTER TABLE ${target(table)} ADD CONSTRAINT ${key} PRIMARY KEY USING INDEX ${key}`);
  }
  for (const table of LOADED_TABLES) {
    for (const fk of TABLES[table].foreignKeys) {
      const sql = `ALTER TABLE ${target(table)} ADD CONSTRAINT ${quoteIdent(fk.name)} FOREIGN KEY (${fk.columns}) REFERENCES ${target(fk.references.table)} (${fk.references.columns})`;
      (fk.references.table === 'etl_runs' ? constraints : foreignKeys).push(sql);
    }
  }
  const analyze = `SET LOCAL default_statistics_target = ${LOAD_STATISTICS_TARGET}; ANALYZE ${LOADED_TABLES.map(target).join(', ')}`;
  return { indexes, analyze, foreignKeys, constraints };
}

/** Index and primary-key names of a swapped table, as they are once it is live (rollups have none). */
export function indexNames(table: SwappedTable): string[] {
  if (!(LOADED_TABLES as readonly string[]).includes(table)) return (ROLLUP_INDEXES[table as RollupTable] ?? []).map((index) => index.name);
  const { primaryKey, indexes } = TABLES[table as LoadedTable];
  return [primaryKey.name, ...indexes.map((index) => index.name)];
}

/**
 * The new tables get the grants the live ones have (a reporting role allowed to SELECT keeps that
 * right across loads) and, when the loading role may hand them over, the same owner.
 */
export async function carryOverGrants(client: Client, schema: string, live: readonly LiveTable[]): Promise<void> {
  if (live.length === 0) return;
  // What each table needs, asked in one round trip and done in one more (two or three per table,
  // eleven tables, were ~5–15 ms of the verify step, in the transaction that locks the tables).
  const { rows } = await client.query<{ oid: number; grants: string[]; hand_over: boolean }>(
    `SELECT c.oid::int AS oid,
            ARRAY(SELECT format('GRANT %s ON %I.%I TO %s%s', a.privilege_type, $2::text, t.next,
                                CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END,
                                CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)
                    FROM aclexplode(c.relacl) a WHERE a.grantee <> c.relowner) AS grants,
            c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user) AND pg_has_role(current_user, c.relowner, 'MEMBER')
              AND has_schema_privilege(c.relowner, $2, 'CREATE') AS hand_over
       FROM unnest($1::oid[], $3::text[]) AS t(oid, next) JOIN pg_class c ON c.oid = t.oid`,
    [live.map((table) => table.oid), schema, live.map((table) => nextName(table.name))],
  );
  const s = quoteIdent(schema);
  const statements = live.flatMap((table) => {
    const next = `${s}.${quoteIdent(nextName(table.name))}`;
    const row = rows.find((r) => r.oid === table.oid);
    if (!row) return [];
    return [...row.grants, ...(row.hand_over ? [`ALTER TABLE ${next} OWNER TO ${quoteIdent(table.owner)}`] : [])];
  });
  if (statements.length > 0) await client.query(statements.join(';\n'));
}
