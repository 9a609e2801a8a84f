/**
 * Small questions about operating-system processes: is this PID alive, is it the postmaster of
 * this data folder, wait until it is gone. Linux answers from /proc; elsewhere callers fall back
 * to asking the server itself over the network.
 */
import fs from 'node:fs';
import path from 'node:path';

const hasProc = process.platform === 'linux' && fs.existsSync('/proc/self/stat');

/** Fields of /proc/<pid>/stat after the command name, which may itself contain spaces or ')'. */
function procStatFields(pid: number): string[] | undefined {
  if (!hasProc) return undefined;
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * True when a process with this PID exists and is not a zombie. A postmaster whose parent died is
 * re-parented to PID 1, which in containers does not always reap it, so a dead server can linger
 * as a zombie that `kill(pid, 0)` still reports.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return procStatFields(pid)?.[0] !== 'Z';
}

/** Start time of the process (clock ticks since boot, Linux only), to tell a PID from a reused one. */
export function processStartTime(pid: number): string | undefined {
  return procStatFields(pid)?.[19];
}

/**
 * Whether the process is a PostgreSQL server working in `pgdata`: its command line names the
 * folder, or its working directory is the folder (the postmaster and its children chdir into it).
 * `undefined` when this platform cannot tell (no /proc).
 */
export function runsOnDataDir(pid: number, pgdata: string): boolean | undefined {
  if (!hasProc) return undefined;
  try {
    const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const program = path.basename(args[0] ?? '');
    if (!program.startsWith('postgres')) return false;
    if (args.includes(pgdata)) return true;
  } catch {
    return false;
  }
  try {
    return fs.realpathSync(`/proc/${pid}/cwd`) === pgdata;
  } catch {
    return false;
  }
}

/** PIDs of every process (postmaster and backends) whose working directory is `pgdata`. Linux only. */
export function clusterProcesses(pgdata: string): number[] {
  if (!hasProc) return [];
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readlinkSync(`/proc/${entry}/cwd`) === pgdata && isProcessAlive(Number(entry))) pids.push(Number(entry));
    } catch {
      /* gone, or not ours to look at */
    }
  }
  return pids;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves true once the PID is gone, false when `timeoutMs` passed first. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}
