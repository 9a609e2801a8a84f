/**
 * The brief's business questions (SPEC §8), answered by running the statements of queries.sql
 * itself, so the file people read and the numbers the CLI and app show cannot drift apart.
 */
import type pg from 'pg';
import queriesSql from '../../queries.sql?raw';
import type { ServerLabel } from './databaseErrors';
import { quoteIdent, validateSchemaName } from './identifiers';
import { withClient } from './withClient';

export interface DoctorCount {
  doctor_id: number;
  name: string;
  confirmed: number;
}

export interface BusinessAnswers {
  q1: DoctorCount[];
  q2: number;
  q3: number;
  q4: DoctorCount[];
}

export interface NamedQuery {
  name: string;
  /** The comment lines under the name: the question in words. */
  title: string;
  sql: string;
}

/** Splits queries.sql at its `-- name:` markers. */
export function namedQueries(text: string = queriesSql): NamedQuery[] {
  const parts = text.split(/^-- name: */m).slice(1);
  return parts.map((part) => {
    const [nameLine = '', ...rest] = part.split('\n');
    const body = rest.join('\n').trim();
    const title = body
      .split('\n')
      .filter((line) => line.startsWith('--'))
      .map((line) => line.replace(/^--\s?/, ''))
      .join(' ');
    return { name: nameLine.trim(), title, sql: body.replace(/;\s*$/, '') };
  });
}

export const QUESTIONS = namedQueries();

function query(name: string): string {
  const found = QUESTIONS.find((q) => q.name === name);
  if (!found) throw new Error(`queries.sql has no query named ${name}`);
  return found.sql;
}

export async function answerBusinessQuestions(pool: pg.Pool, schema: string, label: ServerLabel = { where: 'the database' }): Promise<BusinessAnswers> {
  validateSchemaName(schema);
  const db = { pool, label };
  const during = 'answering the business questions';
  const doctors = (rows: Record<string, unknown>[]): DoctorCount[] =>
    rows.map((row) => ({ doctor_id: Number(row.doctor_id), name: String(row.name), confirmed: Number(row.confirmed) }));
  // queries.sql names no schema in its statements; the configured one is put first on the path,
  // inside read-only transactions so nothing here can change data. The two questions that read
  // every confirmed appointment (~150 ms each at a million rows) run at once on two sessions, the
  // second in the first's snapshot, so the four answers are still of one moment.
  const begin = async (client: pg.PoolClient, snapshot?: string) => {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    if (snapshot !== undefined) await client.query(`SET TRANSACTION SNAPSHOT '${snapshot.replace(/'/g, "''")}'`);
    // Without parallel workers: q1 took ~0.33 s of server CPU with its two against ~0.22 s alone,
    // in about the same time (a million appointments, PostgreSQL 15), and q1 and q4 already run
    // at once on two sessions.
    await client.query(`SET LOCAL search_path TO ${quoteIdent(schema)}; SET LOCAL max_parallel_workers_per_gather = 0`);
  };
  return withClient(db, during, async (client) => {
    try {
      await begin(client);
      const { rows } = await client.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot');
      const snapshot = rows[0]?.snapshot as string;
      // A pool of one session (waiting for a second would never end) asks q4 on this one.
      const q4 = (pool.options.max ?? 10) < 2 ? client.query(query('q4_confirmed_by_doctor')).then((result) => doctors(result.rows)) : withClient(db, during, async (other) => {
        try {
          await begin(other, snapshot);
          return doctors((await other.query(query('q4_confirmed_by_doctor'))).rows);
        } finally {
          await other.query('ROLLBACK').catch(() => undefined);
        }
      });
      // The exported snapshot lives as long as this transaction: it stays open until q4 has it.
      q4.catch(() => undefined);
      const q1 = doctors((await client.query(query('q1_top_doctor'))).rows);
      const q2 = Number((await client.query(query('q2_patient_34_confirmed'))).rows[0]?.confirmed ?? 0);
      const q3 = Number((await client.query(query('q3_cancelled_oct_21_24'))).rows[0]?.cancelled ?? 0);
      return { q1, q2, q3, q4: await q4 };
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
    }
  });
}
