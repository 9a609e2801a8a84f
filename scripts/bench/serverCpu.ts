/**
 * CPU time spent by the embedded PostgreSQL (postmaster, its live children and the children it
 * has already reaped), read from /proc. On a 2-core machine the server's COPY work competes with
 * Node for the same cores, so the load's wall time only makes sense next to both CPU figures.
 * Linux only; elsewhere every reading is undefined.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

export interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime, in clock ticks. */
  own: number;
  /** cutime + cstime: children waited for. */
  children: number;
}

/** Parses /proc/<pid>/stat; the command name may hold spaces and parentheses. Pure, for tests. */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const rest = text.slice(close + 2).split(' ');
  const field = (i: number) => Number(rest[i]);
  const stat = { pid, ppid: field(1), own: field(11) + field(12), children: field(13) + field(14) };
  return Object.values(stat).every(Number.isFinite) ? stat : undefined;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The postmaster's PID from a postmaster.pid file (first line). */
export function postmasterPid(pidFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Total CPU milliseconds of the server's process tree so far, or undefined. */
export function serverCpuMs(postmaster: number | undefined): number | undefined {
  if (postmaster === undefined) return undefined;
  const root = readStat(postmaster);
  if (!root) return undefined;
  const children = childrenOf(postmaster);
  if (!children) return undefined;
  let ticks = root.own + root.children;
  for (const stat of children) ticks += stat.own + stat.children;
  return (ticks * 1000) / clockTicks();
}

/** The live children's /proc stats (backends, parallel workers), or undefined without /proc. */
function childrenOf(postmaster: number): ProcStat[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const children: ProcStat[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat && stat.ppid === postmaster) children.push(stat);
  }
  return children;
}

/**
 * Nanoseconds a live process has run, from /proc/<pid>/schedstat (first field), or undefined
 * when the kernel keeps no scheduler statistics. Pure, for tests.
 */
export function parseSchedstat(text: string): number | undefined {
  const ns = Number(text.trim().split(/\s+/)[0]);
  return Number.isFinite(ns) && text.trim() !== '' ? ns : undefined;
}

/**
 * CPU milliseconds of the server's process tree so far at sub-millisecond resolution, for
 * figures of a few dozen milliseconds (a dashboard query) where clock ticks (10 ms) are too
 * coarse: each live process's run time from schedstat, plus the children the postmaster has
 * reaped (parallel workers) in clock ticks. Falls back to serverCpuMs without schedstat.
 */
export function serverRunMs(postmaster: number | undefined): number | undefined {
  if (postmaster === undefined) return undefined;
  const root = readStat(postmaster);
  if (!root) return undefined;
  const ranMs = (pid: number): number | undefined => {
    try {
      const ns = parseSchedstat(readFileSync(`/proc/${pid}/schedstat`, 'utf8'));
      return ns === undefined ? undefined : ns / 1e6;
    } catch {
      return undefined;
    }
  };
  let total = ranMs(postmaster);
  if (total === undefined) return serverCpuMs(postmaster);
  total += (root.children * 1000) / clockTicks();
  const children = childrenOf(postmaster);
  if (!children) return undefined;
  for (const stat of children) {
    // A child that ended between the two reads is counted by neither; its parent reaps it later.
    total += (ranMs(stat.pid) ?? 0) + (stat.children * 1000) / clockTicks();
  }
  return total;
}
