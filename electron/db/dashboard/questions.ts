/**
 * The brief's business questions for the dashboard panel: each statement of queries.sql, its
 * text as written, and its rows, from the same run as the CLI's answers.
 */
import type { AnsweredQuestion } from '../../../shared/contract';
import { QUESTIONS } from '../businessQuestions';
import { quoteIdent } from '../identifiers';
import { readOnly, type DashboardDb } from './readOnly';

/** The four statements run at once, each on its own pooled connection. */
export async function answeredQuestions(db: DashboardDb, schema: string): Promise<{ questions: AnsweredQuestion[] }> {
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
