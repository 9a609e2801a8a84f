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
  return withClient({ pool, label }, 'answering the business questions', async (client) => {
    // queries.sql names no schema in its statements; the configured one is put first on the path,
    // inside a read-only transaction so nothing here can change data.
    await client.query('BEGIN READ ONLY');
    try {
      await client.query(`SET LOCAL search_path TO ${quoteIdent(schema)}`);
      const doctors = (rows: Record<string, unknown>[]): DoctorCount[] =>
        rows.map((row) => ({ doctor_id: Number(row.doctor_id), name: String(row.name), confirmed: Number(row.confirmed) }));
      const q1 = doctors((await client.query(query('q1_top_doctor'))).rows);
      const q2 = Number((await client.query(query('q2_patient_34_confirmed'))).rows[0]?.confirmed ?? 0);
      const q3 = Number((await client.query(query('q3_cancelled_oct_21_24'))).rows[0]?.cancelled ?? 0);
      const q4 = doctors((await client.query(query('q4_confirmed_by_doctor'))).rows);
      return { q1, q2, q3, q4 };
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
    }
  });
}
