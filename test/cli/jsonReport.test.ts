/**
 * `healthtech-etl --json` on the bundled samples, against a fresh database on the shared test
 * server: what a CI job parses (one JSON object on stdout), what it logs (stderr and
 * logs/pipeline.log), the files it writes, and that running it twice changes nothing.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { answerBusinessQuestions, type BusinessAnswers } from '../../electron/db/businessQuestions';
import { redactUrl } from '../../electron/db/redact';
import { prepareRun, type PreparedRun } from '../../electron/etl/prepareRun';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  ensureCliBuilt,
  killRunningClis,
  LOG_LINE,
  parseSingleJson,
  readCsv,
  removeTempDirs,
  runCli,
  RUN_DATE,
  SAMPLES,
  tablesFingerprint,
  tempDir,
  type CliResult,
} from './cliHarness';

interface Report {
  ok: boolean;
  dry_run: boolean;
  run_id: number;
  counts: Record<string, number>;
  placeholders: number[];
  answers: BusinessAnswers;
  database: { target: string; schema: string };
  outputs: Record<string, string>;
}

let db: TestDatabase;
let cwd: string;
let expected: PreparedRun;
let first: CliResult;
let second: CliResult;
let firstReport: Report;
let secondReport: Report;
let logText: string;
let tablesAfterFirst: string;
let tablesAfterSecond: string;

beforeAll(async () => {
  await ensureCliBuilt();
  db = await createTestDatabase(inject('embeddedPgUrl'));
  cwd = await tempDir('json');
  const args = ['--json', '--run-date', RUN_DATE, '--db_url', db.url];
  // The samples with default output and log paths, then the same again into another folder.
  first = await runCli(args, { cwd });
  expect(first.code, first.stderr).toBe(0);
  tablesAfterFirst = await tablesFingerprint(db.url);
  second = await runCli([...args, '--output-dir', 'second-output'], { cwd });
  tablesAfterSecond = await tablesFingerprint(db.url);
  expect(second.code, second.stderr).toBe(0);
  firstReport = parseSingleJson(first.stdout) as unknown as Report;
  secondReport = parseSingleJson(second.stdout) as unknown as Report;
  logText = await readFile(path.join(cwd, 'logs', 'pipeline.log'), 'utf8');
  expected = await prepareRun({ doctors: { path: SAMPLES.doctors }, appointments: { path: SAMPLES.appointments }, runDate: RUN_DATE });
});

afterAll(async () => {
  await killRunningClis();
  await db?.drop();
  await removeTempDirs();
});

const doctorCount = { doctor_id: expect.any(Number), name: expect.any(String), confirmed: expect.any(Number) };

describe('healthtech-etl --json on the samples', () => {
  it('prints exactly one JSON object on stdout, with the required keys and types', () => {
    // parseSingleJson already failed the run if stdout held anything but one JSON line.
    expect(firstReport).toMatchObject({
      ok: true,
      dry_run: false,
      counts: {
        doctors: expect.any(Number),
        appointments: expect.any(Number),
        rejected: expect.any(Number),
        duplicates: expect.any(Number),
        placeholders: expect.any(Number),
        suspicious_dates: expect.any(Number),
        fixed: expect.any(Number),
      },
      answers: { q1: expect.any(Array), q2: expect.any(Number), q3: expect.any(Number), q4: expect.any(Array) },
    });
    expect(Number.isInteger(firstReport.run_id) && firstReport.run_id > 0).toBe(true);
    expect(firstReport.placeholders.every((id) => Number.isInteger(id))).toBe(true);
    expect(firstReport.answers.q1.length).toBeGreaterThan(0);
    for (const row of [...firstReport.answers.q1, ...firstReport.answers.q4]) expect(row).toStrictEqual(doctorCount);
  });

  it('reports the same counts and placeholder doctors as prepareRun on the same files', () => {
    expect(firstReport.counts).toEqual(expected.report.counts);
    expect(firstReport.placeholders).toEqual(expected.report.placeholders.map((p) => p.doctorId));
    expect(firstReport.placeholders).toHaveLength(firstReport.counts.placeholders as number);
  });

  it('answers the business questions with the queries of queries.sql on the loaded database', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      expect(firstReport.answers).toEqual(await answerBusinessQuestions(pool, 'healthtech'));
    } finally {
      await pool.end();
    }
    // Q1 lists every doctor tied for the most confirmed appointments of the distribution (Q4).
    const top = Math.max(...firstReport.answers.q4.map((row) => row.confirmed));
    expect(firstReport.answers.q1).toEqual(firstReport.answers.q4.filter((row) => row.confirmed === top).sort((a, b) => a.doctor_id - b.doctor_id));
  });

  it('writes confirmed_by_doctor.csv with exactly the rows of answer q4', async () => {
    const csv = await readCsv(path.join(cwd, 'output', 'confirmed_by_doctor.csv'));
    expect(csv.header).toEqual(['doctor_id', 'name', 'confirmed']);
    expect(csv.rows.map((row) => ({ doctor_id: Number(row.doctor_id), name: row.name, confirmed: Number(row.confirmed) }))).toEqual(firstReport.answers.q4);
    // Every doctor, placeholders and zero counts included.
    expect(csv.rows).toHaveLength(firstReport.counts.doctors as number);
  });

  it('writes the four CSVs into ./output of the working folder', async () => {
    for (const name of ['final_doctors', 'final_appointments', 'rejected_rows', 'confirmed_by_doctor']) {
      expect(firstReport.outputs[name]).toBe(path.join(cwd, 'output', `${name}.csv`));
    }
    expect((await readCsv(path.join(cwd, 'output', 'final_appointments.csv'))).rows).toHaveLength(firstReport.counts.appointments as number);
  });

  it('with --json too, logs on stderr and in logs/pipeline.log: timestamps, levels, counts per step and timings', () => {
    const { doctors, appointments } = expected.report.files;
    const runId = firstReport.run_id;
    const steps = [
      new RegExp(`INFO  run started .*dry_run=false`),
      new RegExp(`INFO  read doctors file=doctors\\.xlsx sheet=${doctors.sheet} rows=${doctors.counts.read} ms=\\d+`),
      new RegExp(`INFO  read appointments file=appointments\\.xlsx sheet=${appointments.sheet} rows=${appointments.counts.read} ms=\\d+`),
      new RegExp(`INFO  clean finished ms=\\d+ doctors=${expected.report.counts.doctors} appointments=${expected.report.counts.appointments} rejected=${expected.report.counts.rejected}`),
      new RegExp(`INFO  counts doctors .*read=${doctors.counts.read} kept=${doctors.counts.kept} rejected=${doctors.counts.rejected} repeatedHeaders=${doctors.counts.repeatedHeaders} blankRows=${doctors.counts.blankRows}`),
      new RegExp(`INFO  counts appointments .*read=${appointments.counts.read} kept=${appointments.counts.kept} rejected=${appointments.counts.rejected}`),
      new RegExp(`INFO  load committed run_id=${runId} doctors=${expected.report.counts.doctors} appointments=${expected.report.counts.appointments} rejected=${expected.report.counts.rejected} ms=\\d+`),
      new RegExp(`INFO  run finished run_id=${runId} ms=\\d+`),
    ];
    const stderrLines = first.stderr.split('\n').filter((line) => line !== '');
    for (const line of stderrLines) expect(line).toMatch(LOG_LINE);
    for (const step of steps) {
      expect(stderrLines.some((line) => step.test(line)), `stderr lacks ${step}`).toBe(true);
      expect(logText.split('\n').some((line) => step.test(line)), `pipeline.log lacks ${step}`).toBe(true);
    }
    for (const line of logText.split('\n').filter((l) => l !== '')) expect(line).toMatch(LOG_LINE);
    expect(stderrLines.some((line) => / WARN {2}.*booking date\(s\)/.test(line))).toBe(true);
  });

  it('keeps doctor names and the database password out of the console and the log', async () => {
    const doctors = await readCsv(path.join(cwd, 'output', 'final_doctors.csv'));
    const names = doctors.rows.filter((row) => row.is_placeholder === 'false').map((row) => row.name);
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) {
      expect(logText).not.toContain(name);
      expect(first.stderr).not.toContain(name);
    }
    const password = decodeURIComponent(new URL(db.url).password);
    expect(password.length).toBeGreaterThan(0);
    for (const text of [first.stdout, first.stderr, logText]) expect(text).not.toContain(password);
    expect(firstReport.database).toEqual({ target: redactUrl(db.url), schema: 'healthtech' });
  });

  it('is idempotent: a second run gives identical tables and final files, the same answers and a larger run_id', async () => {
    expect(tablesAfterSecond).toBe(tablesAfterFirst);
    expect(secondReport.run_id).toBeGreaterThan(firstReport.run_id);
    expect(secondReport.answers).toEqual(firstReport.answers);
    expect(secondReport.counts).toEqual(firstReport.counts);
    for (const name of ['final_doctors', 'final_appointments', 'rejected_rows', 'confirmed_by_doctor']) {
      const [a, b] = await Promise.all([readFile(path.join(cwd, 'output', `${name}.csv`)), readFile(path.join(cwd, 'second-output', `${name}.csv`))]);
      expect(b.equals(a), `${name}.csv differs between the two runs`).toBe(true);
    }
  });
});
