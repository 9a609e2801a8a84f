/**
 * The files we keep in the embedded data folder, besides the cluster itself:
 *
 * - `pgdata/`           the PostgreSQL cluster (`postmaster.pid` inside is PostgreSQL's own lock)
 * - `credentials.json`  generated user + password, mode 0600, never logged
 * - `owner.pid`         which process of ours owns (and will stop) the running server
 * - `start.lock`        held while one process initialises/starts/stops the server
 * - `server.log`        server and initdb output, appended, mode 0600
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseError } from '../../etl/errors';
import { isProcessAlive, processStartTime, sleep } from './processes';

export interface DataFolder {
  root: string;
  pgdata: string;
  credentials: string;
  ownerPid: string;
  startLock: string;
  serverLog: string;
}

export function dataFolder(root: string): DataFolder {
  return {
    root,
    pgdata: path.join(root, 'pgdata'),
    credentials: path.join(root, 'credentials.json'),
    ownerPid: path.join(root, 'owner.pid'),
    startLock: path.join(root, 'start.lock'),
    serverLog: path.join(root, 'server.log'),
  };
}

// ---------------------------------------------------------------------------------------------
// Credentials

export interface Credentials {
  user: string;
  password: string;
  /** Set once initdb succeeded with this password; until then the cluster folder is disposable. */
  clusterInitialised: boolean;
}

export const DEFAULT_USER = 'healthtech';

export function newCredentials(): Credentials {
  return { user: DEFAULT_USER, password: randomBytes(24).toString('base64url'), clusterInitialised: false };
}

export function readCredentials(folder: DataFolder): Credentials | undefined {
  let text: string;
  try {
    text = fs.readFileSync(folder.credentials, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DatabaseError(
      'embedded_credentials_unreadable',
      `Cannot read the embedded database credentials in ${folder.root} (${(error as NodeJS.ErrnoException).code ?? 'error'}). Check the folder's permissions.`,
      { dataDir: folder.root },
      { cause: error },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const record = value as Partial<Credentials> | undefined;
  if (typeof record?.user !== 'string' || typeof record.password !== 'string' || record.user === '' || record.password === '') {
    throw new DatabaseError(
      'embedded_credentials_invalid',
      `The embedded database credentials file ${folder.credentials} is damaged. Restore it from a backup, or delete the folder ${folder.root} to start with an empty database.`,
      { dataDir: folder.root },
    );
  }
  return { user: record.user, password: record.password, clusterInitialised: record.clusterInitialised === true };
}

/** Replaces the file atomically; it is created with mode 0600 and never exists with wider rights. */
export function writeCredentials(folder: DataFolder, credentials: Credentials): void {
  writePrivateFile(folder.credentials, `${JSON.stringify(credentials, null, 2)}\n`);
}

function writePrivateFile(file: string, contents: string): void {
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(temporary, contents, { mode: 0o600, flag: 'wx' });
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL's postmaster.pid: line 1 PID, 2 data folder, 3 start time, 4 port, ...

export interface PostmasterLock {
  pid: number;
  port: number | undefined;
}

export function postmasterPidFile(folder: DataFolder): string {
  return path.join(folder.pgdata, 'postmaster.pid');
}

export function readPostmasterLock(folder: DataFolder): PostmasterLock | 'absent' | 'unreadable' {
  let text: string;
  try {
    text = fs.readFileSync(postmasterPidFile(folder), 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'absent' : 'unreadable';
  }
  const lines = text.split('\n');
  const pid = Number(lines[0]?.trim());
  const port = Number(lines[3]?.trim());
  if (!Number.isInteger(pid) || pid <= 0) return 'unreadable';
  return { pid, port: Number.isInteger(port) && port > 0 ? port : undefined };
}

// ---------------------------------------------------------------------------------------------
// owner.pid and start.lock: "<pid>\n<start time>\n" so a reused PID is not mistaken for us.

interface PidRecord {
  pid: number;
  startTime: string | undefined;
}

function ownRecord(): string {
  return `${process.pid}\n${processStartTime(process.pid) ?? ''}\n`;
}

function readPidRecord(file: string): PidRecord | undefined {
  try {
    const [pidLine, startLine] = fs.readFileSync(file, 'utf8').split('\n');
    const pid = Number(pidLine?.trim());
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    return { pid, startTime: startLine?.trim() || undefined };
  } catch {
    return undefined;
  }
}

function isLive(record: PidRecord): boolean {
  if (!isProcessAlive(record.pid)) return false;
  if (record.startTime === undefined) return true;
  const current = processStartTime(record.pid);
  return current === undefined || current === record.startTime;
}

/** The live process (other than us) recorded as owner, if any. */
export function liveOtherOwner(folder: DataFolder): number | undefined {
  const record = readPidRecord(folder.ownerPid);
  return record && record.pid !== process.pid && isLive(record) ? record.pid : undefined;
}

export function writeOwner(folder: DataFolder): void {
  writePrivateFile(folder.ownerPid, ownRecord());
}

export function removeOwnerIfOurs(folder: DataFolder): void {
  if (readPidRecord(folder.ownerPid)?.pid === process.pid) fs.rmSync(folder.ownerPid, { force: true });
}

/**
 * Cross-process mutex for init/start/stop on one data folder. A lock left by a dead process is
 * taken over. Returns a release function, or undefined when `timeoutMs` passed first.
 */
export async function acquireStartLock(folder: DataFolder, timeoutMs: number): Promise<(() => void) | undefined> {
  const deadline = Date.now() + timeoutMs;
  const record = ownRecord();
  for (;;) {
    try {
      fs.writeFileSync(folder.startLock, record, { mode: 0o600, flag: 'wx' });
      return () => {
        if (readPidRecord(folder.startLock)?.pid === process.pid) fs.rmSync(folder.startLock, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readPidRecord(folder.startLock);
    if (!holder || !isLive(holder)) {
      // Unreadable right after creation is normal for a moment; only take over an old one.
      const age = Date.now() - (fs.statSync(folder.startLock, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if (holder || age > 2_000) {
        fs.rmSync(folder.startLock, { force: true });
        continue;
      }
    }
    if (Date.now() >= deadline) return undefined;
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------
// server.log

export function logSize(folder: DataFolder): number {
  return fs.statSync(folder.serverLog, { throwIfNoEntry: false })?.size ?? 0;
}

/** Keeps server.log bounded: past 10 MB it becomes server.log.1 (replacing the previous one). */
export function rotateLog(folder: DataFolder, maxBytes = 10 * 1024 * 1024): void {
  if (logSize(folder) > maxBytes) fs.renameSync(folder.serverLog, `${folder.serverLog}.1`);
}

export function appendLog(folder: DataFolder, text: string): void {
  fs.appendFileSync(folder.serverLog, text, { mode: 0o600 });
}

/** The last `count` non-empty lines written to server.log since `fromOffset`. */
export function logTail(folder: DataFolder, fromOffset: number, count = 15): string[] {
  try {
    const fd = fs.openSync(folder.serverLog, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const start = Math.max(fromOffset, size - 64 * 1024);
      const buffer = Buffer.alloc(Math.max(0, size - start));
      fs.readSync(fd, buffer, 0, buffer.length, start);
      return buffer
        .toString('utf8')
        .split(/\r?\n/)
        .filter((line) => line.trim() !== '')
        .slice(-count);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return [];
  }
}
