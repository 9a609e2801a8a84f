import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { runOnSessions, type BuildTask } from './buildSessions';

const session = (name: string) => ({ name }) as unknown as pg.ClientBase;
const nameOf = (client: pg.ClientBase) => (client as unknown as { name: string }).name;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('runOnSessions', () => {
  it('gives each session the next task as soon as it is free, in order', async () => {
    const ran: string[] = [];
    const task = (label: string, ms: number): BuildTask => ({
      label,
      run: async (client) => {
        ran.push(`${label}@${nameOf(client)}`);
        await sleep(ms);
      },
    });
    const done: number[] = [];
    await runOnSessions([session('a'), session('b')], [task('long', 60), task('short1', 10), task('short2', 10), task('short3', 10)], {
      beforeTask: (n) => done.push(n),
      afterTask: () => undefined,
      onFailure: () => undefined,
    });
    // "long" keeps a busy; b takes the rest one after the other.
    expect(ran).toEqual(['long@a', 'short1@b', 'short2@b', 'short3@b']);
    expect(done).toEqual([0, 0, 1, 2]);
  });

  it('after a failure takes no further task, tells which session failed, and throws only once every session is back', async () => {
    const failure = new Error('index build failed');
    let slowEnded = false;
    const failedOn: string[] = [];
    const started: string[] = [];
    const tasks: BuildTask[] = [
      {
        label: 'slow',
        run: async () => {
          started.push('slow');
          await sleep(50);
          slowEnded = true;
        },
      },
      {
        label: 'fails',
        run: async () => {
          started.push('fails');
          await sleep(5);
          throw failure;
        },
      },
      { label: 'never', run: async () => void started.push('never') },
    ];
    const error = await runOnSessions([session('a'), session('b')], tasks, {
      beforeTask: () => undefined,
      afterTask: () => undefined,
      onFailure: (client) => failedOn.push(nameOf(client)),
    }).catch((e: unknown) => e);
    expect(error).toBe(failure);
    expect(failedOn).toEqual(['b']);
    expect(started).toEqual(['slow', 'fails']);
    expect(slowEnded).toBe(true);
  });

  it('a throwing progress callback fails the step like a failed statement', async () => {
    const stop = new Error('cancelled');
    const error = await runOnSessions([session('a')], [{ label: 'x', run: async () => undefined }], {
      beforeTask: () => {
        throw stop;
      },
      afterTask: () => undefined,
      onFailure: () => undefined,
    }).catch((e: unknown) => e);
    expect(error).toBe(stop);
  });
});
