/**
 * Hostile settings through the handler table the app registers (createApp + dispatch, as ipcMain
 * and the test bridge call it): server URLs that would make the main process read files or connect
 * elsewhere, passwords in URLs, certificate paths nobody chose, a stored password aimed at another
 * server, damaged or tampered settings files, and the desktop app started as root.
 *
 * "Which password reaches which server" is measured with a password trap: a loopback server that
 * asks for the password in clear text and records what it gets (test/support/passwordTrap.ts).
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelName, DatabaseStatus, RequestOf, ResponseOf, Result } from '../../shared/contract';
import { createApp, type App } from '../../electron/app/createApp';
import { dispatch } from '../../electron/app/dispatch';
import { MemoryLogger } from '../../electron/etl/logger';
import { resolveServerUser } from '../../electron/db/embedded/systemUser';
import { DatabaseError } from '../../electron/etl/errors';
import { nodePlatform } from '../support/nodePlatform';
import { startPasswordTrap, type PasswordTrap } from '../support/passwordTrap';

const isRoot = process.getuid?.() === 0;
const DEFAULTS = { schema: 'healthtech', dateOrder: 'auto', suspiciousPolicy: 'warn' } as const;

let root: string;
const running: App[] = [];

interface Running {
  app: App;
  platform: ReturnType<typeof nodePlatform>;
  userData: string;
  call<C extends ChannelName>(channel: C, request: RequestOf<C> | Record<string, unknown>): Promise<Result<ResponseOf<C>>>;
  value<C extends ChannelName>(channel: C, request: RequestOf<C> | Record<string, unknown>): Promise<ResponseOf<C>>;
  settled(): Promise<DatabaseStatus>;
  /** Runs `action` (a save that reconnects) and waits until the database has started again and settled. */
  reconnecting<T>(action: () => Promise<T>): Promise<{ result: T; status: DatabaseStatus }>;
}

/**
 * The app on a user-data folder. The embedded server is refused as root (the desktop app's
 * policy), so a test that falls back to the defaults does not start one here.
 */
async function start(userData: string, options: { secretsAvailable?: boolean } = {}): Promise<Running> {
  const platform = nodePlatform(userData, { ...options, embeddedAsRoot: 'refuse' });
  const statuses: DatabaseStatus[] = [];
  const app = await createApp(platform, (event, payload) => event === 'db/status' && statuses.push(payload as DatabaseStatus), new MemoryLogger());
  running.push(app);
  const call = async <C extends ChannelName>(channel: C, request: RequestOf<C> | Record<string, unknown>) => (await dispatch(app.handlers, channel, request)) as Result<ResponseOf<C>>;
  return {
    app,
    platform,
    userData,
    call,
    async value(channel, request) {
      const result = await call(channel, request);
      if (!result.ok) throw new Error(`${channel} failed: ${result.error.code}: ${result.error.message}`);
      return result.value;
    },
    async settled() {
      for (let i = 0; i < 600 && app.database.status().state === 'starting'; i++) await new Promise((r) => setTimeout(r, 50));
      return app.database.status();
    },
    async reconnecting(action) {
      const from = statuses.length;
      const result = await action();
      for (let i = 0; i < 600; i++) {
        const since = statuses.slice(from);
        const started = since.findIndex((s) => s.state === 'starting');
        if (started >= 0 && since.slice(started + 1).some((s) => s.state !== 'starting')) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      return { result, status: app.database.status() };
    },
  };
}

async function stop(session: Running): Promise<void> {
  await session.settled();
  await session.app.shutdown();
}

async function folder(name: string): Promise<string> {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function settingsFile(session: { userData: string }): string {
  return path.join(session.userData, 'settings.json');
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'hostile-settings-'));
});
afterAll(async () => {
  for (const app of running) await app.shutdown().catch(() => undefined);
  await rm(root, { recursive: true, force: true });
});

