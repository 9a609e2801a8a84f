/**
 * The embedded default end to end, as an analyst runs it with no database configured: the CLI
 * starts its own PostgreSQL in ./.healthtech/postgres of the working folder, loads, answers the
 * questions, and stops the server again: no postgres process outlives the command, and a second
 * run finds the data (and its run history) where the first left it.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusinessAnswers, DoctorCount } from '../../electron/db/businessQuestions';
import { prepareRun } from '../../electron/etl/prepareRun';
import { isoFromDay } from '../../electron/etl/rules/calendar';
import { idText } from '../../electron/etl/rules/parseInteger';
import {
  ensureCliBuilt,
  isAlive,
  killRunningClis,
  parseSingleJson,
  processesMentioning,
  removeTempDirs,
  runCli,
  RUN_DATE,
  SAMPLES,
  tempDir,
  type CliResult,
} from './cliHarness';

interface Report {
  run_id: number;
  answers: BusinessAnswers;
  database: { target: string; schema: string };
}

let cwd: string;
let dataDir: string;
let runs: { result: CliResult; report: Report }[] = [];

beforeAll(async () => {
  await ensureCliBuilt();
  cwd = await tempDir('embedded');
  dataDir = path.join(cwd, '.healthtech', 'postgres');
  runs = [];
  for (let i = 0; i < 2; i++) {
    // No --db_url, no DB_URL, no --data_dir: everything defaults.
    const result = await runCli(['--json', '--run-date', RUN_DATE], { cwd });
    expect(result.code, result.stderr).toBe(0);
    runs.push({ result, report: parseSingleJson(result.stdout) as unknown as Report });
  }
});

afterAll(async () => {
  await killRunningClis();
  await removeTempDirs();
});

/** The answers as the cleaning rules imply them, counted in JavaScript, without SQL. */
async function answersFromCleanedTables(): Promise<BusinessAnswers> {
  const run = await prepareRun({ doctors: { path: SAMPLES.doctors }, appointments: { path: SAMPLES.appointments }, runDate: RUN_DATE });
  const confirmed = run.appointments.filter((a) => a.status === 'confirmed');
  const q4: DoctorCount[] = run.doctors
    .map((d) => ({ doctor_id: d.doctorId, name: d.name, confirmed: confirmed.filter((a) => a.doctorId === d.doctorId).length }))
    .sort((a, b) => b.confirmed - a.confirmed || a.doctor_id - b.doctor_id);
  const top = q4[0]?.confirmed ?? 0;
  return {
    q1: q4.filter((d) => d.confirmed === top).sort((a, b) => a.doctor_id - b.doctor_id),
    q2: confirmed.filter((a) => idText(a.patientId) === '34').length,
    q3: run.appointments.filter((a) => a.status === 'cancelled' && isoFromDay(a.day) >= '2025-10-21' && isoFromDay(a.day) <= '2025-10-24').length,
    q4,
  };
}

describe('with no database configured, healthtech-etl runs its own PostgreSQL', () => {
  it('starts it in ./.healthtech/postgres of the working folder, loads, and answers from it', async () => {
    const { report } = runs[0] as { report: Report };
    expect(report.database.target).toMatch(new RegExp(`^embedded PostgreSQL \\(${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, port \\d+\\)$`));
    expect(existsSync(path.join(dataDir, 'pgdata', 'PG_VERSION'))).toBe(true);
    expect(report.run_id).toBe(1);
    expect(report.answers).toEqual(await answersFromCleanedTables());
  });

  it('stops the server it started: no postgres process is left on the data folder', async () => {
    const log = await readFile(path.join(cwd, 'logs', 'pipeline.log'), 'utf8');
    const started = [...log.matchAll(/embedded database started port=\d+ pid=(\d+)/g)].map((m) => Number(m[1]));
    const stopped = [...log.matchAll(/embedded database stopped pid=(\d+)/g)].map((m) => Number(m[1]));
    expect(started).toHaveLength(2);
    expect(stopped).toEqual(started);
    for (const pid of started) expect(isAlive(pid), `postmaster ${pid} still runs`).toBe(false);
    expect(processesMentioning(path.join(dataDir, 'pgdata'))).toEqual([]);
    expect(existsSync(path.join(dataDir, 'pgdata', 'postmaster.pid'))).toBe(false);
  });

  it('keeps the data between runs: the second run reuses the cluster and continues the run history', async () => {
    const [one, two] = runs as [(typeof runs)[number], (typeof runs)[number]];
    expect(two.report.run_id).toBe(2);
    expect(two.report.answers).toEqual(one.report.answers);
    expect(one.result.stderr).toMatch(/initialising the embedded database/);
    expect(two.result.stderr).not.toMatch(/initialising the embedded database/);
  });

  it('never shows the generated password of the embedded server', async () => {
    const credentials = JSON.parse(await readFile(path.join(dataDir, 'credentials.json'), 'utf8')) as { password: string };
    expect(credentials.password.length).toBeGreaterThanOrEqual(16);
    const log = await readFile(path.join(cwd, 'logs', 'pipeline.log'), 'utf8');
    for (const { result } of runs) {
      expect(result.stdout).not.toContain(credentials.password);
      expect(result.stderr).not.toContain(credentials.password);
    }
    expect(log).not.toContain(credentials.password);
  });
});
