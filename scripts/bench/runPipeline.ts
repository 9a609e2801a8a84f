/**
 * One timed pass of the pipeline, the way the product runs it: prepareRun (read both workbooks,
 * clean), loadRun into the bench database, then the business questions. Records a time window
 * per phase (and per load step) on the process.hrtime clock, so memory samples and CPU-profile
 * samples can be attributed to phases afterwards, plus CPU time of Node and of the server.
 *
 * Forced garbage collections (for the retained-size figure) happen between phases, outside
 * every window and every timing.
 */
import { kpis, leaderboard, segments, specialties, trend } from '../../electron/db/dashboard/aggregates';
import { dashboardContext } from '../../electron/db/dashboard/context';
import { drillPage } from '../../electron/db/dashboard/drill';
import { answeredQuestions } from '../../electron/db/dashboard/questions';
import type { DashboardFilter } from '../../shared/contract';
import { answerBusinessQuestions } from '../../electron/db/businessQuestions';
import type { Database } from '../../electron/db/connection';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadRun, type LoadStep } from '../../electron/db/load';
import { writeDatasetInWorker } from '../../electron/etl/worker/runInWorker';
import { prepareRun, type PreparedRun } from '../../electron/etl/prepareRun';
import type { PreviewReport, RunCounts } from '../../electron/etl/report';
import { judgeReads, type ReaderProbe, type ReaderSummary } from './readerProbe';
import { probePreview, type PreviewAction } from './previewProbe';
import { KernelPeakRss, nowMs, settleHeap, type MemoryMonitor, type MemorySample } from './memory';
import { serverCpuMs } from './serverCpu';

export const SCHEMA = 'healthtech';

export type PhaseName = 'read_doctors' | 'read_appointments' | 'clean' | 'load' | 'answers' | 'export';
export const PHASES: readonly PhaseName[] = ['read_doctors', 'read_appointments', 'clean', 'load', 'answers', 'export'];
export type LoadStepName = 'connect_and_log_run' | LoadStep;
export const LOAD_STEPS: readonly LoadStepName[] = ['connect_and_log_run', 'waiting', 'prepare', 'copy_doctors', 'copy_appointments', 'copy_rejected', 'index', 'verify', 'swap', 'finish'];

export interface PhaseWindow {
  name: PhaseName;
  start: number;
  end: number;
  ms: number;
  /** What rows/s counts for this phase (see ROW_BASIS). */
  rows: number;
  nodeCpuMs: number | undefined;
  serverCpuMs: number | undefined;
  /** Kernel high-water mark of the phase (read and clean: over both reads / the clean step). */
  kernelPeakRss: number | undefined;
}

export const ROW_BASIS: Record<PhaseName, string> = {
  read_doctors: 'doctor rows read',
  read_appointments: 'appointment rows read',
  clean: 'rows read (both files)',
  load: 'rows copied (doctors + appointments + rejected)',
  answers: 'appointments in the table',
  export: 'rows written as Parquet (all four tables)',
};

export interface RetainedHeap {
  /** After a full GC before prepareRun. */
  before: MemorySample;
  /** After a full GC once prepareRun returned, holding its result (what the preview keeps). */
  after: MemorySample;
  /** After a full GC at the end of the run, once the result was let go. */
  released: MemorySample;
  /** after − released: what prepareRun's result holds. The figure that should scale with rows. */
  heldByResult: { heapUsed: number; arrayBuffers: number; external: number };
  /** after − before: also counts code and caches loaded on first use (exceljs, pg), so run 1 is higher. */
  growth: { heapUsed: number; arrayBuffers: number; external: number };
}

export interface RetainedPart {
  part: string;
  heapUsed: number;
  arrayBuffers: number;
}

export interface RunResult {
  index: number;
  phases: PhaseWindow[];
  loadSteps: { name: LoadStepName; start: number; end: number; ms: number }[];
  /** prepareRun's own figures (what the CLI logs). */
  prepareTimings: PreparedRun['timings'];
  retained: RetainedHeap | undefined;
  breakdown: RetainedPart[] | undefined;
  counts: RunCounts;
  /** Fixes by rule and column, with how many distinct before → after pairs the FixLog keeps. */
  fixGroups: { file: string; rule: string; column: string; count: number; distinctPairs: number }[];
  read: { doctors: number; appointments: number };
  runId: number;
  answers: { topDoctors: string; patient34Confirmed: number; cancelledOct21To24: number; doctorsInDistribution: number };
  /** With --reload-over: what a reader counting the tables every 20 ms saw during the load. */
  reader: ReaderResult | undefined;
  /** Wall time of each dashboard query, as the app runs them (goal: each under 200 ms). */
  dashboard: { name: string; ms: number }[];
  /** The preview's lists as the app's main process serves them (goal: no stall over 50 ms). */
  preview: PreviewAction[];
}

