/**
 * The bench's outputs: a table for people (stdout) and one JSON object for programs (`--json`).
 * Pure functions of the collected facts.
 */
import { renderDashboardTimings, type DashboardTiming } from './dashboard';
import type { PhaseProfile } from './profile';
import type { RunResult } from './runPipeline';
import type { BenchSummary, PhaseSummary, Spread } from './summary';
import type { CachedWorkbooks } from './workbookCache';

export interface MachineFacts {
  platform: string;
  release: string;
  arch: string;
  cpus: number;
  cpuModel: string;
  totalMemoryBytes: number;
  node: string;
  v8: string;
  /** How the forced GC for retained sizes was obtained. */
  gc: 'exposed' | 'runtime' | 'unavailable';
}

export interface DatabaseFacts {
  version: string;
  dataDir: string;
  startMs: number;
  /** The data folder was new: the start included initdb. */
  initialised: boolean;
  settings: Record<string, string>;
  keptTables: boolean;
}

export interface BenchReport {
  options: { rows: number; seed: number; runs: number; profile: boolean; reloadOver: number | null };
  machine: MachineFacts;
  database: DatabaseFacts;
  workbooks: CachedWorkbooks;
  summary: BenchSummary;
  runs: RunResult[];
  profile: { file: string; intervalMicros: number; phases: PhaseProfile[] } | undefined;
  /** Every dashboard query under the dashboard's filters, over the last run's tables (dashboard.ts). */
  dashboardQueries?: DashboardTiming[];
}

export const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');

export function bytes(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  if (abs < 1024) return `${sign}${abs} B`;
  if (abs < 1024 ** 2) return `${sign}${(abs / 1024).toFixed(1)} KiB`;
  if (abs < 1024 ** 3) return `${sign}${(abs / 1024 ** 2).toFixed(1)} MiB`;
  return `${sign}${(abs / 1024 ** 3).toFixed(2)} GiB`;
}

