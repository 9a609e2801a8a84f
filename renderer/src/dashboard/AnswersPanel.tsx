/**
 * The brief's business questions (SPEC §8), answered live from the database by the statements of
 * queries.sql, with each statement shown exactly as it ran. They ignore the dashboard's filters:
 * they are the same answers the command line gives.
 */
import { memo, useState } from 'react';
import type { AnsweredQuestion } from '../../../shared/contract';
import { formatCount } from '../format';
import { RetryNotice } from './ChartCard';
import type { QueryState } from './useDashboardQuery';

type Row = AnsweredQuestion['rows'][number];

function cell(value: Row[string]): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'number' ? formatCount(value) : value;
}

/** The answer in a few words, for the closed disclosure. */
function shortAnswer(question: AnsweredQuestion): string {
  const { rows } = question;
  const first = rows[0];
  if (!first) return 'No rows';
  const keys = Object.keys(first);
  if (rows.length === 1 && keys.length === 1) return cell(first[keys[0] ?? ''] ?? null);
  if (question.name.startsWith('q1')) return rows.map((r) => `${String(r.name ?? '')} (#${String(r.doctor_id ?? '')}): ${cell(r.confirmed ?? null)} confirmed`).join('; ');
  return `${formatCount(rows.length)} ${rows.length === 1 ? 'row' : 'rows'}`;
}

function ResultTable({ question }: { question: AnsweredQuestion }) {
  const columns = Object.keys(question.rows[0] ?? {});
  if (columns.length === 0) return <p className="muted">The query returned no rows.</p>;
  return (
    <div className="dash-answer-table" role="region" aria-label={`Result of question ${question.name}`} tabIndex={0}>
      <table className="data-table compact dash-table">
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col" className={typeof question.rows[0]?.[c] === 'number' ? 'num' : undefined}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {question.rows.map((row, i) => (
            <tr key={i}>
              {columns.map((c) => (
                <td key={c} className={typeof row[c] === 'number' ? 'num' : undefined}>
                  {cell(row[c] ?? null)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * One question, closed until asked for. Its result table is built only when opened: question 4
 * lists every doctor (2,780 rows at a million appointments), thousands of cells nobody sees
 * while the answer is closed.
 */
function Answer({ question }: { question: AnsweredQuestion }) {
  const [open, setOpen] = useState(false);
  const id = /^q\d+/.exec(question.name)?.[0] ?? question.name;
  return (
    <li>
      <details className="dash-answer" data-testid={`answer-${id}`} data-name={question.name} onToggle={(event) => setOpen(event.currentTarget.open)}>
        <summary>
          <span className="dash-answer-title">{question.title.replace(/^\d+\.\s*/, '')}</span>
          <span className="dash-answer-short" data-testid={`answer-${id}-short`}>
            {shortAnswer(question)}
          </span>
        </summary>
        <div className="dash-answer-body">
          {open ? <ResultTable question={question} /> : null}
          <p className="dash-sql-label">
            SQL <span className="dash-sql-source">(queries.sql, {question.name})</span>
          </p>
          <pre className="dash-sql" data-testid={`answer-${id}-sql`} tabIndex={0}>
            <code>{question.sql}</code>
          </pre>
        </div>
      </details>
    </li>
  );
}

export const AnswersPanel = memo(function AnswersPanel({ query, filtered }: { query: QueryState<{ questions: AnsweredQuestion[] }>; filtered: boolean }) {
  const questions = query.data?.questions ?? null;
  return (
    <section className="panel dash-card" aria-labelledby="answers-title" aria-busy={query.loading} data-testid="answers-panel">
      <div className="dash-card-head">
        <div className="dash-card-heading">
          <h2 id="answers-title" className="panel-title">
            Business questions <span className="dash-scope-badge">All data</span>
          </h2>
          <p className="dash-card-intro">
            Answered live from everything loaded by the statements in queries.sql, the same ones the command line runs.{' '}
            {filtered ? <strong>The filters above do not apply here.</strong> : 'With no filter set, the figures above count the same rows: the leaderboard is question 4, its top question 1.'}
          </p>
        </div>
      </div>
      {query.error ? (
        <RetryNotice message={`Couldn’t answer the questions: ${query.error.message}`} hint="Try again; if it keeps failing, check the database status at the top right." onRetry={query.retry} />
      ) : null}
      {!questions && query.loading ? <div className="dash-skeleton dash-skeleton-short" aria-hidden="true" /> : null}
      {questions ? (
        <ol className="dash-answers">
          {questions.map((question) => (
            <Answer key={question.name} question={question} />
          ))}
        </ol>
      ) : null}
    </section>
  );
});
