/**
 * Runs the real `healthtech-etl` binary (bin/healthtech-etl.cjs → dist/node/cli.cjs) as a child
 * process, the way a data engineer or a CI job does: its own working folder (so output/, logs/ and
 * .healthtech/ land there), its own environment, exit code, stdout and stderr kept apart.
 *
 * Nothing here sleeps for a fixed time: waits are on process exit, on a line appearing on stderr,
 * or on a condition polled from the database.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, rmdir, stat } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { isProcessAlive } from '../../electron/db/embedded/processes';
import { readZipEntries, repackXlsx } from '../support/zipTools';

export const ROOT = path.resolve(__dirname, '..', '..');
export const BIN = path.join(ROOT, 'bin', 'healthtech-etl.cjs');
export const SAMPLES = {
  doctors: path.join(ROOT, 'samples', 'doctors.xlsx'),
  appointments: path.join(ROOT, 'samples', 'appointments.xlsx'),
};
/** The run date the README's sample answers use; pins rule 9 so counts never depend on today. */
export const RUN_DATE = '2026-11-25';

// ---------------------------------------------------------------------------------------------
// The bundle

// One esbuild call writes the CLI and its worker together, so the CLI's bundle dates the build.
const BUNDLE = path.join(ROOT, 'dist', 'node', 'cli.cjs');
// What the CLI bundle is made of (the Electron app's own folders are not in it).
const SOURCES = ['electron/cli', 'electron/etl', 'electron/db', 'electron/lake', 'shared', 'queries.sql', 'scripts/build-node.mjs', 'package.json'].map((p) => path.join(ROOT, p));

function newestMtime(entry: string): number {
  if (!existsSync(entry)) return 0;
  const info = statSync(entry);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(entry)) {
    if (name === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(path.join(entry, name)));
  }
  return newest;
}

function bundleIsFresh(): boolean {
  if (!existsSync(BUNDLE)) return false;
  const built = statSync(BUNDLE).mtimeMs;
  return SOURCES.every((source) => newestMtime(source) <= built);
}

/**
 * Builds dist/node with scripts/build-node.mjs unless it is newer than every source. Test files run
 * in parallel forks: a lock folder makes one of them build while the others wait, so no CLI is
 * started from a half-written bundle.
 */
export async function ensureCliBuilt(): Promise<void> {
  if (bundleIsFresh()) return;
  const lock = path.join(os.tmpdir(), 'healthtech-cli-tests-build.lock');
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      // Another test file is building; a lock older than a minute belongs to a crashed run.
      const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > 60_000) await rmdir(lock).catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`waited a minute for ${lock}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  try {
    if (!bundleIsFresh()) await promisify(execFile)(process.execPath, ['scripts/build-node.mjs'], { cwd: ROOT });
  } finally {
    await rmdir(lock).catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// Temporary folders

const tempDirs: string[] = [];

/** A fresh folder under the OS temp dir, removed by `removeTempDirs()`. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `healthtech-cli-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

// ---------------------------------------------------------------------------------------------
// Running the binary

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  /** Added to (or, with undefined, removed from) the clean environment. */
  env?: Record<string, string | undefined>;
}

/**
 * The child's environment: ours, minus every setting the CLI reads, so a developer's own DB_URL
 * can never send a test to their database.
 */
export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['DB_URL', 'DB_SCHEMA', 'HEALTHTECH_DATA_DIR', 'TEST_DATABASE_URL', 'NODE_OPTIONS']) delete env[key];
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

const running = new Set<ChildProcess>();

export interface RunningCli {
  child: ChildProcess;
  /** Resolves when a line matching `pattern` has appeared on stderr (rejects if the CLI exits first). */
  waitForStderr(pattern: RegExp): Promise<string>;
  done: Promise<CliResult>;
}

export function startCli(args: readonly string[], options: RunOptions): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: cliEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stdout = '';
  let stderr = '';
  const watchers: { pattern: RegExp; resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  const check = () => {
    for (const watcher of [...watchers]) {
      const line = stderr.split('\n').find((candidate) => watcher.pattern.test(candidate));
      if (line !== undefined) {
        watchers.splice(watchers.indexOf(watcher), 1);
        watcher.resolve(line);
      }
    }
  };
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
    check();
  });
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      running.delete(child);
      for (const watcher of watchers.splice(0)) watcher.reject(new Error(`the CLI exited (code ${code}) before stderr showed ${watcher.pattern}:\n${stderr}`));
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    done,
    waitForStderr: (pattern) =>
      new Promise<string>((resolve, reject) => {
        watchers.push({ pattern, resolve, reject });
        check();
      }),
  };
}