export interface ReaderResult {
  summary: ReaderSummary;
  /** Reads that saw the tables as before the load, as after it, and anything else (must be 0). */
  old: number;
  new: number;
  partial: number;
  wentBack: boolean;
  /** The slowest reads, with the load steps they overlapped (where the waiting came from). */
  slowest: { ms: number; steps: string }[];
}

export interface RunContext {
  index: number;
  doctorsPath: string;
  appointmentsPath: string;
  db: Database;
  postmaster: number | undefined;
  monitor: MemoryMonitor;
  gc: (() => void) | undefined;
  /** Measure what each part of the prepared run holds (a few extra full GCs at the end). */
  breakdown: boolean;
  signal?: AbortSignal;
  /** Starts a reader on its own session for the length of the load (--reload-over). */
  reader?: () => Promise<ReaderProbe>;
}

function cpuBetween(from: NodeJS.CpuUsage, to: NodeJS.CpuUsage): number {
  return (to.user - from.user + (to.system - from.system)) / 1000;
}

export async function runPipeline(context: RunContext): Promise<RunResult> {
  const { monitor, gc } = context;
  const peak = new KernelPeakRss();

  const before = gc ? settleHeap(gc) : undefined;
  const { prepared, phases } = await timedPrepare(context, peak);
  const after = gc ? settleHeap(gc) : undefined;
  const preview = await probePreview(prepared);

  // --- load ------------------------------------------------------------------------------------
  const probe = context.reader ? await context.reader() : undefined;
  const beforeLoad = probe ? await probe.current() : undefined;
  const loadSteps: RunResult['loadSteps'] = [];
  peak.reset();
  monitor.sample();
  let step: { name: LoadStepName; start: number } = { name: 'connect_and_log_run', start: nowMs() };
  const loadStart = step.start;
  const loadCpu = process.cpuUsage();
  const loadServer = serverCpuMs(context.postmaster);
  const load = await loadRun(context.db, prepared, {
    schema: SCHEMA,
    source: 'cli',
    ...(context.signal ? { signal: context.signal } : {}),
    onProgress: (progress) => {
      monitor.maybeSample();
      if (progress.step !== step.name) {
        const t = nowMs();
        loadSteps.push({ name: step.name, start: step.start, end: t, ms: t - step.start });
        step = { name: progress.step, start: t };
      }
    },
  });
  const loadEnd = nowMs();
  const loadCpuEnd = process.cpuUsage();
  const loadServerEnd = serverCpuMs(context.postmaster);
  loadSteps.push({ name: step.name, start: step.start, end: loadEnd, ms: loadEnd - step.start });
  let reader: ReaderResult | undefined;
  if (probe && beforeLoad?.counts) {
    const after = await probe.current();
    const summary = await probe.stop();
    const verdict = after.counts ? judgeReads(probe.reads, beforeLoad.counts, after.counts) : undefined;
    const slowest = [...probe.reads]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 3)
      .map((r) => ({
        ms: Math.round(r.ms),
        steps: loadSteps
          .filter((s) => s.start < r.sentAt + r.ms && s.end > r.sentAt)
          .map((s) => s.name)
          .join('+') || 'outside the load',
      }));
    reader = { summary, old: verdict?.old ?? 0, new: verdict?.new ?? 0, partial: verdict?.partial.length ?? summary.reads, wentBack: verdict?.wentBack ?? false, slowest };
  } else await probe?.stop();
  phases.push({
    name: 'load',
    start: loadStart,
    end: loadEnd,
    ms: loadEnd - loadStart,
    rows: load.doctors + load.appointments + load.rejected,
    nodeCpuMs: cpuBetween(loadCpu, loadCpuEnd),
    serverCpuMs: difference(loadServerEnd, loadServer),
    kernelPeakRss: peak.read(),
  });
  monitor.sample();

  // --- answers ---------------------------------------------------------------------------------
  peak.reset();
  monitor.sample();
  const answersStart = nowMs();
  const answersCpu = process.cpuUsage();
  const answersServer = serverCpuMs(context.postmaster);
  const answers = await answerBusinessQuestions(context.db.pool, SCHEMA);
  const answersEnd = nowMs();
  phases.push({
    name: 'answers',
    start: answersStart,
    end: answersEnd,
    ms: answersEnd - answersStart,
    rows: load.appointments,
    nodeCpuMs: cpuBetween(answersCpu, process.cpuUsage()),
    serverCpuMs: difference(serverCpuMs(context.postmaster), answersServer),
    kernelPeakRss: peak.read(),
  });
  monitor.sample();

  // --- export: the loaded run as Parquet, in the ETL worker as the CLI and the app run it -------
  // (the worker is a thread of this process: its CPU time and memory are in these figures).
  peak.reset();
  monitor.sample();
  const lakeDir = await mkdtemp(path.join(os.tmpdir(), 'healthtech-bench-lake-'));
  const exportStart = nowMs();
  const exportCpu = process.cpuUsage();
  const exportServer = serverCpuMs(context.postmaster);
  try {
    const written = await writeDatasetInWorker(context.db.recipe, { schema: SCHEMA, runId: load.runId, dir: lakeDir, locationUrl: null, appVersion: 'bench' });
    const exportEnd = nowMs();
    phases.push({
      name: 'export',
      start: exportStart,
      end: exportEnd,
      ms: exportEnd - exportStart,
      rows: Object.values(written.manifest.tables).reduce((sum, t) => sum + t.rows, 0),
      nodeCpuMs: cpuBetween(exportCpu, process.cpuUsage()),
      serverCpuMs: difference(serverCpuMs(context.postmaster), exportServer),
      kernelPeakRss: peak.read(),
    });
  } finally {
    await rm(lakeDir, { recursive: true, force: true });
  }
  monitor.sample();

  const dashboard = await timeDashboard(context);

  const result: RunResult = {
    index: context.index,
    reader,
    dashboard,
    preview,
    phases,
    loadSteps,
    prepareTimings: prepared.timings,
    retained: undefined,
    breakdown: undefined,
    counts: prepared.report.counts,
    fixGroups: prepared.report.fixGroups.map((g) => ({ file: g.file, rule: g.rule, column: g.column, count: g.count, distinctPairs: g.distinctPairs })),
    read: { doctors: prepared.report.files.doctors.counts.read, appointments: prepared.report.files.appointments.counts.read },
    runId: load.runId,
    answers: {
      topDoctors: answers.q1.map((d) => `${d.doctor_id} (${d.confirmed})`).join(', '),
      patient34Confirmed: answers.q2,
      cancelledOct21To24: answers.q3,
      doctorsInDistribution: answers.q4.length,
    },
  };
  if (gc && before && after) {
    // Let the result go (part by part on the measured run) and see what the heap returns to.
    result.breakdown = context.breakdown ? measureParts(prepared, gc) : undefined;
    if (!context.breakdown) releaseAll(prepared);
    const released = settleHeap(gc);
    const delta = (a: MemorySample, b: MemorySample) => ({ heapUsed: a.heapUsed - b.heapUsed, arrayBuffers: a.arrayBuffers - b.arrayBuffers, external: a.external - b.external });
    result.retained = { before, after, released, heldByResult: delta(after, released), growth: delta(after, before) };
  }
  return result;
}

