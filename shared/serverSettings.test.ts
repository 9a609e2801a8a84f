/**
 * Server URLs from the Settings screen: parsed into a typed address with an allow-list of
 * parameters. Certificate paths, socket hosts, host lists and unknown parameters are refused by
 * name; a password is taken out; what is shown again never holds a password or a path.
 */
import { describe, expect, it } from 'vitest';
import { certificateProblem, NO_CERTIFICATES, parseServerUrl, secretBinding, serverUrl, type ParsedServerUrl } from './serverSettings';

function parsed(url: string) {
  const result = parseServerUrl(url);
  if (!result.ok) throw new Error(`${url}: ${result.problem.message}`);
  return result;
}

function refused(url: string): Extract<ParsedServerUrl, { ok: false }>['problem'] {
  const result = parseServerUrl(url);
  if (result.ok) throw new Error(`${url} was accepted`);
  return result.problem;
}

describe('parseServerUrl', () => {
  it('reads host, port, database and user; defaults as libpq does', () => {
    expect(parsed('postgresql://analyst@db.example.org:6543/clinic')).toEqual({
      ok: true,
      address: { host: 'db.example.org', port: 6543, database: 'clinic', user: 'analyst', sslMode: 'disable', connectTimeoutSeconds: null, applicationName: null },
      password: undefined,
    });
    // No port: 5432; no database: the user's name; host names are case-insensitive.
    expect(parsed('postgres://Analyst@DB.Example.ORG').address).toMatchObject({ host: 'db.example.org', port: 5432, database: 'Analyst', user: 'Analyst' });
    expect(parsed('postgresql://u@[::1]:5433/db').address).toMatchObject({ host: '::1', port: 5433 });
    expect(parsed('postgresql://u@127.0.0.1/db').address.host).toBe('127.0.0.1');
    expect(parsed('postgresql+psycopg2://u@h/db').address).toMatchObject({ host: 'h', database: 'db' });
    expect(parsed('  postgresql://u@h/db  ').address.host).toBe('h');
    expect(parsed('postgresql://us%40er@h/d%C3%A9mo').address).toMatchObject({ user: 'us@er', database: 'démo' });
  });

  it('takes the password out, from the user part or the query, decoded as libpq does', () => {
    expect(parsed('postgresql://u:s3cr%40t@h/db')).toMatchObject({ password: 's3cr@t', address: { user: 'u' } });
    expect(parsed('postgresql://u@h/db?password=a+b%26c&sslmode=require')).toMatchObject({ password: 'a+b&c', address: { sslMode: 'require' } });
    expect(refused('postgresql://u:one@h/db?password=two')).toMatchObject({ parameter: 'password' });
  });

  it('accepts the allow-listed parameters only', () => {
    expect(parsed('postgresql://u@h/db?sslmode=verify-full&connect_timeout=7&application_name=etl%20nightly').address).toMatchObject({
      sslMode: 'verify-full',
      connectTimeoutSeconds: 7,
      applicationName: 'etl nightly',
    });
    for (const mode of ['disable', 'require', 'verify-ca', 'verify-full']) expect(parsed(`postgresql://u@h/db?sslmode=${mode}`).address.sslMode).toBe(mode);
  });

  it('refuses certificate paths in the URL: they would be read from disk', () => {
    for (const name of ['sslrootcert', 'sslcert', 'sslkey', 'sslcrl', 'SSLROOTCERT']) {
      const p = refused(`postgresql://u@h/db?sslmode=require&${name}=/etc/shadow`);
      expect(p).toMatchObject({ code: 'db_url_file_parameter', parameter: name.toLowerCase() });
      expect(p.message).toMatch(/Choose…/);
    }
  });

  it('refuses other hosts, sockets and options hidden in the query, and anything not allowed', () => {
    for (const [url, parameter] of [
      ['postgresql://u@h/db?host=/var/run/postgresql', 'host'],
      ['postgresql://u@h/db?hostaddr=10.0.0.1', 'hostaddr'],
      ['postgresql://u@h/db?port=1', 'port'],
      ['postgresql://u@h/db?user=postgres', 'user'],
      ['postgresql://u@h/db?dbname=other', 'dbname'],
      ['postgresql://u@h/db?options=-c%20search_path%3Dpublic', 'options'],
      ['postgresql://u@h/db?sslpassword=x', 'sslpassword'],
      ['postgresql://u@h/db?ssl=true', 'ssl'],
      ['postgresql://u@h/db?replication=database', 'replication'],
      ['postgresql://u@h/db?uselibpqcompat=true', 'uselibpqcompat'],
      ['postgresql://u@h/db?sslmode=prefer', 'sslmode'],
      ['postgresql://u@h/db?sslmode=allow', 'sslmode'],
      ['postgresql://u@h/db?sslmode=bogus', 'sslmode'],
      ['postgresql://u@h/db?sslmode=disable&sslmode=require', 'sslmode'],
      ['postgresql://u@h/db?connect_timeout=-1', 'connect_timeout'],
      ['postgresql://u@h/db?connect_timeout=1e3', 'connect_timeout'],
      ['postgresql://u@h/db?application_name=%0Aevil', 'application_name'],
    ] as const) {
      expect(refused(url), url).toMatchObject({ parameter });
    }
  });

  it('refuses URLs that are not one server named plainly', () => {
    for (const [url, parameter] of [
      ['', 'url'],
      ['not a database url', 'url'],
      ['http://u@h/db', 'url'],
      ['file:///etc/passwd', 'url'],
      ['postgresql:///db', 'host'],
      ['postgresql://u@%2Fvar%2Frun%2Fpostgresql/db', 'host'],
      ['postgresql://u@a,b/db', 'host'],
      ['postgresql://u@bad_host!/db', 'host'],
      ['postgresql://u@h:0/db', 'port'],
      ['postgresql://u@h:99999/db', 'url'],
      ['postgresql://h/db', 'user'],
      ['postgresql://u%ZZ@h/db', 'user'],
      ['postgresql://u:p%ZZ@h/db', 'password'],
      ['postgresql://u@h/db/extra', 'database'],
      ['postgresql://u@h/%E0%A4%A', 'database'],
      [`postgresql://u@h/${'d'.repeat(64)}`, 'database'],
      ['postgresql://u@h/db#fragment', 'url'],
      ['postgresql://u@h/db\u0000', 'url'],
      [`postgresql://u@h/db?x=${'a'.repeat(2100)}`, 'url'],
    ] as const) {
      expect(refused(url), url).toMatchObject({ parameter });
    }
  });

  it('never repeats a password in its messages', () => {
    for (const url of ['postgresql://u:Pa55word@h/db?sslrootcert=/x', 'postgresql://u:Pa55word@h/db?password=Pa55word', 'postgresql://u:Pa55word@h:0/db', 'postgresql://u:Pa55word@/db']) {
      expect(refused(url).message).not.toContain('Pa55word');
    }
  });
});

