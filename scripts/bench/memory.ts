/**
 * Memory of the bench process while the pipeline runs, three ways, because each alone misleads:
 *
 * 1. Main-thread samples of process.memoryUsage() (rss, heapUsed, heapTotal, external,
 *    arrayBuffers) every ~50 ms, plus throttled samples from the pipeline's own progress hooks.
 *    Timers cannot fire while the thread runs synchronous work (the clean step is one long
 *    synchronous pass), so heap figures of such a phase come only from its edges; `maxGapMs`
 *    says how blind the sampler was.
 * 2. A worker thread sampling rss every ~50 ms into shared memory: rss is process-wide, and the
 *    worker keeps sampling while the main thread is busy. (heapUsed is per isolate: a worker
 *    cannot see the main heap.)
 * 3. The kernel's exact high-water mark (VmHWM, reset through /proc/self/clear_refs) per phase,
 *    on Linux.
 *
 * All timestamps are process.hrtime in milliseconds: the same monotonic clock in every thread, and
 * the clock of V8's CPU profiles (which count in microseconds).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export interface MemorySample {
  t: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

export interface RssSample {
  t: number;
  rss: number;
}

export function sampleNow(): MemorySample {
  const usage = process.memoryUsage();
  return { t: nowMs(), rss: usage.rss, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external, arrayBuffers: usage.arrayBuffers };
}

const SAMPLE_INTERVAL_MS = 50;
/** Room for ~2.3 hours of worker samples at 50 ms. */
const RSS_CAPACITY = 170_000;

// Runs in the worker. Plain CommonJS text: the bench is one bundle and cannot ship a second file.
const RSS_WORKER = `
const { workerData } = require('node:worker_threads');
const samples = new Float64Array(workerData.samples);
const count = new Int32Array(workerData.count);
const capacity = samples.length / 2;
const tick = () => {
  const i = Atomics.load(count, 0);
  if (i >= capacity) return;
  samples[2 * i] = Number(process.hrtime.bigint()) / 1e6;
  samples[2 * i + 1] = process.memoryUsage.rss();
  Atomics.store(count, 0, i + 1);
};
tick();
setInterval(tick, workerData.intervalMs);
`;

export class MemoryMonitor {
  readonly samples: MemorySample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private worker: Worker | undefined;
  private readonly rssBuffer = new SharedArrayBuffer(RSS_CAPACITY * 2 * Float64Array.BYTES_PER_ELEMENT);
  private readonly rssCount = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  private lastSample = 0;

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
    this.timer.unref();
    this.worker = new Worker(RSS_WORKER, {
      eval: true,
      workerData: { samples: this.rssBuffer, count: this.rssCount, intervalMs: SAMPLE_INTERVAL_MS },
      // Its own heap stays small; cap it so a bug there cannot distort the figures.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    });
    this.worker.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.worker?.terminate();
    this.worker = undefined;
  }

  sample(): MemorySample {
    const sample = sampleNow();
    this.samples.push(sample);
    this.lastSample = sample.t;
    return sample;
  }

  /** For progress hooks that fire often: samples when the last one is ≥ 50 ms old. */
  maybeSample(): void {
    if (nowMs() - this.lastSample >= SAMPLE_INTERVAL_MS) this.sample();
  }

  rssSamples(): RssSample[] {
    const count = Atomics.load(new Int32Array(this.rssCount), 0);
    const view = new Float64Array(this.rssBuffer);
    const out: RssSample[] = [];
    for (let i = 0; i < count; i++) out.push({ t: view[2 * i] as number, rss: view[2 * i + 1] as number });
    return out;
  }
}

export interface WindowMemory {
  /** Max over main-thread samples in the window (edges included). */
  peakHeapUsed: number;
  peakHeapTotal: number;
  peakExternal: number;
  peakArrayBuffers: number;
  /** Max of main samples, worker samples and the kernel's mark when known. */
  peakRss: number;
  /** Main-thread samples in the window, and the longest stretch without one. */
  mainSamples: number;
  maxGapMs: number;
  rssSamples: number;
}

/** Peaks of the samples that fall in [start, end]. Pure, for tests. */
export function windowMemory(samples: readonly MemorySample[], rss: readonly RssSample[], start: number, end: number, exactPeakRss?: number): WindowMemory {
  const inside = samples.filter((s) => s.t >= start && s.t <= end);
  const rssInside = rss.filter((s) => s.t >= start && s.t <= end);
  let gap = 0;
  let previous = start;
  for (const s of inside) {
    gap = Math.max(gap, s.t - previous);
    previous = s.t;
  }
  gap = Math.max(gap, end - previous);
  const max = (values: number[]) => values.reduce((a, b) => Math.max(a, b), 0);
  return {
    peakHeapUsed: max(inside.map((s) => s.heapUsed)),
    peakHeapTotal: max(inside.map((s) => s.heapTotal)),
    peakExternal: max(inside.map((s) => s.external)),
    peakArrayBuffers: max(inside.map((s) => s.arrayBuffers)),
    peakRss: Math.max(max(inside.map((s) => s.rss)), max(rssInside.map((s) => s.rss)), exactPeakRss ?? 0),
    mainSamples: inside.length,
    maxGapMs: gap,
    rssSamples: rssInside.length,
  };
}

/**
 * The kernel's peak resident set size since the last reset (Linux). `reset()` returns false where
 * that is not possible; `read()` then returns undefined.
 */
export class KernelPeakRss {
  private available = true;

  reset(): boolean {
    if (!this.available) return false;
    try {
      // "5" resets only the peak-RSS counter (VmHWM) to the current RSS.
      writeFileSync('/proc/self/clear_refs', '5');
      return true;
    } catch {
      this.available = false;
      return false;
    }
  }

  read(): number | undefined {
    if (!this.available) return undefined;
    try {
      const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
      return match ? Number(match[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }
}

type GcFunction = () => void;

/**
 * A full, synchronous garbage collection. Uses `global.gc` when node runs with --expose-gc;
 * otherwise exposes it at run time (the V8 flag, then a fresh context picks up `gc`). Returns
 * undefined when neither works, and the retained-size figures are then left out.
 */
export function findGc(): GcFunction | undefined {
  const global = globalThis as { gc?: GcFunction };
  if (typeof global.gc === 'function') return global.gc;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as GcFunction) : undefined;
  } catch {
    return undefined;
  }
}

/** Collects until the heap stops shrinking (weak references and finalizers can need a second pass). */
export function settleHeap(gc: GcFunction): MemorySample {
  let last = Number.POSITIVE_INFINITY;
  for (let pass = 0; pass < 4; pass++) {
    gc();
    const used = process.memoryUsage().heapUsed;
    if (used >= last - 64 * 1024) break;
    last = used;
  }
  return sampleNow();
}
