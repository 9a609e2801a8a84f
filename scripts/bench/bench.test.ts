import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BenchUsageError, parseBenchArgs, parseCount } from './args';
import { windowMemory, type MemorySample } from './memory';
import { categoryOf, summariseProfile, type CallFrame, type CpuProfile } from './profile';
import { bytes, rate, spreadText } from './render';
import type { PhaseWindow, RunResult } from './runPipeline';
import { renderDashboardTimings } from './dashboard';
import { parseProcStat, parseSchedstat } from './serverCpu';
import { spread, summarise } from './summary';

const CWD = '/project';
const CLI_DIRS = ['.healthtech/postgres'];

describe('parseCount', () => {
  it('reads plain, grouped and suffixed counts', () => {
    expect(parseCount('1000000')).toBe(1_000_000);
    expect(parseCount('1_000_000')).toBe(1_000_000);
    expect(parseCount('1,000,000')).toBe(1_000_000);
    expect(parseCount('100k')).toBe(100_000);
    expect(parseCount('1M')).toBe(1_000_000);
  });
  it('refuses anything else', () => {
    for (const text of ['', '-5', '1.5', '1e6', '10x', '1_00']) expect(parseCount(text)).toBeNull();
  });
});

describe('parseBenchArgs', () => {
  it('applies the defaults', () => {
    const request = parseBenchArgs(['--rows', '10000'], CWD, CLI_DIRS);
    expect(request).toEqual({
      kind: 'run',
      options: {
        rows: 10_000,
        seed: 1,
        runs: 1,
        keep: false,
        json: false,
        profile: false,
        reloadOver: undefined,
        dataDir: path.resolve(CWD, '.healthtech/bench/pg'),
        cacheDir: path.resolve(CWD, '.healthtech/bench'),
      },
    });
  });
  it('reads every flag', () => {
    const request = parseBenchArgs(['--rows', '1m', '--seed', '7', '--runs', '3', '--keep', '--json', '--profile', '--reload-over', '300k', '--data-dir', 'x/pg', '--cache-dir', 'y'], CWD, CLI_DIRS);
    expect(request.kind === 'run' && request.options).toMatchObject({ rows: 1_000_000, seed: 7, runs: 3, keep: true, json: true, profile: true, reloadOver: 300_000, dataDir: '/project/x/pg', cacheDir: '/project/y' });
  });
  it('answers --help', () => {
    expect(parseBenchArgs(['--help'], CWD, CLI_DIRS)).toEqual({ kind: 'help' });
  });
  it('needs --rows, and sane counts', () => {
    expect(() => parseBenchArgs([], CWD, CLI_DIRS)).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(['--rows', '0'], CWD, CLI_DIRS)).toThrow(/--rows/);
    expect(() => parseBenchArgs(['--rows', '10', '--runs', '0'], CWD, CLI_DIRS)).toThrow(/--runs/);
    expect(() => parseBenchArgs(['--rows', '10', '--bogus'], CWD, CLI_DIRS)).toThrow(BenchUsageError);
  });
  it("never points at the CLI's database folder, nor inside or around it", () => {
    for (const dir of ['.healthtech/postgres', '.healthtech/postgres/sub', '.healthtech', '/project/.healthtech/postgres/']) {
      expect(() => parseBenchArgs(['--rows', '10', '--data-dir', dir], CWD, CLI_DIRS)).toThrow(/CLI's database folder/);
    }
    expect(() => parseBenchArgs(['--rows', '10', '--data-dir', '/elsewhere/pg'], CWD, ['/elsewhere/pg'])).toThrow(/CLI's database folder/);
  });
  it('keeps the database out of the workbook cache folders', () => {
    expect(() => parseBenchArgs(['--rows', '10', '--data-dir', '.healthtech/bench/1-10000'], CWD, CLI_DIRS)).toThrow(/collides/);
  });
});

const sample = (t: number, heapUsed: number, rss = 100): MemorySample => ({ t, rss, heapUsed, heapTotal: heapUsed * 2, external: 1, arrayBuffers: 1 });

describe('windowMemory', () => {
  it('takes peaks inside the window only, edges included, and the longest blind stretch', () => {
    const samples = [sample(0, 999), sample(10, 5), sample(20, 7), sample(60, 6), sample(100, 999)];
    const memory = windowMemory(samples, [{ t: 30, rss: 500 }, { t: 200, rss: 9999 }], 10, 70, 300);
    expect(memory.peakHeapUsed).toBe(7);
    expect(memory.peakRss).toBe(500);
    expect(memory.mainSamples).toBe(3);
    expect(memory.maxGapMs).toBe(40);
    expect(windowMemory(samples, [], 10, 70, 800).peakRss).toBe(800);
  });
  it('reports a window without samples as fully blind', () => {
    expect(windowMemory([], [], 0, 250).maxGapMs).toBe(250);
  });
});

describe('parseProcStat', () => {
  it('reads pid, ppid and CPU ticks, whatever the command name holds', () => {
    const fields = ['S', '42', '1', '1', '0', '-1', '4194560', '100', '0', '0', '0', '250', '50', '7', '3'];
    expect(parseProcStat(`1234 (postgres: a) b) ${fields.join(' ')} 20 0 1`)).toEqual({ pid: 1234, ppid: 42, own: 300, children: 10 });
    expect(parseProcStat('garbage')).toBeUndefined();
  });
});

describe('parseSchedstat', () => {
  it('reads the nanoseconds run, or nothing without scheduler statistics', () => {
    expect(parseSchedstat('123456789 2000 31\n')).toBe(123456789);
    expect(parseSchedstat('')).toBeUndefined();
    expect(parseSchedstat('x y z')).toBeUndefined();
  });
});

describe('renderDashboardTimings', () => {
  it('shows the server CPU beside the wall time when it was read', () => {
    const text = renderDashboardTimings([
      { query: 'segments', filter: 'a year', medianMs: 120, minMs: 110, maxMs: 130, serverCpuMs: 125.04 },
      { query: 'kpis', filter: '-', medianMs: 5, minMs: 4, maxMs: 6 },
    ]);
    expect(text).toContain('1 of 2 within');
    expect(text).toContain('server CPU 125.0 ms  > goal');
    expect(text.split('\n')[2]).not.toContain('server CPU');
  });
});

describe('spread', () => {
  it('gives min, median and max', () => {
    expect(spread([3, 1, 2])).toEqual({ min: 1, median: 2, max: 3 });
    expect(spread([4, 1, 3, 2])).toEqual({ min: 1, median: 2.5, max: 4 });
    expect(spread([]).median).toBeNaN();
  });
});

function phase(name: PhaseWindow['name'], start: number, ms: number, rows: number): PhaseWindow {
  return { name, start, end: start + ms, ms, rows, nodeCpuMs: ms, serverCpuMs: name === 'load' ? 2 * ms : undefined, kernelPeakRss: undefined };
}

function run(index: number, scale: number, heldHeap: number): RunResult {
  const before = sample(0, 10);
  return {
    index,
    reader: undefined,
    dashboard: [{ name: 'kpis (default)', ms: 12 * scale }],
    preview: [{ name: 'open fixes', ms: 2 * scale, longestStallMs: 1 * scale, total: 500 }],
    phases: [
      phase('read_doctors', 0, 1 * scale, 10),
      phase('read_appointments', 10, 10 * scale, 1000),
      phase('clean', 200, 2 * scale, 1010),
      phase('load', 300, 5 * scale, 990),
      phase('answers', 400, 1 * scale, 950),
    ],
    loadSteps: [{ name: 'copy_appointments', start: 300, end: 300 + 4 * scale, ms: 4 * scale }],
    prepareTimings: { readDoctorsMs: scale, readAppointmentsMs: 10 * scale, cleanMs: 2 * scale },
    retained: {
      before,
      after: sample(1, 10 + heldHeap),
      released: sample(2, 10),
      heldByResult: { heapUsed: heldHeap, arrayBuffers: 1000, external: 0 },
      growth: { heapUsed: heldHeap + 50, arrayBuffers: 1000, external: 0 },
    },
    breakdown: undefined,
    counts: { doctors: 12, appointments: 950, rejected: 50, duplicates: 5, placeholders: 2, suspicious_dates: 1, fixed: 100 },
    fixGroups: [],
    read: { doctors: 10, appointments: 1000 },
    runId: index,
    answers: { topDoctors: '1 (5)', patient34Confirmed: 1, cancelledOct21To24: 2, doctorsInDistribution: 12 },
  };
}

describe('summarise', () => {
  const summary = summarise([run(1, 3, 200_000), run(2, 1, 100_000), run(3, 2, 150_000)], [sample(15, 77, 300), sample(305, 55, 900)], []);

  it('gives min/median/max per phase and rows/s from the median', () => {
    const read = summary.phases.find((p) => p.name === 'read_appointments');
    expect(read?.ms).toEqual({ min: 10, median: 20, max: 30 });
    expect(read?.rowsPerSecond).toBe(50_000);
    expect(read?.memory.peakHeapUsed).toBe(77);
    expect(summary.phases.find((p) => p.name === 'load')?.serverCpuMs).toEqual({ min: 10, median: 20, max: 30 });
  });
  it('adds a pipeline total over the phases and the overall peaks', () => {
    const total = summary.phases.at(-1);
    expect(total?.name).toBe('pipeline');
    expect(total?.ms).toEqual({ min: 19, median: 38, max: 57 });
    expect(summary.overall.peakRss).toBe(900);
    expect(summary.loadSteps).toEqual([{ name: 'copy_appointments', ms: { min: 4, median: 8, max: 12 } }]);
  });
  it('states the retained bytes per appointment row from what the result holds', () => {
    expect(summary.retained?.heapUsed.median).toBe(150_000);
    expect(summary.retained?.bytesPerAppointmentRow).toBe(151);
    expect(summary.retained?.growthHeapUsed.median).toBe(150_050);
  });
});

describe('profile summary', () => {
  const frame = (functionName: string, url = '', lineNumber = 0): CallFrame => ({ functionName, url, lineNumber, columnNumber: 0 });

  it('groups code by where it lives', () => {
    expect(categoryOf(frame('(garbage collector)'), { file: '', line: 0 })).toBe('GC');
    expect(categoryOf(frame('(idle)'), { file: '', line: 0 })).toMatch(/^idle/);
    expect(categoryOf(frame('parse'), { file: 'node_modules/saxes/saxes.js', line: 1 })).toBe('npm: saxes');
    expect(categoryOf(frame('x'), { file: 'node_modules/@scope/pkg/a.js', line: 1 })).toBe('npm: @scope/pkg');
    expect(categoryOf(frame('read'), { file: 'node:internal/streams/readable', line: 1 })).toBe('node: streams');
    expect(categoryOf(frame('add'), { file: 'electron/etl/fixLog.ts', line: 49 })).toBe('electron/etl/fixLog.ts');
    expect(categoryOf(frame('push'), { file: '', line: 0 })).toBe('V8 builtins/native');
  });

  it('attributes each sample to the phase window it falls in, lasting until the next sample', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)') },
        { id: 2, callFrame: frame('parse', '/p/node_modules/saxes/saxes.js', 9) },
        { id: 3, callFrame: frame('(garbage collector)') },
      ],
      startTime: 1_000_000,
      endTime: 1_006_000,
      samples: [2, 2, 3, 2, 2, 2],
      timeDeltas: [0, 1000, 1000, 1000, 1000, 1000],
    };
    const phases = summariseProfile(
      profile,
      [
        { phase: 'read', start: 1000, end: 1003 },
        { phase: 'load', start: 1003, end: 1006 },
      ],
      (f) => ({ file: f.url.replace('/p/', ''), line: f.lineNumber + 1 }),
    );
    expect(phases.map((p) => [p.phase, p.sampledMs])).toEqual([
      ['read', 3],
      ['load', 2],
    ]);
    expect(phases[0]?.functions[0]).toMatchObject({ name: 'parse', where: 'node_modules/saxes/saxes.js:10', ms: 2 });
    expect(phases[0]?.categories.map((c) => c.name)).toEqual(['npm: saxes', 'GC']);
  });
});

describe('formatting', () => {
  it('prints sizes, rates and spreads', () => {
    expect(bytes(512)).toBe('512 B');
    expect(bytes(1536)).toBe('1.5 KiB');
    expect(bytes(5 * 1024 ** 2)).toBe('5.0 MiB');
    expect(rate(2_500_000)).toBe('2.50 M/s');
    expect(rate(65_000)).toBe('65.0 k/s');
    expect(spreadText({ min: 5, median: 5, max: 5 })).toBe('5');
    expect(spreadText({ min: 1000, median: 1500, max: 2000 })).toBe('1,000 / 1,500 / 2,000');
  });
});
