/**
 * Turns the runs' raw windows and samples into the figures the bench prints: min/median/max per
 * phase over the runs, rows/s, peaks of memory per phase and overall, and the retained heap per
 * appointment row. Pure (no clock, no process), so it is unit-tested.
 */
import { windowMemory, type MemorySample, type RssSample, type WindowMemory } from './memory';
import { LOAD_STEPS, PHASES, ROW_BASIS, type LoadStepName, type PhaseName, type RunResult } from './runPipeline';

export interface Spread {
  min: number;
  median: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { min: Number.NaN, median: Number.NaN, max: Number.NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { min: sorted[0] as number, median, max: sorted[sorted.length - 1] as number };
}

function defined(values: (number | undefined)[]): number[] {
  return values.filter((v): v is number => v !== undefined);
}

export interface PhaseSummary {
  name: PhaseName | 'pipeline';
  ms: Spread;
  rows: number;
  rowBasis: string;
  /** rows / median seconds. */
  rowsPerSecond: number;
  nodeCpuMs: Spread | undefined;
  serverCpuMs: Spread | undefined;
  /** Peaks over all runs. */
  memory: WindowMemory;
}

export interface RetainedSummary {
  /** Held by prepareRun's result after a full GC (heap, array buffers), median over runs. */
  heapUsed: Spread;
  arrayBuffers: Spread;
  external: Spread;
  /** (heapUsed + arrayBuffers) held by the result, per appointment row read. */
  bytesPerAppointmentRow: number;
  heapBytesPerAppointmentRow: number;
  /** Heap growth over the pre-prepare baseline (includes code loaded on first use). */
  growthHeapUsed: Spread;
  baselineHeapUsed: number;
}

export interface BenchSummary {
  phases: PhaseSummary[];
  loadSteps: { name: LoadStepName; ms: Spread }[];
  retained: RetainedSummary | undefined;
  /** Peak over every pipeline window of every run. */
  overall: { peakRss: number; peakHeapUsed: number; peakExternal: number; peakArrayBuffers: number };
}

export function summarise(runs: readonly RunResult[], samples: readonly MemorySample[], rss: readonly RssSample[]): BenchSummary {
  const phases: PhaseSummary[] = PHASES.map((name) => {
    const windows = runs.map((run) => run.phases.find((p) => p.name === name)).filter((p) => p !== undefined);
    const ms = spread(windows.map((w) => w.ms));
    const rows = windows[0]?.rows ?? 0;
    const memories = windows.map((w) => windowMemory(samples, rss, w.start, w.end, w.kernelPeakRss));
    const nodeCpu = defined(windows.map((w) => w.nodeCpuMs));
    const serverCpu = defined(windows.map((w) => w.serverCpuMs));
    return {
      name,
      ms,
      rows,
      rowBasis: ROW_BASIS[name],
      rowsPerSecond: ms.median > 0 ? rows / (ms.median / 1000) : Number.POSITIVE_INFINITY,
      nodeCpuMs: nodeCpu.length > 0 ? spread(nodeCpu) : undefined,
      serverCpuMs: serverCpu.length > 0 ? spread(serverCpu) : undefined,
      memory: combine(memories),
    };
  });

  // The pipeline total stays read → answers (comparable across versions); the export is its own line.
  const inPipeline = (p: { name: PhaseName }) => p.name !== 'export';
  const totals = runs.map((run) => run.phases.filter(inPipeline).reduce((sum, p) => sum + p.ms, 0));
  const appointmentRows = runs[0]?.read.appointments ?? 0;
  const totalMs = spread(totals);
  const pipelineCpu = runs.map((run) => run.phases.filter(inPipeline).reduce((sum, p) => sum + (p.nodeCpuMs ?? 0), 0));
  const pipelineServer = runs.map((run) => run.phases.filter(inPipeline).reduce((sum, p) => sum + (p.serverCpuMs ?? 0), 0));
  const overallMemory = combine(phases.filter((p) => p.name !== 'export').map((p) => p.memory));
  phases.push({
    name: 'pipeline',
    ms: totalMs,
    rows: appointmentRows,
    rowBasis: 'appointment rows read',
    rowsPerSecond: totalMs.median > 0 ? appointmentRows / (totalMs.median / 1000) : Number.POSITIVE_INFINITY,
    nodeCpuMs: spread(pipelineCpu),
    serverCpuMs: spread(pipelineServer),
    memory: overallMemory,
  });

  const loadSteps = LOAD_STEPS.map((name) => ({
    name,
    ms: spread(runs.flatMap((run) => run.loadSteps.filter((s) => s.name === name).map((s) => s.ms))),
  })).filter((step) => !Number.isNaN(step.ms.median));

  const retainedRuns = runs.map((run) => run.retained).filter((r) => r !== undefined);
  let retained: RetainedSummary | undefined;
  if (retainedRuns.length > 0 && appointmentRows > 0) {
    const heap = spread(retainedRuns.map((r) => r.heldByResult.heapUsed));
    const buffers = spread(retainedRuns.map((r) => r.heldByResult.arrayBuffers));
    retained = {
      heapUsed: heap,
      arrayBuffers: buffers,
      external: spread(retainedRuns.map((r) => r.heldByResult.external)),
      bytesPerAppointmentRow: (heap.median + buffers.median) / appointmentRows,
      heapBytesPerAppointmentRow: heap.median / appointmentRows,
      growthHeapUsed: spread(retainedRuns.map((r) => r.growth.heapUsed)),
      baselineHeapUsed: spread(retainedRuns.map((r) => r.before.heapUsed)).median,
    };
  }

  return {
    phases,
    loadSteps,
    retained,
    overall: {
      peakRss: overallMemory.peakRss,
      peakHeapUsed: overallMemory.peakHeapUsed,
      peakExternal: overallMemory.peakExternal,
      peakArrayBuffers: overallMemory.peakArrayBuffers,
    },
  };
}

function combine(memories: readonly WindowMemory[]): WindowMemory {
  const max = (pick: (m: WindowMemory) => number) => memories.reduce((a, m) => Math.max(a, pick(m)), 0);
  return {
    peakHeapUsed: max((m) => m.peakHeapUsed),
    peakHeapTotal: max((m) => m.peakHeapTotal),
    peakExternal: max((m) => m.peakExternal),
    peakArrayBuffers: max((m) => m.peakArrayBuffers),
    peakRss: max((m) => m.peakRss),
    mainSamples: memories.reduce((a, m) => a + m.mainSamples, 0),
    maxGapMs: max((m) => m.maxGapMs),
    rssSamples: memories.reduce((a, m) => a + m.rssSamples, 0),
  };
}