/** prepareRun with a window per phase: read doctors, read appointments, clean. */
async function timedPrepare(context: RunContext, peak: KernelPeakRss): Promise<{ prepared: PreparedRun; phases: PhaseWindow[] }> {
  const { monitor } = context;
  peak.reset();
  monitor.sample();
  const start = nowMs();
  const startCpu = process.cpuUsage();
  // The doctors file ends with its last progress event; the clean step starts with the first
  // 'clean' event (prepareRun emits it just before cleaning).
  let doctorsDone = { t: start, cpu: startCpu };
  let clean: { t: number; cpu: NodeJS.CpuUsage; readPeakRss: number | undefined } | undefined;
  const prepared = await prepareRun(
    { doctors: { path: context.doctorsPath }, appointments: { path: context.appointmentsPath } },
    {
      ...(context.signal ? { signal: context.signal } : {}),
      onProgress: (progress) => {
        monitor.maybeSample();
        if (progress.phase === 'read' && progress.file === 'doctors') doctorsDone = { t: nowMs(), cpu: process.cpuUsage() };
        if (progress.phase === 'clean' && !clean) {
          clean = { t: nowMs(), cpu: process.cpuUsage(), readPeakRss: peak.read() };
          monitor.sample();
          peak.reset();
        }
      },
    },
  );
  const end = nowMs();
  const endCpu = process.cpuUsage();
  const cleanPeakRss = peak.read();
  monitor.sample();
  const split = clean ?? { t: end, cpu: endCpu, readPeakRss: undefined };
  const files = prepared.report.files;
  const timings = prepared.timings;
  // Windows come from our marks; durations from prepareRun's own timings (what the product logs).
  const phases: PhaseWindow[] = [
    {
      name: 'read_doctors',
      start,
      end: doctorsDone.t,
      ms: timings.readDoctorsMs,
      rows: files.doctors.counts.read,
      nodeCpuMs: cpuBetween(startCpu, doctorsDone.cpu),
      serverCpuMs: undefined,
      kernelPeakRss: undefined,
    },
    {
      name: 'read_appointments',
      start: doctorsDone.t,
      end: split.t,
      ms: timings.readAppointmentsMs,
      rows: files.appointments.counts.read,
      nodeCpuMs: cpuBetween(doctorsDone.cpu, split.cpu),
      serverCpuMs: undefined,
      // The kernel's mark covers both reads; the doctors file is tiny next to the appointments.
      kernelPeakRss: split.readPeakRss,
    },
    {
      name: 'clean',
      start: split.t,
      end,
      ms: timings.cleanMs,
      rows: files.doctors.counts.read + files.appointments.counts.read,
      nodeCpuMs: cpuBetween(split.cpu, endCpu),
      serverCpuMs: undefined,
      kernelPeakRss: cleanPeakRss,
    },
  ];
  return { prepared, phases };
}

