import { describe, expect, it } from 'vitest';
import { judgeReads, summariseReads, type Read, type TableCounts } from './readerProbe';

const counts = (appointments: number, runId: number): TableCounts => ({ appointments, doctors: 10, rejected: 3, rejectedRunId: runId, succeededRunId: runId });
const read = (atMs: number, ms: number, c: TableCounts | null): Read => ({ atMs, sentAt: atMs, ms, counts: c, error: c ? null : 'relation does not exist' });

describe('judgeReads', () => {
  it('sorts reads into the old run, the new run and anything else', () => {
    const old = counts(100, 1);
    const fresh = counts(250, 2);
    const verdict = judgeReads([read(0, 5, old), read(20, 5, old), read(40, 80, fresh), read(60, 5, fresh)], old, fresh);
    expect(verdict).toEqual({ old: 2, new: 2, partial: [], wentBack: false });
  });

  it('calls a half-filled table, or tables of two runs, partial, and notices going back', () => {
    const old = counts(100, 1);
    const fresh = counts(250, 2);
    const half = read(20, 5, counts(120, 2));
    const mixed = read(40, 5, { ...fresh, succeededRunId: 1 });
    const verdict = judgeReads([read(0, 5, old), half, mixed, read(60, 5, fresh), read(80, 5, old)], old, fresh);
    expect(verdict.partial).toEqual([half, mixed]);
    expect(verdict.wentBack).toBe(true);
  });
});

describe('summariseReads', () => {
  it('gives the longest, 99th percentile and median read, and each distinct answer once', () => {
    const a = counts(1, 1);
    const reads = Array.from({ length: 100 }, (_, i) => read(i * 20, i === 99 ? 400 : 10 + (i % 5), a));
    const summary = summariseReads([...reads, read(2000, 3, null)]);
    expect(summary).toMatchObject({ reads: 101, errors: 1, maxMs: 400, medianMs: 12 });
    expect(summary.seen).toEqual([{ counts: a, reads: 100 }]);
  });
});