describe('serverUrl', () => {
  it('shows the address without password or files, and reads back to the same address', () => {
    for (const url of ['postgresql://u:secret@db.example.org/clinic?sslmode=verify-full&connect_timeout=5', 'postgresql://us%40er@[::1]:5433/d%C3%A9mo', 'postgresql://u@h/db?application_name=a%20b']) {
      const { address } = parsed(url);
      const shown = serverUrl(address);
      expect(shown).not.toContain('secret');
      expect(parsed(shown)).toEqual({ ok: true, address, password: undefined });
    }
    expect(serverUrl(parsed('postgresql://u@h/db').address)).toBe('postgresql://u@h:5432/db');
  });
});

describe('secretBinding and certificateProblem', () => {
  const server = { ...parsed('postgresql://u@h/db?sslmode=verify-full').address, certificates: NO_CERTIFICATES };

  it('binds a stored password to user, host, port and TLS settings, not to the database', () => {
    const same = secretBinding(server);
    expect(secretBinding({ ...server, database: 'other' })).toBe(same);
    for (const change of [{ host: 'evil.example' }, { port: 1 }, { user: 'postgres' }, { sslMode: 'disable' as const }, { certificates: { ...NO_CERTIFICATES, rootCert: '/x.pem' } }]) {
      expect(secretBinding({ ...server, ...change })).not.toBe(same);
    }
  });

  it('holds certificate files to libpq rules', () => {
    expect(certificateProblem('verify-full', NO_CERTIFICATES)).toBeUndefined();
    expect(certificateProblem('disable', { ...NO_CERTIFICATES, rootCert: '/ca.pem' })).toMatch(/sslmode/);
    expect(certificateProblem('verify-ca', NO_CERTIFICATES)).toMatch(/root certificate/);
    expect(certificateProblem('require', { ...NO_CERTIFICATES, cert: '/c.pem' })).toMatch(/go together/);
    expect(certificateProblem('require', { rootCert: null, cert: '/c.pem', key: '/k.pem' })).toBeUndefined();
  });
});
