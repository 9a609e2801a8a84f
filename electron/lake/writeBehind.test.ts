import { describe, expect, it } from 'vitest';
import { WriteBehind } from './writeBehind';

/** A job that finishes when told to. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('WriteBehind', () => {
  it('lets at most `limit` jobs run, and makes room as they finish', async () => {
    const behind = new WriteBehind(2);
    const jobs = [deferred(), deferred()];
    for (const job of jobs) {
      await behind.room();
      behind.track(job.promise);
    }
    let roomGiven = false;
    const waiting = behind.room().then(() => {
      roomGiven = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(roomGiven).toBe(false);
    jobs[0]?.resolve();
    await waiting;
    expect(roomGiven).toBe(true);
    jobs[1]?.resolve();
    await behind.drain();
  });

  it('keeps the first failure and throws it at the next room() and at drain(), never as an unhandled rejection', async () => {
    const behind = new WriteBehind(4);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const first = deferred();
      const second = deferred();
      behind.track(first.promise);
      behind.track(second.promise);
      first.reject(new Error('ENOSPC: the disk is full'));
      second.reject(new Error('a later failure'));
      await expect(behind.drain()).rejects.toThrow('ENOSPC: the disk is full');
      await expect(behind.room()).rejects.toThrow('ENOSPC: the disk is full');
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('drains nothing at once', async () => {
    await expect(new WriteBehind().drain()).resolves.toBeUndefined();
  });
});
