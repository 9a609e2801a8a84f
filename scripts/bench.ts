/**
 * `npm run bench -- --rows N [--seed S] [--runs R] [--keep] [--json] [--data-dir DIR] [--profile]`
 *
 * Measures the real pipeline (prepareRun → loadRun → answerBusinessQuestions) on generated dirty
 * workbooks of N appointment rows, against the embedded PostgreSQL in a data folder of its own
 * (default .healthtech/bench/pg, never the CLI's). Per phase: wall time, rows/s, CPU of Node and of
 * the server, memory peaks; after the prepare step, the heap it retains per appointment row; then
 * every dashboard query under the dashboard's filters on the loaded tables (median of 3). See
 * scripts/bench/ for the parts; BENCH_USAGE for the flags.
 *
 * The same bundle doubles as the generator child process (GENERATE_CHILD_FLAG), so generation
 * never pollutes the pipeline's memory figures.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../electron/db/connection';
import { dataFolder } from '../electron/db/embedded/dataFolder';
import { quoteIdent } from '../electron/db/identifiers';
import { loadRun } from '../electron/db/load';
import { prepareRun } from '../electron/etl/prepareRun';
import type { Logger } from '../electron/etl/logger';
import { BENCH_USAGE, BenchUsageError, parseBenchArgs, type BenchOptions } from './bench/args';
import { timeDashboard } from './bench/dashboard';
import { findGc, MemoryMonitor, nowMs } from './bench/memory';
import { ReaderProbe } from './bench/readerProbe';
import { bundleLocator, Profiler, summariseProfile } from './bench/profile';
import { renderJson, renderText, type BenchReport, type DatabaseFacts, type MachineFacts } from './bench/render';
import { runPipeline, SCHEMA, type RunResult } from './bench/runPipeline';
import { postmasterPid, serverRunMs } from './bench/serverCpu';
import { summarise } from './bench/summary';
import { GENERATE_CHILD_FLAG, obtainWorkbooks, type GenerateRequest, type GenerateResult } from './bench/workbookCache';
import { generateWorkbooks } from './generator/generateWorkbooks';

const PROFILE_INTERVAL_MICROS = 1000;

function stderr(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** The folder holding this project's package.json (npm runs scripts there; be robust anyway). */
function findProjectRoot(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'healthtech-etl') return dir;
    } catch {
      // not here; keep walking up
    }
    if (path.dirname(dir) === dir) return path.resolve(from);
  }
}

async function generateChild(requestText: string | undefined): Promise<void> {
  const request = JSON.parse(requestText ?? '{}') as GenerateRequest;
  const started = nowMs();
  const generated = await generateWorkbooks({ seed: request.seed, appointments: request.rows, outDir: request.outDir });
  const result: GenerateResult = {
    doctorsPath: generated.doctorsPath,
    appointmentsPath: generated.appointmentsPath,
    doctorRows: generated.stats.doctors.rowsBelowHeader,
    appointmentRows: generated.stats.appointments.rowsBelowHeader,
    ms: nowMs() - started,
  };
  await new Promise<void>((resolve, reject) => process.send?.(result, undefined, {}, (error) => (error ? reject(error) : resolve())) ?? resolve());
}