function difference(after: number | undefined, before: number | undefined): number | undefined {
  return after === undefined || before === undefined ? undefined : after - before;
}

function releaseAll(prepared: PreparedRun): void {
  const run = prepared as Partial<PreparedRun>;
  run.report = undefined;
  run.fixes = undefined;
  run.appointments = undefined;
  run.doctors = undefined;
}

/**
 * What each part of prepareRun's result holds, by dropping the parts one at a time and collecting
 * in between. The order matters for shared objects (a shared object counts for the last part
 * holding it); rejected rows go first because they are what grows with dirt, not with size.
 */
function measureParts(prepared: PreparedRun, gc: () => void): RetainedPart[] {
  const holder: { run: Partial<PreparedRun> | undefined } = { run: prepared };
  const run = () => holder.run as Partial<PreparedRun>;
  const report = () => run().report as Partial<PreviewReport>;
  const steps: [string, () => void][] = [
    ['report.rejected (rejected rows)', () => (report().rejected = undefined)],
    ['report.suspicious (flagged dates)', () => (report().suspicious = undefined)],
    ['fixes (FixLog)', () => (run().fixes = undefined)],
    ['report (the rest)', () => (run().report = undefined)],
    ['appointments (final rows)', () => (run().appointments = undefined)],
    ['doctors (final rows)', () => (run().doctors = undefined)],
  ];
  const parts: RetainedPart[] = [];
  let last = settleHeap(gc);
  for (const [part, drop] of steps) {
    drop();
    const now = settleHeap(gc);
    parts.push({ part, heapUsed: last.heapUsed - now.heapUsed, arrayBuffers: last.arrayBuffers - now.arrayBuffers });
    last = now;
  }
  holder.run = undefined;
  return parts;
}

/**
 * The dashboard's queries the way the app issues them after a load: the default view (everything
 * loaded), then the last month of the main span, a doctor and a segment filter, and a drill page.
 */
async function timeDashboard(context: RunContext): Promise<{ name: string; ms: number }[]> {
  const db = context.db;
  const timings: { name: string; ms: number }[] = [];
  const time = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const start = nowMs();
    const value = await work();
    timings.push({ name, ms: Math.round(nowMs() - start) });
    return value;
  };
  const ctx = await time('context', () => dashboardContext(db, SCHEMA));
  const range: DashboardFilter = {};
  const lastDay = ctx.denseSpan?.to ?? '2025-10-31';
  const views: [string, DashboardFilter][] = [
    ['default', { ...range }],
    ['month', { from: `${lastDay.slice(0, 7)}-01`, to: lastDay }],
    ['doctor', { ...range, doctorIds: ctx.doctors.slice(0, 1).map((d) => d.doctorId) }],
    ['new patients', { ...range, segment: 'new' }],
  ];
  for (const [label, filter] of views) {
    await time(`kpis (${label})`, () => kpis(db, SCHEMA, filter));
    await time(`leaderboard (${label})`, () => leaderboard(db, SCHEMA, filter, 20));
    await time(`trend (${label})`, () => trend(db, SCHEMA, filter, 'auto'));
    await time(`specialties (${label})`, () => specialties(db, SCHEMA, filter));
    await time(`segments (${label})`, () => segments(db, SCHEMA, filter));
  }
  await time('drill page 1', () => drillPage(db, SCHEMA, { ...range }, 0, 200));
  await time('drill page deep', () => drillPage(db, SCHEMA, { ...range }, 500_000, 200));
  await time('business questions', () => answeredQuestions(db, SCHEMA));
  return timings;
}
