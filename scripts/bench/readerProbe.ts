/**
 * A reader beside a load: one session, in a process of its own, that counts the loaded tables
 * every `intervalMs` (one statement, so one snapshot, per read) and records how long each read
 * took and what it saw.
 * The bench uses it to measure how long a reload makes readers wait; the database tests use it to
 * prove every read sees one complete run, old or new, never a mix or a half-filled table.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type pg from 'pg';
import { quoteIdent } from '../../electron/db/identifiers';

/** What one read saw: the three loaded tables and the run they belong to. */
export interface TableCounts {
  appointments: number;
  doctors: number;
  rejected: number;
  /** The run the rejected rows carry (null when there are none). */
  rejectedRunId: number | null;
  /** The latest succeeded run in etl_runs, read in the same snapshot. */
  succeededRunId: number | null;
}

export interface Read {
  /** Since the probe started. */
  atMs: number;
  /** When it was sent, on the process.hrtime clock (ms), to set beside other timings. */
  sentAt: number;
  /** From sending the statement to its answer: waiting for locks included. */
  ms: number;
  counts: TableCounts | null;
  error: string | null;
}

export interface ReaderSummary {
  reads: number;
  errors: number;
  maxMs: number;
  p99Ms: number;
  medianMs: number;
  /** Each distinct answer, in the order first seen, with how many reads saw it. */
  seen: { counts: TableCounts; reads: number }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The reader's loop, run by a Node process of its own: in the process doing the load, its reads
 * would also wait for that process's own work and garbage collections (a million prepared rows
 * are being encoded there), which is not what a reader elsewhere sees. It prints one JSON line per
 * read, and stops when its stdin closes.
 */
const READER_SCRIPT = `
const pg = require('pg');
const sql = process.env.PROBE_SQL;
const interval = Number(process.env.PROBE_INTERVAL_MS);
let running = true;
process.stdin.on('end', () => { running = false; });
process.stdin.resume();
(async () => {
  const client = new pg.Client(JSON.parse(process.env.PROBE_CONNECTION));
  client.on('error', () => undefined);
  await client.connect();
  process.stdout.write(JSON.stringify({ ready: true }) + '\\n');
  while (running) {
    const sentAt = Number(process.hrtime.bigint()) / 1e6;
    let line;
    try {
      const { rows } = await client.query(sql);
      line = { sentAt, ms: Number(process.hrtime.bigint()) / 1e6 - sentAt, row: rows[0] };
    } catch (error) {
      line = { sentAt, ms: Number(process.hrtime.bigint()) / 1e6 - sentAt, error: String(error.message) };
    }
    process.stdout.write(JSON.stringify(line) + '\\n');
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
  await client.end().catch(() => undefined);
})().catch((error) => { process.stderr.write(String(error.message) + '\\n'); process.exit(1); });
`;

export class ReaderProbe {
  readonly reads: Read[] = [];
  private readonly started = Number(process.hrtime.bigint()) / 1e6;

  private constructor(
    private readonly child: ChildProcess,
    private readonly exited: Promise<void>,
  ) {}