function machineFacts(gc: MachineFacts['gc']): MachineFacts {
  const cpus = os.cpus();
  return {
    platform: os.platform(),
    release: os.release(),
    arch: os.arch(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    totalMemoryBytes: os.totalmem(),
    node: process.version,
    v8: process.versions.v8,
    gc,
  };
}

async function serverFacts(db: Database): Promise<{ version: string; settings: Record<string, string> }> {
  const version = String((await db.pool.query<{ version: string }>('SELECT version() AS version')).rows[0]?.version ?? 'unknown');
  const names = ['shared_buffers', 'max_wal_size', 'synchronous_commit', 'wal_level', 'maintenance_work_mem', 'work_mem'];
  const { rows } = await db.pool.query<{ name: string; setting: string; unit: string | null }>(
    'SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1) ORDER BY name',
    [names],
  );
  return { version, settings: Object.fromEntries(rows.map((r) => [r.name, r.unit ? `${r.setting}${r.unit === '8kB' ? '×8kB' : r.unit}` : r.setting])) };
}

async function bench(options: BenchOptions, signal: AbortSignal): Promise<BenchReport> {
  const projectRoot = findProjectRoot(process.cwd());
  const entryScript = path.resolve(process.argv[1] ?? '');
  const workbooks = await obtainWorkbooks({ cacheDir: options.cacheDir, seed: options.seed, rows: options.rows, projectRoot, entryScript }, stderr);
  stderr(`workbooks ${workbooks.reused ? 'reused from' : 'generated in'} ${workbooks.dir}`);
  // The data set each run reloads over: another seed, so the old and the new tables differ.
  const base = options.reloadOver
    ? await obtainWorkbooks({ cacheDir: options.cacheDir, seed: options.seed + 1, rows: options.reloadOver, projectRoot, entryScript }, stderr)
    : undefined;

  const gcFlag = typeof (globalThis as { gc?: unknown }).gc === 'function';
  const gc = findGc();
  const machine = machineFacts(gc ? (gcFlag ? 'exposed' : 'runtime') : 'unavailable');
  const logger: Logger = { log: (level, message) => (level === 'warn' || level === 'error' ? stderr(`database: ${message}`) : undefined) };

  const { pgdata } = dataFolder(options.dataDir);
  const initialised = !existsSync(path.join(pgdata, 'PG_VERSION'));
  stderr(`starting the bench database in ${options.dataDir} …`);
  const startedAt = nowMs();
  const db = await openDatabase({ embeddedDataDir: options.dataDir }, logger);
  const monitor = new MemoryMonitor();
  let profiler: Profiler | undefined;
  try {
    const startMs = nowMs() - startedAt;
    const server = await serverFacts(db);
    const postmaster = postmasterPid(path.join(pgdata, 'postmaster.pid'));

    const runs: RunResult[] = [];
    if (options.profile) {
      profiler = new Profiler();
      await profiler.start(PROFILE_INTERVAL_MICROS);
    }
    monitor.start();
    for (let index = 1; index <= options.runs; index++) {
      if (signal.aborted) throw new Error('cancelled');
      if (base) {
        // Untimed: put the other data set in place, so the measured load replaces it.
        const previous = await prepareRun({ doctors: { path: base.doctorsPath }, appointments: { path: base.appointmentsPath } });
        await loadRun(db, previous, { schema: SCHEMA, source: 'cli', signal });
        stderr(`run ${index}/${options.runs}: loaded ${previous.appointments.length.toLocaleString('en-US')} appointments to reload over`);
      }
      const run = await runPipeline({
        ...(base ? { reader: () => ReaderProbe.start(db.pool.options, SCHEMA) } : {}),
        index,
        doctorsPath: workbooks.doctorsPath,
        appointmentsPath: workbooks.appointmentsPath,
        db,
        postmaster,
        monitor,
        gc,
        breakdown: index === options.runs,
        signal,
      });
      runs.push(run);
      stderr(`run ${index}/${options.runs}: ${run.phases.map((p) => `${p.name} ${Math.round(p.ms)} ms`).join(', ')}`);
      if (run.reader) {
        const r = run.reader;
        stderr(
          `run ${index}/${options.runs}: reader ${r.summary.reads} reads during the load, wait max ${Math.round(r.summary.maxMs)} ms, p99 ${Math.round(r.summary.p99Ms)} ms, median ${Math.round(r.summary.medianMs)} ms; ` +
            `saw old ${r.old}, new ${r.new}, anything else ${r.partial}${r.wentBack ? ', WENT BACK to old' : ''}; errors ${r.summary.errors}; ` +
            `slowest ${r.slowest.map((s) => `${s.ms} ms (${s.steps})`).join(', ')}`,
        );
      }
    }
    await monitor.stop();
    const profile = await profiler?.stop();
    profiler = undefined;

    let profileReport: BenchReport['profile'];
    if (profile) {
      const dir = path.join(options.cacheDir, 'profiles');
      await mkdir(dir, { recursive: true });
      const file = path.join(dir, `bench-${options.seed}-${options.rows}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
      await writeFile(file, JSON.stringify(profile));
      let mapText: string | undefined;
      try {
        mapText = readFileSync(`${entryScript}.map`, 'utf8');
      } catch {
        mapText = undefined;
      }
      const windows = runs.flatMap((run) => run.phases.map((p) => ({ phase: p.name, start: p.start, end: p.end })));
      profileReport = {
        file: path.relative(process.cwd(), file),
        intervalMicros: PROFILE_INTERVAL_MICROS,
        phases: summariseProfile(profile, windows, bundleLocator(entryScript, mapText, projectRoot)),
      };
    }

    // The dashboard's queries through the functions the handler table calls, on the last run's tables.
    stderr('timing the dashboard queries (3 repeats each) …');
    const dashboardQueries = await timeDashboard(db, SCHEMA, { repeats: 3, ...(postmaster === undefined ? {} : { serverCpu: () => serverRunMs(postmaster) }) });

    if (!options.keep) await db.pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(SCHEMA)} CASCADE`);

    const database: DatabaseFacts = {
      version: server.version,
      dataDir: path.relative(process.cwd(), options.dataDir) || '.',
      startMs,
      initialised,
      settings: server.settings,
      keptTables: options.keep,
    };
    return {
      options: { rows: options.rows, seed: options.seed, runs: options.runs, profile: options.profile, reloadOver: options.reloadOver ?? null },
      machine,
      database,
      workbooks: { ...workbooks, dir: path.relative(process.cwd(), workbooks.dir) || '.' },
      summary: summarise(runs, monitor.samples, monitor.rssSamples()),
      runs,
      profile: profileReport,
      dashboardQueries,
    };
  } finally {
    await monitor.stop().catch(() => undefined);
    await profiler?.stop().catch(() => undefined);
    stderr('stopping the bench database …');
    await db.close();
  }
}

async function main(): Promise<number> {
  // `npm run bench -- --help | head` closes stdout early: that is not a failure.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  const argv = process.argv.slice(2);
  if (argv[0] === GENERATE_CHILD_FLAG) {
    await generateChild(argv[1]);
    return 0;
  }
  let options: BenchOptions;
  try {
    const cliDirs = [path.join('.healthtech', 'postgres'), ...(process.env.HEALTHTECH_DATA_DIR ? [process.env.HEALTHTECH_DATA_DIR] : [])];
    const request = parseBenchArgs(argv, process.cwd(), cliDirs);
    if (request.kind === 'help') {
      process.stdout.write(BENCH_USAGE);
      return 0;
    }
    options = request.options;
  } catch (error) {
    if (error instanceof BenchUsageError) {
      stderr(`bench: ${error.message}\n\n${BENCH_USAGE}`);
      return 2;
    }
    throw error;
  }

  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    stderr('bench: interrupted, cancelling and stopping the database (Ctrl-C again to quit now)');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const report = await bench(options, controller.signal);
    process.stdout.write(options.json ? renderJson(report) : renderText(report));
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (options.json) process.stdout.write(`${JSON.stringify({ ok: false, error: { name: (error as Error)?.name ?? 'Error', message } })}\n`);
    stderr(`bench: ${(error as Error)?.stack ?? message}`);
    return controller.signal.aborted ? 130 : 1;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    stderr(`bench: ${(error as Error)?.stack ?? String(error)}`);
    process.exitCode = 1;
  },
);
