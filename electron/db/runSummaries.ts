/** etl_runs rows as the renderer sees them (plain JSON: ISO strings, numbers). */
import type pg from 'pg';
import type { RunSummary } from '../../shared/contract';
import { quoteIdent } from './identifiers';

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const iso = (value: unknown): string | null => (value instanceof Date ? value.toISOString() : value === null || value === undefined ? null : String(value));
const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

export function toRunSummary(row: Record<string, unknown>): RunSummary {
  return {
    runId: Number(row.run_id),
    startedAt: iso(row.started_at) ?? '',
    finishedAt: iso(row.finished_at),
    outcome: row.outcome as RunSummary['outcome'],
    errorCode: text(row.error_code),
    error: text(row.error),
    source: String(row.source ?? ''),
    doctorsFile: text(row.doctors_file),
    appointmentsFile: text(row.appointments_file),
    runDate: row.run_date instanceof Date ? isoDay(row.run_date) : text(row.run_date),
    dateOrder: text(row.date_order),
    suspiciousPolicy: text(row.suspicious_policy),
    counts: {
      doctorsRead: num(row.doctors_read),
      appointmentsRead: num(row.appointments_read),
      rejected: num(row.rejected),
      duplicates: num(row.duplicates),
      fixed: num(row.fixed),
      placeholders: num(row.placeholders),
      suspiciousDates: num(row.suspicious_dates),
      doctorsLoaded: num(row.doctors_loaded),
      appointmentsLoaded: num(row.appointments_loaded),
    },
  };
}

/** A DATE column arrives as a local-midnight Date from pg; read it back as the same calendar day. */
function isoDay(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

export async function tableExists(client: pg.ClientBase | pg.Pool, schema: string, table: string): Promise<boolean> {
  const { rows } = await client.query<{ found: string | null }>('SELECT to_regclass($1) AS found', [`${quoteIdent(schema)}.${quoteIdent(table)}`]);
  return rows[0]?.found !== null && rows[0]?.found !== undefined;
}

export async function recentRuns(pool: pg.Pool, schema: string, limit: number): Promise<RunSummary[]> {
  if (!(await tableExists(pool, schema, 'etl_runs'))) return [];
  const { rows } = await pool.query(`SELECT * FROM ${quoteIdent(schema)}.etl_runs ORDER BY run_id DESC LIMIT $1`, [limit]);
  return rows.map(toRunSummary);
}

export async function lastSucceededRun(client: pg.ClientBase | pg.Pool, schema: string): Promise<RunSummary | null> {
  if (!(await tableExists(client, schema, 'etl_runs'))) return null;
  const { rows } = await client.query(`SELECT * FROM ${quoteIdent(schema)}.etl_runs WHERE outcome = 'succeeded' ORDER BY run_id DESC LIMIT 1`);
  return rows[0] ? toRunSummary(rows[0]) : null;
}

export async function runById(pool: pg.Pool, schema: string, runId: number): Promise<RunSummary | null> {
  const { rows } = await pool.query(`SELECT * FROM ${quoteIdent(schema)}.etl_runs WHERE run_id = $1`, [runId]);
  return rows[0] ? toRunSummary(rows[0]) : null;
}