export function runCli(args: readonly string[], options: RunOptions): Promise<CliResult> {
  return startCli(args, options).done;
}

/**
 * Ends CLIs a failed test left running (only the children this file started): SIGTERM first, so a
 * CLI stops the embedded server it started, then SIGKILL for one that does not end in 10 s.
 */
export async function killRunningClis(): Promise<void> {
  await Promise.all(
    [...running].map(async (child) => {
      const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await closed;
      clearTimeout(timer);
    }),
  );
}

/** `--json` promises exactly one JSON object on stdout and nothing else. */
export function parseSingleJson(stdout: string): Record<string, unknown> {
  const lines = stdout.split('\n').filter((line) => line !== '');
  if (lines.length !== 1) throw new Error(`expected exactly one line on stdout, got ${lines.length}:\n${stdout}`);
  const value: unknown = JSON.parse(lines[0] as string);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`stdout is not one JSON object: ${stdout}`);
  return value as Record<string, unknown>;
}

/** Every line of the log: ISO timestamp, level, message. */
export const LOG_LINE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (DEBUG|INFO |WARN |ERROR) \S/;

// ---------------------------------------------------------------------------------------------
// CSV files as Excel would read them

/** Parses RFC 4180 CSV (quotes, doubled quotes, CR/LF inside quoted fields, CRLF rows, a BOM). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.startsWith('\uFEFF') ? 1 : 0;
  for (; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      // end of row: handled by the \n
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export interface CsvTable {
  header: string[];
  rows: Record<string, string>[];
}

export async function readCsv(file: string): Promise<CsvTable> {
  const [header = [], ...body] = parseCsv(await readFile(file, 'utf8'));
  return { header, rows: body.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? '']))) };
}

// ---------------------------------------------------------------------------------------------
// Workbooks written by the tests

/**
 * Writes one sheet with exceljs. A carriage return typed in a cell is stored as `&#13;`, as a
 * spreadsheet must: exceljs writes it raw, and XML parsers turn a raw CR into a line feed.
 */
export async function writeWorkbook(file: string, sheet: string, rows: readonly (readonly unknown[])[]): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  const worksheet = workbook.addWorksheet(sheet);
  for (const row of rows) worksheet.addRow([...row]);
  await workbook.xlsx.writeFile(file);
  const changes: Record<string, string> = {};
  for (const [part, data] of await readZipEntries(file)) {
    if (/^xl\/(sharedStrings|worksheets\/sheet\d+)\.xml$/.test(part) && data.includes(13)) changes[part] = data.toString('utf8').replace(/\r/g, '&#13;');
  }
  if (Object.keys(changes).length > 0) await repackXlsx(file, file, changes);
  return file;
}

// ---------------------------------------------------------------------------------------------
// Databases and processes

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function withPg<T>(url: string, task: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'healthtech-etl cli tests' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await task(client);
  } finally {
    await client.end();
  }
}

/**
 * One fingerprint of what a load writes: the rows of the three tables, in key order (rejected rows
 * without their run id, which changes from load to load). Equal fingerprints mean equal tables.
 */
export async function tablesFingerprint(url: string, schema = 'healthtech'): Promise<string> {
  return withPg(url, async (client) => {
    const { rows } = await client.query<{ fingerprint: string }>(
      `SELECT concat_ws('|',
         (SELECT md5(coalesce(string_agg(d::text, ',' ORDER BY d.doctor_id), '')) FROM "${schema}".doctors d),
         (SELECT md5(coalesce(string_agg(a::text, ',' ORDER BY a.booking_id), '')) FROM "${schema}".appointments a),
         (SELECT md5(coalesce(string_agg((to_jsonb(r) - 'run_id')::text, ',' ORDER BY (to_jsonb(r) - 'run_id')::text), '')) FROM "${schema}".rejected_rows r)) AS fingerprint`,
    );
    return rows[0]?.fingerprint ?? '';
  });
}

/** PIDs of live processes whose command line mentions `text` (e.g. a postmaster's -D folder). */
export function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmdline.includes(text)) pids.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/**
 * Whether the process runs, as the app decides it: a process that has exited but was not yet
 * reaped (a zombie, re-parented once the CLI that spawned it has exited) has stopped.
 */
export function isAlive(pid: number): boolean {
  return isProcessAlive(pid);
}
