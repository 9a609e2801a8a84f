/**
 * The files we keep in the embedded data folder, besides the cluster itself:
 *
 * - `pgdata/`           the PostgreSQL cluster (`postmaster.pid` inside is PostgreSQL's own lock)
 * - `credentials.json`  generated user + password, mode 0600, never logged
 * - `owner.pid`         which process of ours owns (and will stop) the running server
 * - `start.lock`        held while one process initialises/starts/stops the server
 * - `start.lock.reap-*` who took over which dead start.lock (see acquireStartLock)
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
// owner.pid and start.lock: "<pid>\n<start time>\n[<nonce>\n]" so a reused PID is not mistaken
// for us, and (start.lock) each taking of the lock has its own identity.

interface PidRecord {
  pid: number;
  startTime: string | undefined;
  nonce: string | undefined;
}

function ownRecord(nonce = ''): string {
  return `${process.pid}\n${processStartTime(process.pid) ?? ''}\n${nonce ? `${nonce}\n` : ''}`;
}

function parsePidRecord(text: string): PidRecord | undefined {
  const [pidLine, startLine, nonceLine] = text.split('\n');
  const pid = Number(pidLine?.trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return { pid, startTime: startLine?.trim() || undefined, nonce: nonceLine?.trim() || undefined };
}

function readPidRecord(file: string): PidRecord | undefined {
  try {
    return parsePidRecord(fs.readFileSync(file, 'utf8'));
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
 * Creates `file` with `contents` only if it does not exist, atomically and complete: the contents
 * go to a private temporary file that is then hard-linked into place (link fails if the name is
 * taken), so nobody ever reads a half-written lock. Falls back to an exclusive create where the
 * file system has no hard links.
 */
function createExclusively(file: string, contents: string): boolean {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(temporary, contents, { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(temporary, file);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw error;
    }
    try {
      fs.writeFileSync(file, contents, { mode: 0o600, flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** Reap markers are tiny; ones older than this belong to takeovers long finished. */
const REAP_MARKER_MAX_AGE_MS = 60 * 60 * 1000;

/**
 * Removes a start.lock left by a dead process — if this process is the one allowed to. Several
 * processes may find the same dead lock at once; each tries to create `start.lock.reap-<id>` for
 * that very lock (exclusive create), and only the one that succeeds removes it.
 *
 * What was seen may be gone by then: its holder may have released it and exited between our read
 * and our liveness check (a live holder removes its own lock), and a new holder taken the name.
 * So the winner looks again (`stillThere`: the same file, the same record) after the holder was
 * found dead: from then on nobody else removes that file (its holder is dead, and only this
 * winner reaps it), so it is still that lock when removed, and a fresh lock is never removed by a
 * process that looked at an old one. Racing processes found this: without the second look, one
 * removed the lock of a live holder, and two were inside at once. (Should the winner itself die
 * between creating the marker and removing the lock, the lock stays until removed by hand; the
 * start then fails saying another instance holds the folder.)
 */
function reapDeadLock(folder: DataFolder, id: string, stillThere: () => boolean): void {
  const marker = `${folder.startLock}.reap-${id.replace(/[^a-zA-Z0-9_.-]/g, '_').slice(0, 120)}`;
  try {
    fs.writeFileSync(marker, ownRecord(), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw error;
  }
  if (!stillThere()) return;
  fs.rmSync(folder.startLock, { force: true });
  removeOldReapMarkers(folder);
}

function removeOldReapMarkers(folder: DataFolder): void {
  const prefix = `${path.basename(folder.startLock)}.reap-`;
  try {
    for (const name of fs.readdirSync(folder.root)) {
      if (!name.startsWith(prefix)) continue;
      const file = path.join(folder.root, name);
      const age = Date.now() - (fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > REAP_MARKER_MAX_AGE_MS) fs.rmSync(file, { force: true });
    }
  } catch {
    /* tidying only */
  }
}

/** Whether start.lock is still the file seen (same inode and time, same record). */
function sameLock(folder: DataFolder, seen: { stat: fs.Stats; text: string }): boolean {
  try {
    const now = fs.statSync(folder.startLock);
    if (now.ino !== seen.stat.ino || now.mtimeMs !== seen.stat.mtimeMs || now.size !== seen.stat.size) return false;
    return fs.readFileSync(folder.startLock, 'utf8') === seen.text;
  } catch {
    return false;
  }
}

/**
 * Cross-process mutex for init/start/stop on one data folder: the lock file is created atomically
 * (see createExclusively), and a lock left by a dead process is taken over by exactly one of the
 * processes waiting for it (see reapDeadLock). Returns a release function, or undefined when
 * `timeoutMs` passed first.
 */
export async function acquireStartLock(
  folder: DataFolder,
  timeoutMs: number,
  /** Tests: runs after the lock was read, before its holder is checked (to replace it there). */
  afterRead?: () => void,
): Promise<(() => void) | undefined> {
  const deadline = Date.now() + timeoutMs;
  const nonce = randomBytes(8).toString('hex');
  for (;;) {
    if (createExclusively(folder.startLock, ownRecord(nonce))) {
      return () => {
        if (readPidRecord(folder.startLock)?.nonce === nonce) fs.rmSync(folder.startLock, { force: true });
      };
    }
    let stat: fs.Stats | undefined;
    let text: string;
    try {
      stat = fs.statSync(folder.startLock);
      text = fs.readFileSync(folder.startLock, 'utf8');
    } catch {
      continue; // released meanwhile: try again at once
    }
    afterRead?.();
    const holder = parsePidRecord(text);
    const seen = { stat, text };
    if (holder && !isLive(holder)) {
      reapDeadLock(folder, `${holder.pid}-${holder.startTime ?? ''}-${holder.nonce ?? `${stat.ino}-${stat.mtimeMs}`}`, () => sameLock(folder, seen));
      continue;
    }
    // Unreadable: an earlier version wrote it in two steps, or the disk lost it. Only an old one is
    // taken over; a fresh one may still be being written.
    if (!holder && Date.now() - stat.mtimeMs > 2_000) {
      reapDeadLock(folder, `unreadable-${stat.ino}-${stat.mtimeMs}-${stat.size}`, () => sameLock(folder, seen));
      continue;
    }
    if (Date.now() >= deadline) return undefined;
    await sleep(50 + Math.floor(Math.random() * 50));
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
