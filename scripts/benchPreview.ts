/**
 * `npm run bench:preview -- --doctors FILE --appointments FILE [--reruns N] [--json]`
 * (`node --expose-gc dist/node/bench-preview.cjs …` also reports RSS after a full collection)
 *
 * The app's preview at full size, from the main process's side: the same PreviewSession the
 * handlers use (the worker reads and cleans; this process receives the report and serves the
 * pages), driven as an analyst drives it. For each interaction it records the wall time, the
 * longest block of this process's event loop (a 5 ms timer's lateness, and
 * perf_hooks.monitorEventLoopDelay's maximum), and the RSS once settled; then re-runs (date order
 * changed, a run cancelled midway, the first run again) to show whether memory returns to its
 * level. The main process carries every IPC call and window event: the goal is no block over 50 ms.
 * Figures are reported, never asserted on; run it on a quiet machine and give ranges.
 */
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { ParsedRequestOf, PreviewTable } from '../shared/contract';
import { PreviewSession } from '../electron/app/previewSession';
import type { RowsFilter } from '../electron/app/previewRows';
import { silentLogger } from '../electron/etl/logger';
import { setWorkerScript } from '../electron/etl/worker/runInWorker';
import { watchMainLoop } from './bench/watchMainLoop';

interface Figure {
  step: string;
  ms: number;
  /** Longest lateness of a 5 ms timer while the step ran: the event loop's longest block. */
  blockMs: number;
  /** monitorEventLoopDelay's maximum over the step (10 ms resolution). */
  delayMaxMs: number;
  /**
   * The most CPU time the main thread used within one of those gaps between two timer turns: the
   * longest block its own work would cause on an idle machine (a gap much longer than its CPU was
   * the thread waiting for a core the worker or the machine's other load held).
   */
  blockCpuMs: number;
  /**
   * CPU time of the process (every thread) over the step: with no worker running, a block much
   * longer than this share of the wall time was the machine's other load, not this process's work.
   */
  cpuMs: number;
  rssMiB: number;
  /** The highest RSS seen during the step (read every ~50 ms): main process and worker together. */
  peakRssMiB: number;
  detail?: string;
}

/** The event loop's longest block (see watchMainLoop), its delay histogram's maximum, and the peak RSS sampled every 10 ticks. */
function watchBlocks(): { stop(): { blockMs: number; delayMaxMs: number; blockCpuMs: number; peakRssMiB: number } } {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let peakRss = process.memoryUsage.rss();
  let ticks = 0;
  const loop = watchMainLoop(() => {
    if (++ticks % 10 === 0) peakRss = Math.max(peakRss, process.memoryUsage.rss());
  });
  return {
    stop() {
      const block = loop.stop();
      histogram.disable();
      return { ...block, delayMaxMs: Math.round(histogram.max / 1e6), peakRssMiB: Math.round(Math.max(peakRss, process.memoryUsage.rss()) / 1024 ** 2) };
    },
  };
}

const USAGE = `npm run bench:preview -- --doctors FILE --appointments FILE [--reruns N] [--json]

The preview as the app's main process serves it: a run, each tab opened, filters typed letter by
letter, a fast scroll's pages; then N re-runs (date order changed, a run cancelled midway, the
first run again). Per step: wall and CPU time, the event loop's longest block (wall; and the CPU
the main thread used within it, which is what the block would be on an idle machine), RSS after the
step and its peak during it. Run under node --expose-gc for RSS after a full collection.
`;

