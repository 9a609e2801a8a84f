/**
 * The brief's business questions for the dashboard panel: each statement of queries.sql, its
 * text as written, and its rows, from the same run as the CLI's answers.
 */
import type { AnsweredQuestion } from '../../../shared/contract';
import { QUESTIONS } from '../businessQuestions';
import { quoteIdent } from '../identifiers';
import { readOnly, type DashboardDb } from './readOnly';

/**
 * The answers change only when a load commits (a new latest successful run): they are kept per
 * pool, schema and run, so the panel costs one small query after the first opening instead of the
 * four statements over every appointment (~0.3–0.6 s at a million rows).
 */
const answered = new WeakMap<DashboardDb['pool'], Map<string, { runId: string; answers: Promise<{ questions: AnsweredQuestion[] }> }>>();

export async function answeredQuestions(db: DashboardDb, schema: string): Promise<{ questions: AnsweredQuestion[] }> {
  const runId = await readOnly(db, 'answering the business questions', async (client) => {
    const { rows } = await client.query<{ run_id: string | null }>(
      `SELECT CASE WHEN to_regclass($1) IS NULL THEN NULL ELSE (SELECT max(run_id)::text FROM ${quoteIdent(schema)}.etl_runs WHERE outcome = 'succeeded') END AS run_id`,
      [`${quoteIdent(schema)}.etl_runs`],
    );
    return rows[0]?.run_id ?? null;
  });
  if (runId === null) return answerNow(db, schema);
  const bySchema = answered.get(db.pool) ?? new Map<string, { runId: string; answers: Promise<{ questions: AnsweredQuestion[] }> }>();
  answered.set(db.pool, bySchema);
  const kept = bySchema.get(schema);
  if (kept && kept.runId === runId) return kept.answers;
  const answers = answerNow(db, schema);
  bySchema.set(schema, { runId, answers });
  // A failure is not kept: the next opening asks again.
  answers.catch(() => {
    if (bySchema.get(schema)?.answers === answers) bySchema.delete(schema);
  });
  return answers;
}

/** The four statements run at once, each on its own pooled connection. */
async function answerNow(db: DashboardDb, schema: string): Promise<{ questions: AnsweredQuestion[] }> {
  const questions = await Promise.all(
    QUESTIONS.map((question) =>
      readOnly(
        db,
        'answering the business questions',
        async (client): Promise<AnsweredQuestion> => {
          const { rows } = await client.query<Record<string, unknown>>(question.sql);
          return {
            ...question,
            rows: rows.map((row) =>
              Object.fromEntries(Object.entries(row).map(([key, value]) => [key, typeof value === 'string' && /^-?\d+$/.test(value) && key !== 'name' ? Number(value) : (value as string | number | null)])),
            ),
          };
        },
        [`search_path TO ${quoteIdent(schema)}`],
      ),
    ),
  );
  return { questions };
}
