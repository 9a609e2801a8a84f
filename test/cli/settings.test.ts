/**
 * Where the CLI takes its settings from (SPEC §6): flags beat the environment, the environment
 * beats a `.env` file in the working folder; the brief's snake_case flags and kebab-case both
 * work; --help answers without running anything.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { redactUrl } from '../../electron/db/redact';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { closedPort, ensureCliBuilt, killRunningClis, parseSingleJson, removeTempDirs, runCli, RUN_DATE, SAMPLES, tempDir, withPg } from './cliHarness';

interface Report {
  run_id: number;
  database: { target: string; schema: string } | null;
  counts: Record<string, number>;
  run_date: string;
  suspicious_policy: string;
  date_order: { requested: string };
  outputs: Record<string, string>;
}

let db: TestDatabase;
let nowhere: string;

beforeAll(async () => {
  await ensureCliBuilt();
  db = await createTestDatabase(inject('embeddedPgUrl'));
  nowhere = `postgresql://nobody:dotenv-pw@127.0.0.1:${await closedPort()}/nothing`;
});

afterAll(async () => {
  await killRunningClis();
  await db?.drop();
  await removeTempDirs();
});

async function load(options: { flags?: string[]; env?: Record<string, string>; dotenv?: string }): Promise<Report> {
  const cwd = await tempDir('settings');
  if (options.dotenv !== undefined) await writeFile(path.join(cwd, '.env'), options.dotenv);
  const result = await runCli(['--json', '--run-date', RUN_DATE, ...(options.flags ?? [])], { cwd, env: options.env ?? {} });
  expect(result.code, result.stderr).toBe(0);
  return parseSingleJson(result.stdout) as unknown as Report;
}

async function appointmentsIn(schema: string): Promise<number> {
  return withPg(db.url, async (client) => Number((await client.query(`SELECT count(*) AS n FROM "${schema}".appointments`)).rows[0].n));
}

describe('database settings: flag > environment > .env', () => {
  it('DB_URL and DB_SCHEMA from the environment are used', async () => {
    const report = await load({ env: { DB_URL: db.url, DB_SCHEMA: 'from_env_only' } });
    expect(report.database).toEqual({ target: redactUrl(db.url), schema: 'from_env_only' });
    expect(await appointmentsIn('from_env_only')).toBe(report.counts.appointments);
  });

  it('DB_URL and DB_SCHEMA from a .env file in the working folder are used', async () => {
    const report = await load({ dotenv: `# the team's local settings\nDB_URL=${db.url}\nDB_SCHEMA=from_dotenv\n` });
    expect(report.database).toEqual({ target: redactUrl(db.url), schema: 'from_dotenv' });
    expect(await appointmentsIn('from_dotenv')).toBe(report.counts.appointments);
  });

  it('the environment wins over .env', async () => {
    const report = await load({ dotenv: `DB_URL=${nowhere}\nDB_SCHEMA=loser_dotenv\n`, env: { DB_URL: db.url, DB_SCHEMA: 'env_over_dotenv' } });
    expect(report.database).toEqual({ target: redactUrl(db.url), schema: 'env_over_dotenv' });
  });

  it('flags win over the environment and .env', async () => {
    const report = await load({
      dotenv: `DB_URL=${nowhere}\nDB_SCHEMA=loser_dotenv\n`,
      env: { DB_URL: nowhere, DB_SCHEMA: 'loser_env' },
      flags: ['--db-url', db.url, '--schema', 'flag_wins'],
    });
    expect(report.database).toEqual({ target: redactUrl(db.url), schema: 'flag_wins' });
    expect(await appointmentsIn('flag_wins')).toBe(report.counts.appointments);
    const schemas = await withPg(db.url, async (client) => (await client.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'loser_%'`)).rows);
    expect(schemas).toEqual([]);
  });
});

describe('flag spellings', () => {
  it('snake_case and kebab-case flags (and --flag=value) mean the same', async () => {
    const cwd = await tempDir('spellings');
    const snake = ['--doctors_xlsx', SAMPLES.doctors, '--appointments_xlsx', SAMPLES.appointments, '--output_dir', 'out-snake', '--run_date', RUN_DATE, '--date_order', 'mdy', '--quarantine_suspicious', '--dry_run', '--json'];
    const kebab = ['--doctors-xlsx', SAMPLES.doctors, '--appointments-xlsx', SAMPLES.appointments, '--output-dir=out-kebab', `--run-date=${RUN_DATE}`, '--date-order', 'mdy', '--quarantine-suspicious', '--dry-run', '--json'];
    const [a, b] = await Promise.all([runCli(snake, { cwd }), runCli(kebab, { cwd })]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const [ra, rb] = [parseSingleJson(a.stdout) as unknown as Report, parseSingleJson(b.stdout) as unknown as Report];
    for (const [report, dir] of [[ra, 'out-snake'], [rb, 'out-kebab']] as const) {
      expect(report).toMatchObject({ run_date: RUN_DATE, suspicious_policy: 'quarantine', date_order: { requested: 'mdy' }, run_id: null });
      expect(report.outputs.final_appointments).toBe(path.join(cwd, dir, 'final_appointments.csv'));
    }
    expect(rb.counts).toEqual(ra.counts);
    expect(await readFile(path.join(cwd, 'out-kebab', 'final_appointments.csv'), 'utf8')).toBe(await readFile(path.join(cwd, 'out-snake', 'final_appointments.csv'), 'utf8'));
  });

  it('--help and -h print the usage on stdout, exit 0 and run nothing', async () => {
    const cwd = await tempDir('help');
    for (const flag of ['--help', '-h']) {
      const result = await runCli([flag], { cwd });
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^healthtech-etl — /);
      for (const name of ['--doctors_xlsx', '--appointments_xlsx', '--db_url', '--schema', '--dry_run', '--json', '--date_order', '--run_date', 'Exit codes']) {
        expect(result.stdout).toContain(name);
      }
    }
    expect(existsSync(path.join(cwd, 'logs'))).toBe(false);
    expect(existsSync(path.join(cwd, 'output'))).toBe(false);
  });
});
