/**
 * The README states the business answers on the bundled samples; this proves them by loading the
 * samples into a real PostgreSQL and running queries.sql, so the README can never drift.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerBusinessQuestions, type BusinessAnswers } from '../../electron/db/businessQuestions';
import { createPool, serverLabel } from '../../electron/db/connection';
import { loadRun } from '../../electron/db/load';
import { prepareRun, type PreparedRun } from '../../electron/etl/prepareRun';
import { createTestDatabase, testServers, type TestDatabase } from '../support/database';

const readme = readFileSync('README.md', 'utf8');
const block = /<!-- answers:start -->([\s\S]*?)<!-- answers:end -->/.exec(readme)?.[1] ?? '';
const row = (n: number) => new RegExp(`^\\| ${n} \\|[^|]*\\| (.*) \\|$`, 'm').exec(block)?.[1] ?? '';

let database: TestDatabase;
let answers: BusinessAnswers;
let prepared: PreparedRun;
beforeAll(async () => {
  database = await createTestDatabase((testServers()[0] as { url: string }).url);
  const pool = createPool(database.url);
  try {
    prepared = await prepareRun({ doctors: { path: 'samples/doctors.xlsx' }, appointments: { path: 'samples/appointments.xlsx' }, runDate: '2026-11-25' });
    await loadRun({ pool, label: serverLabel(database.url) }, prepared, { schema: 'healthtech', source: 'cli' });
    answers = await answerBusinessQuestions(pool, 'healthtech');
  } finally {
    await pool.end();
  }
});
afterAll(async () => {
  await database?.drop();
});

describe('README answers on the samples', () => {
  it('question 1: the doctor(s) with the most confirmed appointments', () => {
    expect(row(1)).toBe(answers.q1.map((a) => `doctor ${a.doctor_id} (${a.name}), ${a.confirmed} confirmed`).join('; '));
  });
  it('questions 2 and 3', () => {
    expect(row(2)).toBe(String(answers.q2));
    expect(row(3)).toBe(String(answers.q3));
  });
  it('question 4: the full distribution', () => {
    expect(row(4)).toBe(answers.q4.map((a) => `${a.doctor_id}:${a.confirmed}`).join(', '));
  });
  it('the sample counts in the text', () => {
    const a = prepared.report.files.appointments.counts;
    const d = prepared.report.files.doctors.counts;
    expect(readme).toContain(
      `${a.read} appointment rows read → ${a.kept} kept,\n${a.rejected} rejected, ${a.repeatedHeaders} repeated headers, ${a.blankRows} blank rows; ${d.read} doctor rows read → ${d.kept} kept + ${prepared.report.counts.placeholders} placeholders.`,
    );
    expect(readme).toContain(`placeholders ${prepared.report.placeholders.slice(0, -1).map((p) => p.doctorId).join(', ')} and ${prepared.report.placeholders.at(-1)?.doctorId}`);
  });
});
