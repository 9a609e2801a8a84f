/**
 * A reader beside a load: one session of its own that counts the loaded tables every `intervalMs`
 * (one statement, so one snapshot, per read) and records how long each read took and what it saw.
 * The bench uses it to measure how long a reload makes readers wait; the database tests use it to
 * prove every read sees one complete run, old or new, never a mix or a half-filled table.
 */
import pg from 'pg';
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

export class ReaderProbe {
  readonly reads: Read[] = [];
  private running = true;
  private loop: Promise<void> | undefined;
  private readonly started = performance.now();

  private constructor(
    private readonly client: pg.Client,
    private readonly sql: string,
    private readonly intervalMs: number,
  ) {}

  /** Connects and starts reading at once; the tables may not exist yet (then reads record an error). */
  static async start(connection: pg.ClientConfig, schema: string, intervalMs = 20): Promise<ReaderProbe> {
    const client = new pg.Client({ ...connection, application_name: 'healthtech-etl test reader' });
    client.on('error', () => undefined);
    await client.connect();
    const s = quoteIdent(schema);
    const sql = `SELECT (SELECT count(*) FROM ${s}.appointments) AS appointments,
                        (SELECT count(*) FROM ${s}.doctors) AS doctors,
                        (SELECT count(*) FROM ${s}.rejected_rows) AS rejected,
                        (SELECT max(run_id) FROM ${s}.rejected_rows) AS rejected_run_id,
                        (SELECT max(run_id) FROM ${s}.etl_runs WHERE outcome = 'succeeded') AS succeeded_run_id`;
    const probe = new ReaderProbe(client, sql, intervalMs);
    probe.loop = probe.run();
    return probe;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const sent = performance.now();
      try {
        const { rows } = await this.client.query<Record<string, string | null>>(this.sql);
        const row = rows[0] ?? {};
        const id = (value: string | null | undefined) => (value === null || value === undefined ? null : Number(value));
        this.reads.push({
          atMs: sent - this.started,
          ms: performance.now() - sent,
          counts: {
            appointments: Number(row.appointments),
            doctors: Number(row.doctors),
            rejected: Number(row.rejected),
            rejectedRunId: id(row.rejected_run_id),
            succeededRunId: id(row.succeeded_run_id),
          },
          error: null,
        });
      } catch (error) {
        this.reads.push({ atMs: sent - this.started, ms: performance.now() - sent, counts: null, error: (error as Error).message });
      }
      await sleep(this.intervalMs);
    }
  }

  /** Resolves once a read that started after this call has answered: what the tables hold now. */
  async current(): Promise<Read> {
    const after = this.nowMs();
    for (;;) {
      const read = this.reads.find((r) => r.atMs >= after);
      if (read) return read;
      await sleep(5);
    }
  }

  nowMs(): number {
    return performance.now() - this.started;
  }

  async stop(): Promise<ReaderSummary> {
    this.running = false;
    await this.loop;
    await this.client.end().catch(() => undefined);
    return summariseReads(this.reads);
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
