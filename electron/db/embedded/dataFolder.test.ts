/**
 * The data folder's start lock, raced by real processes: several Node processes start at the same
 * instant and each takes the lock a number of times, recording in a shared file when it is inside;
 * no two may ever be inside together — also when they all find a lock left by a process that died
 * and race to take it over.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireStartLock, dataFolder } from './dataFolder';

let root: string;
let racer: string;

const RACERS = 6;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'start-lock-'));
  racer = path.join(root, 'racer.cjs');
  // Each racer waits for the start time, then takes the lock `rounds` times. Inside, it creates the
  // marker file exclusively: if it already exists, another racer is inside too.
  await build({
    stdin: {
      contents: `
        import fs from 'node:fs';
        import path from 'node:path';
        import { acquireStartLock, dataFolder } from './dataFolder';
        const [dir, startAt, rounds] = process.argv.slice(2);
        const folder = dataFolder(dir!);
        const inside = path.join(dir!, 'inside');
        const log = (line: string) => fs.appendFileSync(path.join(dir!, 'events.log'), line + '\\n');
        (async () => {
          while (Date.now() < Number(startAt)) await new Promise((r) => setImmediate(r));
          for (let i = 0; i < Number(rounds); i++) {
            const release = await acquireStartLock(folder, 30_000);
            if (!release) { log('timeout ' + process.pid); process.exit(2); }
            try {
              fs.writeFileSync(inside, String(process.pid), { flag: 'wx' });
            } catch {
              log('overlap ' + process.pid + ' with ' + fs.readFileSync(inside, 'utf8'));
              process.exit(3);
            }
            log('in ' + process.pid);
            await new Promise((r) => setTimeout(r, 5));
            fs.rmSync(inside);
            release();
          }
          process.exit(0);
        })();
      `,
      resolveDir: __dirname,
      loader: 'ts',
      sourcefile: 'racer.ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: racer,
    logLevel: 'silent',
  });
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** A PID that certainly belonged to a process that has exited. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

async function race(dir: string, rounds: number): Promise<{ codes: (number | null)[]; events: string[] }> {
  const startAt = Date.now() + 1_500;
  const children = Array.from({ length: RACERS }, () => spawn(process.execPath, [racer, dir, String(startAt), String(rounds)], { stdio: 'ignore' }));
  const codes = await Promise.all(children.map((child) => new Promise<number | null>((resolve) => child.once('exit', resolve))));
  const events = fs.existsSync(path.join(dir, 'events.log')) ? fs.readFileSync(path.join(dir, 'events.log'), 'utf8').trim().split('\n') : [];
  return { codes, events };
}

describe('the start lock', () => {
  it('lets one process in at a time when several race for it', async () => {
    const dir = fs.mkdtempSync(path.join(root, 'free-'));
    const { codes, events } = await race(dir, 5);
    expect(events.filter((e) => !e.startsWith('in '))).toEqual([]);
    expect(codes).toEqual(Array(RACERS).fill(0));
    expect(events).toHaveLength(RACERS * 5);
    expect(fs.existsSync(dataFolder(dir).startLock)).toBe(false);
  }, 120_000);

  it('lets exactly one of them take over a lock left by a dead process, round after round', async () => {
    for (let round = 0; round < 8; round++) {
      const dir = fs.mkdtempSync(path.join(root, `stale-${round}-`));
      // A lock as a crashed instance leaves it: its PID is gone.
      fs.writeFileSync(dataFolder(dir).startLock, `${deadPid()}\n\n`);
      const { codes, events } = await race(dir, 1);
      expect(events.filter((e) => !e.startsWith('in ')), `round ${round}`).toEqual([]);
      expect(codes, `round ${round}`).toEqual(Array(RACERS).fill(0));
    }
  }, 300_000);

  it('never removes a lock taken after the dead one it read: the holder released it and a live process took the name', async () => {
    const dir = fs.mkdtempSync(path.join(root, 'replaced-'));
    const folder = dataFolder(dir);
    fs.writeFileSync(folder.startLock, `${deadPid()}\n\n`);
    const live = `${process.pid}\n\nsomeone-else\n`;
    let replaced = false;
    const release = await acquireStartLock(folder, 300, () => {
      if (replaced) return;
      replaced = true;
      // Between our read and our look at its holder: the lock is released and taken by a live process.
      fs.rmSync(folder.startLock);
      fs.writeFileSync(folder.startLock, live);
    });
    expect(release).toBeUndefined();
    expect(fs.readFileSync(folder.startLock, 'utf8')).toBe(live);
  });

  it('takes over an unreadable lock only once it is old, and releases only its own', async () => {
    const dir = fs.mkdtempSync(path.join(root, 'unreadable-'));
    const folder = dataFolder(dir);
    fs.writeFileSync(folder.startLock, '');
    // Fresh and unreadable: someone may be writing it; wait rather than take it.
    expect(await acquireStartLock(folder, 300)).toBeUndefined();
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(folder.startLock, old, old);
    const release = await acquireStartLock(folder, 1_000);
    expect(release).toBeTypeOf('function');
    // Held by us, live: another attempt in this process waits, then gives up.
    expect(await acquireStartLock(folder, 300)).toBeUndefined();
    release?.();
    expect(fs.existsSync(folder.startLock)).toBe(false);
  });
});
