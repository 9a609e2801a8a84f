/**
 * Running the PostgreSQL programs: their environment, locale, a free port, running initdb or
 * pg_ctl to completion, and signalling a postmaster to stop.
 */
import { execFileSync, spawn, type SpawnOptions } from 'node:child_process';
import net from 'node:net';
import { waitForExit } from './processes';
import type { RunAs } from './systemUser';

export const LOOPBACK = '127.0.0.1';

export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    /* already gone */
  }
}

/**
 * SIGINT is PostgreSQL's "fast" shutdown (what `pg_ctl stop -m fast` sends): roll back sessions,
 * checkpoint, exit after its backends. Only when that takes longer than `timeoutMs`, SIGKILL the
 * postmaster and its process group. True once the postmaster is gone.
 */
export async function stopProcess(pid: number, timeoutMs: number): Promise<boolean> {
  if (pid <= 0) return true;
  signal(pid, 'SIGINT');
  if (await waitForExit(pid, timeoutMs)) return true;
  if (process.platform !== 'win32') signal(-pid, 'SIGKILL');
  signal(pid, 'SIGKILL');
  return waitForExit(pid, 5_000);
}

/** Loopback port the OS says is free right now (it may be taken again before postgres binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function spawnOptions(cwd: string, runAs: RunAs | undefined): SpawnOptions {
  return { cwd, env: serverEnv(), windowsHide: true, ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}) };
}

/**
 * The server's environment: ours without PG* variables (PGDATA, PGPORT, … must not steer it) and
 * with English messages, so server.log is readable and bind failures are recognisable.
 */
export function serverEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(PG|LC_|LANG)/.test(key)) env[key] = value;
  }
  env.LANG = 'C';
  env.LC_MESSAGES = 'C';
  return env;
}

let cachedLocale: string | undefined;

/** `C.UTF-8` when the system has it (most Linux), else `C`, which exists everywhere. */
export function pickLocale(): string {
  if (cachedLocale) return cachedLocale;
  cachedLocale = 'C';
  if (process.platform !== 'win32') {
    try {
      const names = execFileSync('locale', ['-a'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5_000 })
        .split(/\r?\n/)
        .map((name) => name.trim().toLowerCase());
      if (names.includes('c.utf-8') || names.includes('c.utf8')) cachedLocale = 'C.UTF-8';
    } catch {
      /* keep C */
    }
  }
  return cachedLocale;
}

export interface ProgramResult {
  /** undefined on success, else what went wrong ("exit code 1", "timed out after 120 s"). */
  reason: string | undefined;
  output: string;
}

export function runProgram(program: string, args: string[], options: SpawnOptions, timeoutMs: number): Promise<ProgramResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let timedOut = false;
    const child = spawn(program, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer): void => {
      if (size < 256 * 1024) chunks.push(chunk);
      size += chunk.length;
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const finish = (reason: string | undefined): void => {
      clearTimeout(timer);
      resolve({ reason, output: Buffer.concat(chunks).toString('utf8') });
    };
    child.once('error', (error) => finish(`could not run (${(error as NodeJS.ErrnoException).code ?? error.message})`));
    child.once('close', (code, signalName) => {
      if (timedOut) finish(`timed out after ${Math.round(timeoutMs / 1000)} s`);
      else if (code === 0) finish(undefined);
      else finish(signalName ? `was killed by ${signalName}` : `failed with exit code ${code ?? 'unknown'}`);
    });
  });
}

/** Belt and braces: PostgreSQL does not log passwords, but nothing we show may contain ours. */
export function scrub(lines: string[], password: string): string[] {
  return lines.map((line) => line.split(password).join('***'));
}