describe('server URLs from the renderer', () => {
  let trap: PasswordTrap;
  let session: Running;
  let trapUrl: string;

  beforeAll(async () => {
    trap = await startPasswordTrap();
    trapUrl = `postgresql://analyst@127.0.0.1:${trap.port}/clinic`;
    session = await start(await folder('urls'));
    await session.value('settings/save', { database: { mode: 'server', url: trapUrl }, ...DEFAULTS });
    await session.settled();
  });
  afterAll(async () => {
    await stop(session);
    await trap.close();
  });

  it('refuses URLs that would read files, reach other hosts or pass options, before connecting and without changing anything', async () => {
    const before = await readFile(settingsFile(session), 'utf8');
    const connections = trap.connections;
    const hostile: [string, string, string][] = [
      [`${trapUrl}?sslmode=require&sslrootcert=/etc/shadow`, 'db_url_file_parameter', 'db_url.sslrootcert'],
      [`${trapUrl}?sslmode=require&sslcert=/root/.ssh/id_rsa`, 'db_url_file_parameter', 'db_url.sslcert'],
      [`${trapUrl}?sslkey=${encodeURIComponent(path.join(os.homedir(), '.pgpass'))}`, 'db_url_file_parameter', 'db_url.sslkey'],
      [`${trapUrl}?host=/var/run/postgresql`, 'db_url_parameter', 'db_url.host'],
      [`${trapUrl}?hostaddr=169.254.169.254`, 'db_url_parameter', 'db_url.hostaddr'],
      [`${trapUrl}?options=-c%20log_statement%3Dall`, 'db_url_parameter', 'db_url.options'],
      [`${trapUrl}?sslmode=prefer`, 'db_url_parameter', 'db_url.sslmode'],
      [`${trapUrl}?replication=true`, 'db_url_parameter', 'db_url.replication'],
      ['postgresql://analyst@%2Fvar%2Frun%2Fpostgresql/clinic', 'invalid_db_url', 'db_url.host'],
      ['postgresql://analyst@one,two/clinic', 'invalid_db_url', 'db_url.host'],
      ['file:///etc/passwd', 'invalid_db_url', 'db_url'],
      ['http://analyst@127.0.0.1/clinic', 'invalid_db_url', 'db_url'],
      ['postgresql://analyst@127.0.0.1:0/clinic', 'invalid_db_url', 'db_url.port'],
    ];
    for (const [url, code, setting] of hostile) {
      const saved = await session.call('settings/save', { database: { mode: 'server', url }, ...DEFAULTS });
      expect(saved, url).toMatchObject({ ok: false, error: { kind: 'usage', code, detail: { setting } } });
      const tested = await session.call('settings/test-connection', { url, schema: 'healthtech' });
      expect(tested, url).toMatchObject({ ok: false, error: { kind: 'usage', code } });
    }
    expect(await readFile(settingsFile(session), 'utf8')).toBe(before);
    expect(trap.connections).toBe(connections);
  });

  it('refuses request fields the contract does not have', async () => {
    const extra = await session.call('settings/save', { database: { mode: 'server', url: trapUrl, sslrootcert: '/etc/shadow' }, ...DEFAULTS });
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    const relative = await session.call('settings/save', { database: { mode: 'server', url: trapUrl, certificates: { rootCert: 'ca.pem' } }, ...DEFAULTS });
    expect(relative).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it('takes a password out of the URL, stores it only encrypted, and never sends it back', async () => {
    const password = 'Query-S3cret+x';
    const saved = await session.value('settings/save', { database: { mode: 'server', url: `${trapUrl}?password=${encodeURIComponent(password)}&sslmode=disable` }, ...DEFAULTS });
    expect(saved.database).toEqual({ mode: 'server', url: trapUrl, certificates: { rootCert: null, cert: null, key: null }, hasPassword: true });
    const file = await readFile(settingsFile(session), 'utf8');
    expect(file).not.toContain(password);
    expect(file).not.toContain(encodeURIComponent(password));
    expect(JSON.parse(file)).toMatchObject({ database: { mode: 'server', server: { host: '127.0.0.1', port: trap.port, database: 'clinic', user: 'analyst' } } });
    expect(JSON.parse(file).secret).toBeTypeOf('string');
    const view = JSON.stringify(await session.value('settings/get', {}));
    expect(view).not.toContain(password);
    expect(view).not.toContain('S3cret');
    // The right server does get it.
    await session.settled();
    expect(trap.received).toContain(password);
  });

  it('a stored password goes only to the user, host, port and TLS settings it was given for', async () => {
    const password = 'Only-For-Trap-A';
    const saveTrap = () => session.reconnecting(() => session.value('settings/save', { database: { mode: 'server', url: trapUrl, password }, ...DEFAULTS }));
    await saveTrap();
    const other = await startPasswordTrap();
    try {
      const otherUrl = `postgresql://analyst@127.0.0.1:${other.port}/clinic`;
      // "Test connection" on another server without typing a password: the stored one is not sent.
      const tested = await session.call('settings/test-connection', { url: otherUrl, schema: 'healthtech' });
      expect(tested).toMatchObject({ ok: false, error: { kind: 'database', code: 'db_password_needed' } });
      expect(other.connections).toBe(1);
      // Saving another server, user or TLS setting without a password forgets the stored one.
      for (const url of [otherUrl, `postgresql://postgres@127.0.0.1:${trap.port}/clinic`, `${trapUrl}?sslmode=require`]) {
        const { result: moved, status } = await session.reconnecting(() => session.value('settings/save', { database: { mode: 'server', url }, ...DEFAULTS }));
        expect(moved.database, url).toMatchObject({ hasPassword: false });
        expect(JSON.parse(await readFile(settingsFile(session), 'utf8')).secret, url).toBeUndefined();
        expect(status.state, url).toBe(url.includes('sslmode') ? 'error' : 'needs_password');
        await saveTrap();
      }
      expect(other.connections).toBeGreaterThan(1);
      expect(other.received).toEqual([]);
      // The very same server keeps it: "Test connection" sends it there.
      const received = trap.received.length;
      await session.call('settings/test-connection', { url: trapUrl, schema: 'healthtech' });
      expect(trap.received.slice(received)).toEqual([password]);
      // Another database on the same server and user is the same secret.
      const { result: sameServer } = await session.reconnecting(() => session.value('settings/save', { database: { mode: 'server', url: trapUrl.replace('/clinic', '/reports') }, ...DEFAULTS }));
      expect(sameServer.database).toMatchObject({ hasPassword: true });
      expect(trap.received.at(-1)).toBe(password);
    } finally {
      await other.close();
    }
  });

  it('certificate files only as chosen in the dialog opened by main', async () => {
    const certificates = await folder('certificates');
    const ca = path.join(certificates, 'ca.pem');
    await writeFile(ca, '-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----\n');
    const tls = `${trapUrl}?sslmode=verify-ca`;

    const notChosen = await session.call('settings/save', { database: { mode: 'server', url: tls, certificates: { rootCert: '/etc/ssl/private/server.key' } }, ...DEFAULTS });
    expect(notChosen).toMatchObject({ ok: false, error: { kind: 'usage', code: 'file_not_chosen', detail: { setting: 'sslrootcert' } } });
    const testNotChosen = await session.call('settings/test-connection', { url: tls, certificates: { rootCert: '/etc/passwd' }, schema: 'healthtech' });
    expect(testNotChosen).toMatchObject({ ok: false, error: { code: 'file_not_chosen' } });

    // Cancelled dialog: nothing chosen.
    session.platform.scripted.certificate.push(null);
    expect(await session.value('settings/pick-certificate', { role: 'rootCert' })).toEqual({ role: 'rootCert', path: null });
    session.platform.scripted.certificate.push(ca);
    expect(await session.value('settings/pick-certificate', { role: 'rootCert' })).toEqual({ role: 'rootCert', path: ca });

    const noRoot = await session.call('settings/save', { database: { mode: 'server', url: tls }, ...DEFAULTS });
    expect(noRoot).toMatchObject({ ok: false, error: { code: 'invalid_certificates' } });
    const withoutTls = await session.call('settings/save', { database: { mode: 'server', url: trapUrl, certificates: { rootCert: ca } }, ...DEFAULTS });
    expect(withoutTls).toMatchObject({ ok: false, error: { code: 'invalid_certificates' } });

    const saved = await session.value('settings/save', { database: { mode: 'server', url: tls, certificates: { rootCert: ca } }, ...DEFAULTS });
    expect(saved.database).toMatchObject({ mode: 'server', url: tls, certificates: { rootCert: ca, cert: null, key: null } });
    // The stored file stays usable in later saves without choosing it again.
    const again = await session.value('settings/save', { database: { mode: 'server', url: tls, certificates: { rootCert: ca } }, ...DEFAULTS });
    expect(again.database).toMatchObject({ certificates: { rootCert: ca } });
    // The server refuses TLS: the connection fails without sending anything.
    const received = trap.received.length;
    const status = await session.settled();
    expect(status.state).toBe('error');
    expect(trap.received.length).toBe(received);
  });
});

describe('settings files', () => {
  const trapFree = 'postgresql://analyst@127.0.0.1:1/clinic';
  const good = { version: 1, database: { mode: 'embedded' }, schema: 'clinic_ops', dateOrder: 'dmy', suspiciousPolicy: 'quarantine' };
  const server = { host: '127.0.0.1', port: 1, database: 'clinic', user: 'analyst', sslMode: 'disable', connectTimeoutSeconds: null, applicationName: null, certificates: { rootCert: null, cert: null, key: null } };

  const damaged: [string, string | null][] = [
    ['not JSON', '{"version": 1, "database": '],
    ['an array', '[]'],
    ['another version', JSON.stringify({ ...good, version: 2 })],
    ['a reserved schema', JSON.stringify({ ...good, schema: 'pg_catalog' })],
    ['a schema that is SQL', JSON.stringify({ ...good, schema: 'x"; DROP SCHEMA public CASCADE; --' })],
    ['an unknown date order', JSON.stringify({ ...good, dateOrder: 'ymd' })],
    ['a host hiding a user', JSON.stringify({ ...good, database: { mode: 'server', server: { ...server, host: 'evil.example@127.0.0.1' } } })],
    ['a socket host', JSON.stringify({ ...good, database: { mode: 'server', server: { ...server, host: '/var/run/postgresql' } } })],
    ['a port out of range', JSON.stringify({ ...good, database: { mode: 'server', server: { ...server, port: 70000 } } })],
    ['a relative certificate path', JSON.stringify({ ...good, database: { mode: 'server', server: { ...server, sslMode: 'verify-ca', certificates: { rootCert: '../../etc/shadow', cert: null, key: null } } } })],
    ['sslmode=prefer', JSON.stringify({ ...good, database: { mode: 'server', server: { ...server, sslMode: 'prefer' } } })],
    ['an unknown server field', JSON.stringify({ ...good, database: { mode: 'server', server: { ...server, options: '-c x=y' } } })],
    ['an old URL with a certificate path', JSON.stringify({ ...good, database: { mode: 'server', url: `${trapFree}?sslmode=require&sslrootcert=/etc/shadow` } })],
    ['far too large', JSON.stringify({ ...good, padding: 'x'.repeat(200_000) })],
    ['a folder, not a file', null],
  ];

  it.each(damaged)('%s: the defaults and a notice, the file kept aside, the app working', async (_name, contents) => {
    const userData = await folder(`damaged-${damaged.findIndex(([name]) => name === _name)}`);
    if (contents === null) mkdirSync(path.join(userData, 'settings.json'));
    else await writeFile(path.join(userData, 'settings.json'), contents);
    const session = await start(userData);
    try {
      const settings = await session.value('settings/get', {});
      expect(settings).toMatchObject({ database: { mode: 'embedded' }, schema: 'healthtech', dateOrder: 'auto', suspiciousPolicy: 'warn', notice: { code: 'settings_reset' } });
      expect(settings.notice?.message).toMatch(/defaults are in use/);
      expect((await readdir(userData)).some((name) => name.startsWith('settings.json.damaged-'))).toBe(true);
      expect(await session.value('app/info', {})).toMatchObject({ userDataDir: userData });
      // Saving gives a good file and clears the notice.
      const saved = await session.value('settings/save', { database: { mode: 'embedded' }, ...DEFAULTS });
      expect(saved.notice).toBeUndefined();
      expect(JSON.parse(await readFile(path.join(userData, 'settings.json'), 'utf8'))).toMatchObject({ version: 1, schema: 'healthtech' });
    } finally {
      await stop(session);
    }
  });

  it('a file of an earlier version is upgraded: the URL becomes its parts, a password in it is moved to encrypted storage', async () => {
    const userData = await folder('legacy');
    const password = 'Legacy-Plain-Text';
    await writeFile(path.join(userData, 'settings.json'), JSON.stringify({ ...good, database: { mode: 'server', url: `${trapFree}?sslmode=require&password=${password}` } }));
    const session = await start(userData);
    try {
      const settings = await session.value('settings/get', {});
      expect(settings.notice).toBeUndefined();
      expect(settings).toMatchObject({ schema: 'clinic_ops', dateOrder: 'dmy', database: { mode: 'server', url: 'postgresql://analyst@127.0.0.1:1/clinic?sslmode=require', hasPassword: true } });
      const file = await readFile(path.join(userData, 'settings.json'), 'utf8');
      expect(file).not.toContain(password);
      expect(JSON.parse(file)).toMatchObject({ database: { mode: 'server', server: { host: '127.0.0.1', port: 1, sslMode: 'require' } } });
      expect(JSON.parse(file).secret).toBeTypeOf('string');
    } finally {
      await stop(session);
    }
  });

  it('without secure storage a password is never written: kept for the session, asked for after a restart', async () => {
    const userData = await folder('no-keyring');
    const trap = await startPasswordTrap();
    const password = 'Session-Only-S3cret';
    try {
      let session = await start(userData, { secretsAvailable: false });
      const saved = await session.value('settings/save', { database: { mode: 'server', url: `postgresql://analyst:${password}@127.0.0.1:${trap.port}/clinic` }, ...DEFAULTS });
      expect(saved).toMatchObject({ secretStorage: 'unavailable', database: { hasPassword: true } });
      await session.settled();
      expect(trap.received).toContain(password);
      for (const name of await readdir(userData, { recursive: true })) {
        const file = path.join(userData, name);
        if (statSync(file).isFile()) expect(await readFile(file, 'utf8'), name).not.toContain(password);
      }
      await stop(session);

      session = await start(userData, { secretsAvailable: false });
      expect((await session.value('settings/get', {})).database).toMatchObject({ mode: 'server', hasPassword: false });
      expect((await session.settled()).state).toBe('needs_password');
      const given = await session.value('db/provide-password', { password });
      expect(given.state).not.toBe('ready');
      expect(trap.received.filter((p) => p === password)).toHaveLength(2);
      await stop(session);
    } finally {
      await trap.close();
    }
  });
});

describe('the desktop app as root', () => {
  it('refuses to start the embedded server, creating no user and changing no folder', async () => {
    if (!isRoot) {
      process.stdout.write('hostileSettings: not running as root, so the refusal is checked on resolveServerUser alone\n');
      await expect(resolveServerUser(new MemoryLogger(), 'refuse', 0)).rejects.toMatchObject({ code: 'embedded_as_root' });
      return;
    }
    const userData = await folder('as-root/deeper/user-data');
    const parents: [string, number][] = [];
    for (let dir = userData; path.dirname(dir) !== dir; dir = path.dirname(dir)) parents.push([dir, statSync(dir).mode]);
    const session = await start(userData);
    try {
      const status = await session.settled();
      expect(status).toMatchObject({ state: 'error', mode: 'embedded', error: { kind: 'database', code: 'embedded_as_root' } });
      expect(status.state === 'error' && status.error.message).toMatch(/cannot run as root.*normal user.*server in Settings/);
      expect(existsSync(path.join(userData, 'postgres', 'pgdata'))).toBe(false);
      for (const [dir, mode] of parents) expect(statSync(dir).mode, dir).toBe(mode);
    } finally {
      await stop(session);
    }
    // The CLI's policy, for contrast, is unchanged (covered by the embedded server tests).
    await expect(resolveServerUser(new MemoryLogger(), 'refuse', 0)).rejects.toBeInstanceOf(DatabaseError);
  });
});