const rssMiB = () => Math.round(process.memoryUsage().rss / 1024 ** 2);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      doctors: { type: 'string' },
      appointments: { type: 'string' },
      reruns: { type: 'string', default: '1' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!values.doctors || !values.appointments) {
    process.stderr.write('bench:preview: give --doctors FILE and --appointments FILE\n');
    return 2;
  }
  setWorkerScript(path.join(__dirname, 'etl-worker.cjs'));
  const session = new PreviewSession(() => undefined, silentLogger);
  session.allow(values.doctors);
  session.allow(values.appointments);
  const request = (dateOrder: 'auto' | 'mdy' | 'dmy'): ParsedRequestOf<'preview/run'> => ({
    doctors: { path: values.doctors as string },
    appointments: { path: values.appointments as string },
    dateOrder,
    suspiciousPolicy: 'warn',
  });
  const figures: Figure[] = [];
  const measure = async <T>(step: string, work: () => Promise<T>, detail?: (value: T) => string): Promise<T> => {
    const watch = watchBlocks();
    const cpu = process.cpuUsage();
    const start = performance.now();
    const value = await work();
    const ms = Math.round(performance.now() - start);
    const blocks = watch.stop();
    const used = process.cpuUsage(cpu);
    figures.push({ step, ms, ...blocks, cpuMs: Math.round((used.user + used.system) / 1000), rssMiB: rssMiB(), ...(detail ? { detail: detail(value) } : {}) });
    return value;
  };
  /** What IPC does with an answer: serialise it (the bridge as JSON, Electron by structured clone). */
  const page = (previewId: string, table: PreviewTable, offset: number, filter: RowsFilter = {}) =>
    session.rows({ previewId, table, offset, limit: 100, filter }).then((rows) => (JSON.stringify(rows), rows));
  /** RSS 3 s after the step; with --expose-gc also after a full collection (what is still held, not merely uncollected). */
  const settle = async (step: string) => {
    await sleep(3000);
    figures.push({ step: `${step}: settled 3 s later`, ms: 0, blockMs: 0, delayMaxMs: 0, blockCpuMs: 0, cpuMs: 0, rssMiB: rssMiB(), peakRssMiB: rssMiB() });
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc) {
      gc();
      await sleep(500);
      const { heapUsed, external, arrayBuffers } = process.memoryUsage();
      const mib = (n: number) => Math.round(n / 1024 ** 2);
      figures.push({ step: `${step}: after a full GC`, ms: 0, blockMs: 0, delayMaxMs: 0, blockCpuMs: 0, cpuMs: 0, rssMiB: rssMiB(), peakRssMiB: rssMiB(), detail: `heap ${mib(heapUsed)} MiB, external ${mib(external)} MiB (array buffers ${mib(arrayBuffers)})` });
    }
  };

  const interact = async (label: string, dateOrder: 'auto' | 'mdy' | 'dmy') => {
    const summary = await measure(`${label}: preview/run (${dateOrder})`, () => session.run(request(dateOrder)), (s) => `${s.totals.fixes} fixes, ${s.totals.rejected} rejected`);
    const id = summary.previewId;
    for (const table of ['rejected', 'duplicates', 'fixes', 'suspicious', 'placeholders'] as const) {
      await measure(`${label}: open ${table}`, () => page(id, table, 0), (p) => `${p.total} rows`);
    }
    for (const text of ['2', '20', '202', '2025', '/20']) await measure(`${label}: fixes "${text}"`, () => page(id, 'fixes', 0, { text }), (p) => `${p.total}`);
    for (const text of ['d', 'da', 'dat', 'date']) await measure(`${label}: rejected "${text}"`, () => page(id, 'rejected', 0, { text }), (p) => `${p.total}`);
    await measure(`${label}: fixes rule date_text`, () => page(id, 'fixes', 0, { rule: 'date_text' }), (p) => `${p.total}`);
    // A fast wheel: the pages on screen and ahead, deep into the list, one after the other.
    for (const [table, filter] of [
      ['fixes', {}],
      ['fixes', { rule: 'date_text' }],
      ['rejected', {}],
      ['duplicates', {}],
    ] as const) {
      const total = (await page(id, table, 0, filter)).total;
      const times: number[] = [];
      await measure(`${label}: scroll ${table}${filter && 'rule' in filter ? ` ${filter.rule}` : ''}`, async () => {
        for (let k = 0; k < 40; k++) {
          // Each page is its own IPC request: other events run between them (a cached page answers
          // in microtasks, so without this the 40 pages would be one task).
          await new Promise<void>((resolve) => setImmediate(resolve));
          const start = performance.now();
          await page(id, table, Math.floor((total * k) / 40), filter);
          times.push(performance.now() - start);
        }
      }, () => `page answered in ${Math.round(Math.min(...times))}–${Math.round(Math.max(...times))} ms`);
    }
    return summary;
  };

  process.stdout.write(`bench:preview on ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, load average ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}\n`);
  figures.push({ step: 'start', ms: 0, blockMs: 0, delayMaxMs: 0, blockCpuMs: 0, cpuMs: 0, rssMiB: rssMiB(), peakRssMiB: rssMiB() });
  await interact('first', 'auto');
  await settle('first');
  const reruns = Number(values.reruns);
  for (let r = 0; r < reruns; r++) {
    await interact(`rerun ${r + 1}`, 'dmy');
    await settle(`rerun ${r + 1}`);
    // A run cancelled midway, then the first run again.
    const cancelled = session.run(request('auto')).catch((error: unknown) => (error as Error).message);
    await sleep(2500);
    session.cancel();
    await measure(`rerun ${r + 1}: cancel`, () => cancelled, (m) => (typeof m === 'string' ? m : 'the run had finished before the cancel'));
    await interact(`rerun ${r + 1} again`, 'auto');
    await settle(`rerun ${r + 1} again`);
  }
  if (values.json) process.stdout.write(`${JSON.stringify({ loadavg: os.loadavg(), figures })}\n`);
  else {
    for (const f of figures) {
      process.stdout.write(`${f.step.padEnd(44)} ${String(f.ms).padStart(7)} ms (cpu ${String(f.cpuMs).padStart(6)})  block ${String(f.blockMs).padStart(5)} ms (delay max ${String(f.delayMaxMs).padStart(4)}, cpu ${String(f.blockCpuMs).padStart(4)})  rss ${String(f.rssMiB).padStart(5)} MiB (peak ${String(f.peakRssMiB).padStart(5)})  ${f.detail ?? ''}\n`);
    }
    process.stdout.write(`load average at the end ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}\n`);
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
    // The worker pool and timers are done; nothing else keeps running.
  },
  (error: unknown) => {
    process.stderr.write(`bench:preview: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
