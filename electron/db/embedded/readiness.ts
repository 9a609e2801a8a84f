/**
 * Is the server up? Decided by connecting like any client and asking which data folder it
 * serves, not by matching log text; a server of ours that exits meanwhile ends the wait at once.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import pg from '../pgModule';
import type { Credentials } from './dataFolder';
import { isProcessAlive, sleep } from './processes';
import { LOOPBACK } from './programs';

export interface ExitWatch {
  exited: boolean;
  /** Resolves when the process exits or fails to spawn. */
  done: Promise<void>;
  describe(): string;
}

export function watchExit(child: ChildProcess): ExitWatch {
  let reason = 'it exited';
  const watch: ExitWatch = { exited: false, done: Promise.resolve(), describe: () => reason };
  watch.done = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      reason = signal ? `killed by ${signal}` : `exit code ${code ?? 'unknown'}`;
      watch.exited = true;
      resolve();
    });
    child.once('error', (error) => {
      reason = `could not run it: ${(error as NodeJS.ErrnoException).code ?? error.message}`;
      watch.exited = true;
      resolve();
    });
  });
  return watch;
}

export interface ReadyTarget {
  pid: number;
  /** Our own child, when we spawned it; otherwise liveness is read from the PID. */
  child: ExitWatch | undefined;
  port: number;
  credentials: Credentials;
  pgdata: string;
  deadline: number;
}

export type ReadyOutcome = 'ready' | 'exited' | 'timeout' | 'auth_failed';

export async function waitUntilReady(target: ReadyTarget): Promise<ReadyOutcome> {
  const gone = (): boolean => (target.child ? target.child.exited : !isProcessAlive(target.pid));
  for (;;) {
    if (gone()) return 'exited';
    const remaining = target.deadline - Date.now();
    if (remaining <= 0) return 'timeout';
    // Our own server exiting (e.g. port taken) ends the wait at once, not after the probe's timeout.
    const exited = target.child?.done.then(() => 'down' as const);
    const answer = await Promise.race([probe(target.port, target.credentials, target.pgdata, Math.min(2_000, remaining)), ...(exited ? [exited] : [])]);
    if (answer === 'ours') return 'ready';
    if (answer === 'auth') {
      // Another server that took the port rejects us too; ours then fails to bind and exits.
      await Promise.race([target.child?.done, sleep(1_000)]);
      return gone() ? 'exited' : 'auth_failed';
    }
    await Promise.race([target.child?.done, sleep(100)]);
  }
}

export type ProbeAnswer = 'ours' | 'other' | 'auth' | 'down';

/** Connects like any client would and asks which data folder the server serves. */
export async function probe(port: number, credentials: Credentials, pgdata: string, timeoutMs: number): Promise<ProbeAnswer> {
  const client = new pg.Client({
    host: LOOPBACK,
    port,
    user: credentials.user,
    password: credentials.password,
    database: 'postgres',
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    application_name: 'healthtech-etl readiness check',
  });
  client.on('error', () => undefined);
  let connected = false;
  try {
    await client.connect();
    connected = true;
    const result = await client.query<{ data_directory: string }>('SHOW data_directory');
    return sameFolder(result.rows[0]?.data_directory, pgdata) ? 'ours' : 'other';
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return code === '28P01' || code === '28000' ? 'auth' : 'down';
  } finally {
    if (connected) await client.end().catch(() => undefined);
  }
}

function sameFolder(reported: string | undefined, pgdata: string): boolean {
  if (reported === undefined) return false;
  if (reported === pgdata) return true;
  try {
    return fs.realpathSync(reported) === pgdata;
  } catch {
    return false;
  }
}
