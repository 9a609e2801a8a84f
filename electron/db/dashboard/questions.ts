/**
 * The brief's business questions for the dashboard panel: each statement of queries.sql, its
 * text as written, and its rows, from the same run as the CLI's answers.
 */
import type { AnsweredQuestion } from '../../../shared/contract';
import { QUESTIONS } from '../businessQuestions';
import { quoteIdent } from '../identifiers';
import { readOnly, type DashboardDb } from './readOnly';

export function answeredQuestions(db: DashboardDb, schema: string): Promise<{ questions: AnsweredQuestion[] }> {
  return readOnly(db, 'answering the business questions', async (client) => {
    await client.query(`SET LOCAL search_path TO ${quoteIdent(schema)}`);
    const questions: AnsweredQuestion[] = [];
    for (const question of QUESTIONS) {
      const { rows } = await client.query<Record<string, unknown>>(question.sql);
      questions.push({
        ...question,
        rows: rows.map((row) =>
          Object.fromEntries(Object.entries(row).map(([key, value]) => [key, typeof value === 'string' && /^-?\d+$/.test(value) && key !== 'name' ? Number(value) : (value as string | number | null)])),
        ),
      });
    }
    return { questions };
  });
}