export function rate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '—';
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k/s`;
  return `${perSecond.toFixed(0)} /s`;
}

export function seconds(ms: number): string {
  return ms < 1000 ? `${int(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** One figure when the runs agree or there is one run, else min / median / max. */
export function spreadText(s: Spread, format: (n: number) => string = int): string {
  if (s.min === s.max) return format(s.median);
  return `${format(s.min)} / ${format(s.median)} / ${format(s.max)}`;
}

const LABEL: Record<PhaseSummary['name'], string> = {
  read_doctors: 'read doctors',
  read_appointments: 'read appointments',
  clean: 'clean',
  load: 'load',
  answers: 'answers',
  export: 'export (Parquet)',
  pipeline: 'pipeline total',
};

function table(header: string[], rows: string[][], alignLeft: number[] = [0]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (alignLeft.includes(i) ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)];
}

export function renderText(report: BenchReport): string {
  const { machine, database, workbooks, summary, options } = report;
  const runsText = options.runs === 1 ? '1 run' : `${options.runs} runs (figures: min / median / max)`;
  const out: string[] = [];
  out.push(`HealthTech ETL bench — ${int(options.rows)} appointment rows, seed ${options.seed}, ${runsText}`);
  out.push('');
  out.push(
    `machine     ${machine.platform} ${machine.release} ${machine.arch} · ${machine.cpus} × ${machine.cpuModel} · ${bytes(machine.totalMemoryBytes)} RAM · ` +
      `Node ${machine.node} (V8 ${machine.v8}) · forced GC ${machine.gc}`,
  );
  out.push(`database    ${database.version}`);
  out.push(
    `            embedded, ${database.dataDir}; server start ${seconds(database.startMs)}${database.initialised ? ' (new folder: includes initdb)' : ''}` +
      (Object.keys(database.settings).length > 0 ? ` · ${Object.entries(database.settings).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''),
  );
  out.push(
    `workbooks   ${workbooks.dir} (${workbooks.reused ? 'cached' : 'generated now'}; generation ${seconds(workbooks.generationMs)}, not part of the pipeline)`,
  );
  out.push(
    `            doctors.xlsx ${bytes(workbooks.doctorsBytes)}, ${int(workbooks.doctorRows)} rows · appointments.xlsx ${bytes(workbooks.appointmentsBytes)}, ${int(workbooks.appointmentRows)} rows`,
  );
  out.push('');

  const rows = summary.phases.map((p) => [
    LABEL[p.name],
    spreadText(p.ms),
    int(p.rows),
    rate(p.rowsPerSecond),
    p.nodeCpuMs ? spreadText(p.nodeCpuMs) : '—',
    p.serverCpuMs ? spreadText(p.serverCpuMs) : '—',
    bytes(p.memory.peakRss),
    bytes(p.memory.peakHeapUsed),
    bytes(p.memory.peakExternal),
    bytes(p.memory.peakArrayBuffers),
    `${p.memory.mainSamples}/${int(p.memory.maxGapMs)}`,
  ]);
  out.push(
    ...table(
      ['phase', 'wall ms', 'rows', 'rows/s', 'node CPU ms', 'pg CPU ms', 'peak RSS', 'peak heap', 'peak ext', 'peak arrbuf', 'heap samples/gap ms'],
      rows,
    ),
  );
  out.push('');
  out.push(`rows/s counts: ${summary.phases.filter((p) => p.name !== 'pipeline').map((p) => `${LABEL[p.name]} = ${p.rowBasis}`).join('; ')}; total = appointment rows read.`);
  out.push(
    'peak RSS: max of main-thread samples, a worker sampling every 50 ms and the kernel high-water mark (VmHWM) per phase. ' +
      'Heap/ext/arrbuf peaks come from main-thread samples only: a synchronous phase is seen at its edges (see samples/gap).',
  );
  out.push('');
  out.push(`load steps  ${summary.loadSteps.map((s) => `${s.name} ${spreadText(s.ms)}`).join(' · ')} (ms)`);
  const readers = report.runs.map((run) => run.reader).filter((r) => r !== undefined);
  if (readers.length > 0) {
    out.push(
      `reader      reloading over ${int(report.options.reloadOver ?? 0)} rows, a session counting the tables every 20 ms waited at most ` +
        `${readers.map((r) => int(r.summary.maxMs)).join(' / ')} ms (p99 ${readers.map((r) => int(r.summary.p99Ms)).join(' / ')} ms, ` +
        `${readers.map((r) => int(r.summary.reads)).join(' / ')} reads per load); saw old ${readers.map((r) => r.old).join(' / ')}, new ${readers.map((r) => r.new).join(' / ')}, ` +
        `anything else ${readers.map((r) => r.partial).join(' / ')}${readers.some((r) => r.wentBack) ? ' — and WENT BACK to the old tables' : ''}. ` +
        'The reader also takes CPU from the load: time loads without --reload-over.',
    );
  }
  out.push('');

  const retained = summary.retained;
  if (retained) {
    out.push(
      `retained    held by prepareRun's result after a full GC (what the preview keeps): heap ${bytes(retained.heapUsed.median)} + array buffers ${bytes(retained.arrayBuffers.median)}` +
        ` → ${retained.bytesPerAppointmentRow.toFixed(1)} bytes per appointment row (heap alone ${retained.heapBytesPerAppointmentRow.toFixed(1)})`,
    );
    out.push(
      `            heap growth over the pre-prepare baseline ${spreadText(retained.growthHeapUsed, bytes)} (adds code loaded on first use); baseline heap ${bytes(retained.baselineHeapUsed)}`,
    );
    const breakdown = report.runs.at(-1)?.breakdown;
    if (breakdown) {
      const perRow = (n: number) => (n / (report.runs.at(-1)?.read.appointments || 1)).toFixed(1);
      out.push(
        `            by part: ${breakdown
          .filter((p) => Math.abs(p.heapUsed) + Math.abs(p.arrayBuffers) >= 1024)
          .map((p) => `${p.part} ${bytes(p.heapUsed + p.arrayBuffers)} (${perRow(p.heapUsed + p.arrayBuffers)} B/row)`)
          .join(' · ')}`,
      );
    }
  } else {
    out.push('retained    not measured (no way to force a GC in this Node)');
  }
  out.push(
    `overall     peak RSS ${bytes(summary.overall.peakRss)} · peak heap ${bytes(summary.overall.peakHeapUsed)} · peak external ${bytes(summary.overall.peakExternal)} · peak array buffers ${bytes(summary.overall.peakArrayBuffers)} (Node process; PostgreSQL runs in its own processes)`,
  );
  const last = report.runs.at(-1);
  if (last) {
    const c = last.counts;
    out.push(
      `counts      appointments ${int(c.appointments)} kept of ${int(last.read.appointments)} read · doctors ${int(c.doctors)} (${int(c.placeholders)} placeholders) · ` +
        `rejected ${int(c.rejected)} (${int(c.duplicates)} duplicates) · fixed ${int(c.fixed)} · suspicious ${int(c.suspicious_dates)}`,
    );
    const groups = [...last.fixGroups].sort((a, b) => b.count - a.count);
    out.push(
      `fixes       ${groups.map((g) => `${g.file === 'doctors' ? 'doctors.' : ''}${g.column}/${g.rule} ${int(g.count)} (${int(g.distinctPairs)} distinct)`).join(' · ')}`,
    );
    out.push(
      `answers     top doctor ${last.answers.topDoctors} · patient 34 confirmed ${last.answers.patient34Confirmed} · cancelled 2025-10-21..24 ${last.answers.cancelledOct21To24} · ${last.answers.doctorsInDistribution} doctors in the distribution`,
      `dashboard   ${last.dashboard.map((q) => `${q.name} ${q.ms}${q.ms > 200 ? '!' : ''}`).join(' · ')} (ms; ! over 200 ms)`,
      `preview     ${last.preview.map((a) => `${a.name} ${a.ms}/${a.longestStallMs}${a.longestStallMs > 50 ? '!' : ''}`).join(' · ')} (ms: wall/longest event-loop stall; ! over 50 ms)`,
    );
  }

  if (report.dashboardQueries) {
    out.push('');
    out.push(renderDashboardTimings(report.dashboardQueries));
  }

  if (report.profile) {
    out.push('');
    out.push(`CPU profile ${report.profile.file} (sampled every ${report.profile.intervalMicros} µs; self time, all runs)`);
    for (const phase of report.profile.phases) {
      out.push('');
      out.push(`  ${LABEL[phase.phase as PhaseSummary['name']] ?? phase.phase} — ${int(phase.sampledMs)} ms sampled`);
      out.push(`    by where: ${phase.categories.slice(0, 8).map((c) => `${c.name} ${(c.share * 100).toFixed(1)}%`).join(' · ')}`);
      for (const hot of phase.functions.slice(0, 10)) {
        out.push(`    ${(hot.share * 100).toFixed(1).padStart(5)}%  ${int(hot.ms).padStart(7)} ms  ${hot.name}${hot.where ? `  ${hot.where}` : ''}`);
      }
    }
  }
  return `${out.join('\n')}\n`;
}

export function renderJson(report: BenchReport): string {
  return `${JSON.stringify({ ok: true, ...report })}\n`;
}
