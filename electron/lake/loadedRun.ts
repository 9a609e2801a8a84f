/**
 * Reads the run that is loaded now, straight from the tables the load committed, inside one
 * read-only snapshot: the export is exactly what the database (and so the dashboard) holds, the
 * CLI and the app export the same thing, and a load that starts meanwhile waits for the read to end
 * (at most its lock timeout) instead of changing the tables under it. Tables stream out with
 * COPY … TO STDOUT, so memory does not grow with them.
 */
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { quoteIdent } from '../db/identifiers';
import { UsageError } from '../etl/errors';
import { lakeColumns, TABLE_ORDER, type CatalogColumn, type LakeColumn, type LakeTable } from './columns';
import { copyTextRows, type CopyRow } from './copyTextRows';

/** The etl_runs row of the exported run, as JSON (timestamps as ISO text). */
export type RunRecord = Record<string, unknown> & { run_id: number };

export interface RunSnapshot {
  schema: string;
  run: RunRecord;
  /** Rows per table in the snapshot, for progress and the final cross-check. */
  counts: Record<LakeTable, number>;
  columns(table: LakeTable): LakeColumn[];
  /**
   * The table's rows in a stable order, as COPY text fields in column order, followed by the
   * `extra` expressions (e.g. the partition values).
   */
  rows(table: LakeTable, extra?: readonly string[]): AsyncGenerator<CopyRow[]>;
}

export async function withRunSnapshot<T>(
  client: pg.ClientBase,
  schema: string,
  runId: number | 'latest',
  work: (snapshot: RunSnapshot) => Promise<T>,
  options: { lockTimeoutMs?: number } = {},
): Promise<T> {
  const s = quoteIdent(schema);
  // A COPY left unfinished (cancel, a write error) keeps the connection busy: no ROLLBACK can be
  // queued behind it, so the caller ends that connection instead (the transaction only read).
  let copyOpen = false;
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(options.lockTimeoutMs ?? 15_000))}`);
    const { rows: present } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM unnest($1::text[]) AS t(name) WHERE to_regclass(format('%I.%I', $2::text, t.name)) IS NOT NULL`,
      [['doctors', 'appointments', 'rejected_rows', 'etl_runs'], schema],
    );
    if (Number(present[0]?.n) !== 4) throw nothingLoaded(schema);
    // All four tables at once, before the snapshot is taken (LOCK takes none): a load cannot
    // truncate or swap them until this transaction ends, so they are read as one consistent set.
    await client.query(`LOCK TABLE ${s}.doctors, ${s}.appointments, ${s}.rejected_rows, ${s}.etl_runs IN ACCESS SHARE MODE`);
    const run = await loadedRun(client, schema, runId);
    const catalog = await readCatalog(client, schema);
    const columns = (table: LakeTable) => lakeColumns(table, catalog.get(table) ?? []);
    const { rows: countRows } = await client.query<Record<LakeTable, string>>(
      `SELECT (SELECT count(*) FROM ${s}.doctors) AS doctors, (SELECT count(*) FROM ${s}.appointments) AS appointments,
              (SELECT count(*) FROM ${s}.rejected_rows WHERE run_id = $1) AS rejected_rows, 1 AS etl_runs`,
      [run.run_id],
    );
    const c = countRows[0] as Record<LakeTable, string>;
    const counts = { doctors: Number(c.doctors), appointments: Number(c.appointments), rejected_rows: Number(c.rejected_rows), etl_runs: 1 };
    const snapshot: RunSnapshot = {
      schema,
      run,
      counts,
      columns,
      rows: (table, extra = []) =>
        streamTable(client, schema, table, columns(table), run.run_id, extra, (open) => {
          copyOpen = open;
        }),
    };
    const result = await work(snapshot);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    if (!copyOpen) await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

function nothingLoaded(schema: string): UsageError {
  return new UsageError('nothing_loaded', `Nothing has been loaded into schema "${schema}" yet: load the workbooks first, then export.`, { setting: 'schema' });
}

async function loadedRun(client: pg.ClientBase, schema: string, requested: number | 'latest'): Promise<RunRecord> {
  const s = quoteIdent(schema);
  // The tables hold the data of the latest successful load; that run, and only that one, can be exported.
  const { rows } = await client.query<{ run: RunRecord }>(
    `SELECT row_to_json(r) AS run FROM ${s}.etl_runs r WHERE run_id = (SELECT max(run_id) FROM ${s}.etl_runs WHERE outcome = 'succeeded')`,
  );
  const run = rows[0]?.run;
  if (!run) throw nothingLoaded(schema);
  run.run_id = Number(run.run_id);
  delete run.backend_pid;
  if (requested !== 'latest' && requested !== run.run_id) {
    throw new UsageError(
      'run_not_loaded',
      `Run ${requested} is not the run loaded in schema "${schema}" now (run ${run.run_id} is); only the loaded run's tables can be exported.`,
      { setting: 'run_id', loaded: run.run_id },
    );
  }
  return run;
}

async function readCatalog(client: pg.ClientBase, schema: string): Promise<Map<LakeTable, CatalogColumn[]>> {
  const { rows } = await client.query<{ table: LakeTable; name: string; type: string; not_null: boolean }>(
    `SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = ANY($2) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY c.relname, a.attnum`,
    [schema, ['doctors', 'appointments', 'rejected_rows', 'etl_runs']],
  );
  const catalog = new Map<LakeTable, CatalogColumn[]>();
  for (const row of rows) {
    const list = catalog.get(row.table) ?? [];
    list.push({ name: row.name, type: row.type, notNull: row.not_null });
    catalog.set(row.table, list);
  }
  return catalog;
}

async function* streamTable(
  client: pg.ClientBase,
  schema: string,
  table: LakeTable,
  columns: readonly LakeColumn[],
  runId: number,
  extra: readonly string[],
  copying: (open: boolean) => void,
): AsyncGenerator<CopyRow[]> {
  const where = table === 'rejected_rows' || table === 'etl_runs' ? ` WHERE run_id = ${Math.trunc(runId)}` : '';
  const select = [...columns.map((c) => c.select), ...extra].join(', ');
  const stream = client.query(copyTo(`COPY (SELECT ${select} FROM ${quoteIdent(schema)}.${quoteIdent(table)}${where} ORDER BY ${TABLE_ORDER[table]}) TO STDOUT`));
  copying(true);
  let finished = false;
  try {
    yield* copyTextRows(stream as AsyncIterable<Buffer>);
    finished = true;
  } finally {
    if (finished) copying(false);
    else stream.destroy();
  }
}