  /**
   * Starts reading at once, from a process of its own (run where `pg` resolves: the project
   * folder). The tables may not exist yet: such reads record an error.
   */
  static async start(connection: pg.ClientConfig, schema: string, intervalMs = 20): Promise<ReaderProbe> {
    const s = quoteIdent(schema);
    const sql = `SELECT (SELECT count(*) FROM ${s}.appointments) AS appointments,
                        (SELECT count(*) FROM ${s}.doctors) AS doctors,
                        (SELECT count(*) FROM ${s}.rejected_rows) AS rejected,
                        (SELECT max(run_id) FROM ${s}.rejected_rows) AS rejected_run_id,
                        (SELECT max(run_id) FROM ${s}.etl_runs WHERE outcome = 'succeeded') AS succeeded_run_id`;
    const config = { ...pick(connection), application_name: 'healthtech-etl test reader' };
    const child = spawn(process.execPath, ['-e', READER_SCRIPT], {
      cwd: projectRoot(),
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, PROBE_SQL: sql, PROBE_INTERVAL_MS: String(intervalMs), PROBE_CONNECTION: JSON.stringify(config) },
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const probe = new ReaderProbe(child, exited);
    let ready: () => void = () => undefined;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    readline.createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
      const line = JSON.parse(text) as { ready?: true; sentAt: number; ms: number; row?: Record<string, string | null>; error?: string };
      if (line.ready) return ready();
      probe.reads.push({ atMs: line.sentAt - probe.started, sentAt: line.sentAt, ms: line.ms, counts: line.row ? toCounts(line.row) : null, error: line.error ?? null });
    });
    await Promise.race([isReady, exited.then(() => Promise.reject(new Error('the reader process stopped before it connected')))]);
    return probe;
  }

  /** Resolves once a read that started after this call has answered: what the tables hold now. */
  async current(): Promise<Read> {
    const after = this.nowMs();
    for (;;) {
      const read = this.reads.find((r) => r.atMs >= after);
      if (read) return read;
      if (this.child.exitCode !== null) throw new Error('the reader process has stopped');
      await sleep(5);
    }
  }

  nowMs(): number {
    return Number(process.hrtime.bigint()) / 1e6 - this.started;
  }

  async stop(): Promise<ReaderSummary> {
    this.child.stdin?.end();
    await this.exited;
    return summariseReads(this.reads);
  }
}

function toCounts(row: Record<string, string | null>): TableCounts {
  const id = (value: string | null | undefined) => (value === null || value === undefined ? null : Number(value));
  return {
    appointments: Number(row.appointments),
    doctors: Number(row.doctors),
    rejected: Number(row.rejected),
    rejectedRunId: id(row.rejected_run_id),
    succeededRunId: id(row.succeeded_run_id),
  };
}

/** The plain connection settings (a pool's options carry functions and objects that do not cross a process). */
function pick(connection: pg.ClientConfig): Record<string, string | number | boolean> {
  const plain: Record<string, string | number | boolean> = {};
  for (const key of ['connectionString', 'host', 'port', 'user', 'password', 'database', 'ssl'] as const) {
    const value = connection[key];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') plain[key] = value;
  }
  return plain;
}

/** The folder whose node_modules holds pg: the reader process resolves it from there. */
function projectRoot(): string {
  for (let dir = path.resolve(__dirname); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'node_modules', 'pg'))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

export function summariseReads(reads: readonly Read[]): ReaderSummary {
  const times = reads.map((r) => r.ms).sort((a, b) => a - b);
  const at = (q: number) => (times.length === 0 ? 0 : (times[Math.min(times.length - 1, Math.floor(q * times.length))] as number));
  const seen: ReaderSummary['seen'] = [];
  for (const read of reads) {
    if (!read.counts) continue;
    const key = JSON.stringify(read.counts);
    const entry = seen.find((s) => JSON.stringify(s.counts) === key);
    if (entry) entry.reads += 1;
    else seen.push({ counts: read.counts, reads: 1 });
  }
  return { reads: reads.length, errors: reads.filter((r) => r.error !== null).length, maxMs: times.at(-1) ?? 0, p99Ms: at(0.99), medianMs: at(0.5), seen };
}

export interface ReloadVerdict {
  /** Reads that saw exactly the tables before the load. */
  old: number;
  /** Reads that saw exactly the tables after it. */
  new: number;
  /** Reads that saw anything else: a half-filled table, or tables from two runs. */
  partial: Read[];
  /** An old answer after a new one (the swap seen undone). */
  wentBack: boolean;
}

/** Sorts the reads of a reload into old, new and anything else (which must never happen). */
export function judgeReads(reads: readonly Read[], before: TableCounts, after: TableCounts): ReloadVerdict {
  const same = (a: TableCounts, b: TableCounts) => JSON.stringify(a) === JSON.stringify(b);
  const verdict: ReloadVerdict = { old: 0, new: 0, partial: [], wentBack: false };
  for (const read of reads) {
    if (!read.counts) continue;
    if (same(read.counts, after)) verdict.new += 1;
    else if (same(read.counts, before)) {
      verdict.old += 1;
      if (verdict.new > 0) verdict.wentBack = true;
    } else verdict.partial.push(read);
  }
  return verdict;
}
