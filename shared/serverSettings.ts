/**
 * A database server as the app stores it: a typed object, never the URL text someone pasted.
 *
 * The Settings screen (the renderer: untrusted input, like any workbook) sends a URL; the main
 * process parses it here into a ServerAddress with an allow-list of parameters and hands `pg` that
 * object, never a connection string. What the URL may not carry, and why:
 * - `sslrootcert`, `sslcert`, `sslkey`: `pg` would read those paths from disk, so a URL could make
 *   the main process read any local file. Certificate files are chosen with a file dialog instead
 *   (the main process opens it, like the workbook dialog).
 * - `host`, `hostaddr`, `port`, `dbname`, `user` as query parameters, Unix-socket hosts and host
 *   lists: one server, named in the URL's own parts, so what is shown is where the app connects.
 * - `options`, `sslpassword`, `ssl`, `sslnegotiation`, `replication`, anything else: not needed to
 *   load a schema, so refused by name rather than passed on.
 * A password (`user:password@` or `?password=`) is taken out and returned apart: the caller stores
 * it only through the OS keychain and never sends it back to the renderer.
 *
 * TLS follows libpq's documented `sslmode` meanings (not node-postgres's, where `require` checks
 * the certificate): `disable` (the default when absent, as the app always did), `require`
 * (encrypted; with a root certificate also verified, as libpq does), `verify-ca`, `verify-full`.
 * `allow` and `prefer` are refused: they fall back to an unencrypted connection without saying so.
 *
 * Pure functions without Node: the renderer can use the same rules to check the field as it is
 * typed; the main process decides.
 */

export const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

export interface ServerAddress {
  /** A DNS name, an IPv4 address or an IPv6 address (without brackets), lowercase. */
  host: string;
  port: number;
  database: string;
  user: string;
  sslMode: SslMode;
  /** libpq's connect_timeout in seconds (0: wait as long as the network does); null: the app's default. */
  connectTimeoutSeconds: number | null;
  /** Shown in pg_stat_activity; null: "healthtech-etl". */
  applicationName: string | null;
}

/** Certificate files, as absolute paths chosen in a file dialog (never typed, never from a URL). */
export interface ServerCertificates {
  rootCert: string | null;
  cert: string | null;
  key: string | null;
}

export type CertificateRole = keyof ServerCertificates;
export const CERTIFICATE_ROLES: readonly CertificateRole[] = ['rootCert', 'cert', 'key'];
export const NO_CERTIFICATES: ServerCertificates = { rootCert: null, cert: null, key: null };

/** What the person would call each file, and libpq's name for it. */
export const CERTIFICATE_LABELS: Record<CertificateRole, { label: string; parameter: string }> = {
  rootCert: { label: 'root certificate', parameter: 'sslrootcert' },
  cert: { label: 'client certificate', parameter: 'sslcert' },
  key: { label: 'client key', parameter: 'sslkey' },
};

export interface ServerSettings extends ServerAddress {
  certificates: ServerCertificates;
}

export interface UrlProblem {
  code: 'invalid_db_url' | 'db_url_parameter' | 'db_url_file_parameter';
  message: string;
  /** The URL part or parameter at fault. */
  parameter: string;
}

export type ParsedServerUrl = { ok: true; address: ServerAddress; password: string | undefined } | { ok: false; problem: UrlProblem };

export const DEFAULT_PORT = 5432;
const MAX_URL_LENGTH = 2048;
const EXAMPLE = 'postgresql://user@host:5432/database';

/** Query parameters the URL may carry (besides `password`, which is taken out). */
const ALLOWED_PARAMETERS = ['sslmode', 'connect_timeout', 'application_name'] as const;

const REFUSED_WITH_REASON: Record<string, string> = {
  sslrootcert: 'certificate files are chosen with the "Choose…" buttons under the URL, never read from the URL',
  sslcert: 'certificate files are chosen with the "Choose…" buttons under the URL, never read from the URL',
  sslkey: 'certificate files are chosen with the "Choose…" buttons under the URL, never read from the URL',
  sslcrl: 'certificate files are chosen with the "Choose…" buttons under the URL, never read from the URL',
  sslcrldir: 'certificate files are chosen with the "Choose…" buttons under the URL, never read from the URL',
  sslpassword: 'password-protected key files are not supported; choose a key file without a passphrase',
  host: `put the host in the URL itself (${EXAMPLE})`,
  hostaddr: `put the host in the URL itself (${EXAMPLE})`,
  port: `put the port in the URL itself (${EXAMPLE})`,
  dbname: `put the database in the URL's path (${EXAMPLE})`,
  user: `put the user in the URL itself (${EXAMPLE})`,
  ssl: 'use sslmode=require, verify-ca or verify-full instead',
};

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const IPV6 = /^\[([0-9a-f:.]+)\]$/;
// eslint-disable-next-line no-control-regex -- the point is to refuse control characters
const CONTROL = /[\u0000-\u001f\u007f]/;

function problem(code: UrlProblem['code'], parameter: string, message: string): ParsedServerUrl {
  return { ok: false, problem: { code, parameter, message } };
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

function validHost(hostname: string): string | undefined {
  const host = hostname.toLowerCase();
  const v6 = IPV6.exec(host);
  if (v6) return v6[1]?.includes(':') ? v6[1] : undefined;
  if (IPV4.test(host)) return host;
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (name.length === 0 || name.length > 253) return undefined;
  return name.split('.').every((label) => DNS_LABEL.test(label)) ? name : undefined;
}

/**
 * Parses a server URL (`postgresql://`, `postgres://`, or SQLAlchemy's `postgresql+driver://`)
 * into a ServerAddress and the password it carried, or says what is wrong with it, naming the
 * part. Never echoes a password.
 */
export function parseServerUrl(input: string): ParsedServerUrl {
  const text = input.trim();
  if (text.length === 0) return problem('invalid_db_url', 'url', `Enter the server URL, for example ${EXAMPLE}.`);
  if (text.length > MAX_URL_LENGTH) return problem('invalid_db_url', 'url', `The server URL is longer than ${MAX_URL_LENGTH} characters.`);
  if (CONTROL.test(text)) return problem('invalid_db_url', 'url', 'The server URL contains control characters.');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (!scheme || !/^postgres(?:ql)?(?:\+[a-z0-9_]+)?$/i.test(scheme[1] ?? '')) {
    return problem('invalid_db_url', 'url', `The server URL must start with postgresql:// (for example ${EXAMPLE}).`);
  }
  const normalised = `postgresql://${text.slice(scheme[0].length)}`;
  let url: URL;
  try {
    url = new URL(normalised);
  } catch {
    return problem('invalid_db_url', 'url', `The server URL is not a valid URL; expected ${EXAMPLE}.`);
  }
  if (url.hash) return problem('invalid_db_url', 'url', 'The server URL must not contain "#".');

  const host = validHost(url.hostname);
  if (url.hostname === '') return problem('invalid_db_url', 'host', `The server URL names no host; expected ${EXAMPLE}.`);
  if (!host) {
    return problem(
      'invalid_db_url',
      'host',
      /%2f|^\//i.test(url.hostname)
        ? 'Unix-socket hosts are not supported; connect with a host name and port.'
        : url.hostname.includes(',')
          ? 'Give one host only.'
          : 'The host in the server URL is not a valid host name or IP address.',
    );
  }

  const port = url.port === '' ? DEFAULT_PORT : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return problem('invalid_db_url', 'port', 'The port must be a number from 1 to 65535.');

  const user = decode(url.username);
  if (user === undefined || CONTROL.test(user)) return problem('invalid_db_url', 'user', 'The user name in the server URL is not validly encoded.');
  if (user === '') return problem('invalid_db_url', 'user', `The server URL names no user; expected ${EXAMPLE}.`);
  if (user.length > 128) return problem('invalid_db_url', 'user', 'The user name is longer than 128 characters.');

  const path = url.pathname.replace(/^\//, '');
  if (path.includes('/')) return problem('invalid_db_url', 'database', `The database is the one part after the host; expected ${EXAMPLE}.`);
  const database = path === '' ? user : decode(path);
  if (database === undefined || CONTROL.test(database)) return problem('invalid_db_url', 'database', 'The database name in the server URL is not validly encoded.');
  if (byteLength(database) > 63) return problem('invalid_db_url', 'database', 'The database name is longer than PostgreSQL allows (63 bytes).');

  let password = url.password === '' ? undefined : decode(url.password);
  if (url.password !== '' && password === undefined) return problem('invalid_db_url', 'password', 'The password in the server URL is not validly encoded.');

  let sslMode: SslMode = 'disable';
  let connectTimeoutSeconds: number | null = null;
  let applicationName: string | null = null;
  const seen = new Set<string>();
  // Split by hand: URLSearchParams would read "+" as a space, which libpq does not.
  for (const pair of url.search.replace(/^\?/, '').split('&')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    const name = decode(at < 0 ? pair : pair.slice(0, at))?.toLowerCase();
    const value = at < 0 ? '' : decode(pair.slice(at + 1));
    if (name === undefined || value === undefined) return problem('invalid_db_url', 'query', 'A parameter of the server URL is not validly encoded.');
    if (seen.has(name)) return problem('db_url_parameter', name, `The server URL gives "${name}" twice.`);
    seen.add(name);
    if (name === 'password') {
      if (password !== undefined) return problem('db_url_parameter', 'password', 'The server URL carries two passwords; give one.');
      password = value;
      continue;
    }
    if (name in REFUSED_WITH_REASON) {
      const code = /^ssl(root)?cert$|^sslkey$|^sslcrl/.test(name) ? 'db_url_file_parameter' : 'db_url_parameter';
      return problem(code, name, `The server URL may not set "${name}": ${REFUSED_WITH_REASON[name]}.`);
    }
    if (!(ALLOWED_PARAMETERS as readonly string[]).includes(name)) {
      return problem('db_url_parameter', name, `The server URL parameter "${name.slice(0, 40)}" is not supported; allowed: ${ALLOWED_PARAMETERS.join(', ')}.`);
    }
    if (name === 'sslmode') {
      if (value === 'allow' || value === 'prefer') {
        return problem('db_url_parameter', name, `sslmode=${value} may connect without encryption without saying so; use sslmode=require (encrypted) or sslmode=disable.`);
      }
      if (!(SSL_MODES as readonly string[]).includes(value)) return problem('db_url_parameter', name, `sslmode must be one of ${SSL_MODES.join(', ')}.`);
      sslMode = value as SslMode;
    } else if (name === 'connect_timeout') {
      const seconds = /^\d{1,4}$/.test(value) ? Number(value) : Number.NaN;
      if (!(seconds >= 0 && seconds <= 3600)) return problem('db_url_parameter', name, 'connect_timeout must be a whole number of seconds from 0 to 3600.');
      connectTimeoutSeconds = seconds;
    } else {
      if (!/^[\x20-\x7e]{1,63}$/.test(value)) return problem('db_url_parameter', name, 'application_name must be 1 to 63 printable ASCII characters.');
      applicationName = value;
    }
  }
  return { ok: true, address: { host, port, database, user, sslMode, connectTimeoutSeconds, applicationName }, password };
}

function hostPart(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** The URL to show and to edit: no password, no file paths, only what the address holds. */
export function serverUrl(address: ServerAddress): string {
  const query: string[] = [];
  if (address.sslMode !== 'disable') query.push(`sslmode=${address.sslMode}`);
  if (address.connectTimeoutSeconds !== null) query.push(`connect_timeout=${address.connectTimeoutSeconds}`);
  if (address.applicationName !== null) query.push(`application_name=${encodeURIComponent(address.applicationName)}`);
  return `postgresql://${encodeURIComponent(address.user)}@${hostPart(address.host)}:${address.port}/${encodeURIComponent(address.database)}${query.length ? `?${query.join('&')}` : ''}`;
}

/** host:port/database, for messages. */
export function serverWhere(address: Pick<ServerAddress, 'host' | 'port' | 'database'>): string {
  return `${hostPart(address.host)}:${address.port}/${address.database}`;
}

/**
 * What a stored password is bound to: it is only ever sent to this user on this server with these
 * TLS settings. Change any of them without typing the password again and it is forgotten, so a
 * settings change can never send a saved password somewhere else.
 */
export function secretBinding(server: ServerSettings): string {
  const { host, port, user, sslMode, certificates } = server;
  return JSON.stringify([host, port, user, sslMode, certificates.rootCert, certificates.cert, certificates.key]);
}

/**
 * The TLS rules that need the certificate files too (libpq's): verify-ca needs a root certificate;
 * a client certificate and its key come together; certificates mean nothing with sslmode=disable.
 */
export function certificateProblem(sslMode: SslMode, certificates: ServerCertificates): string | undefined {
  const any = certificates.rootCert !== null || certificates.cert !== null || certificates.key !== null;
  if (sslMode === 'disable' && any) return 'Certificate files are used only with TLS: add ?sslmode=require, verify-ca or verify-full to the URL, or remove the files.';
  if (sslMode === 'verify-ca' && certificates.rootCert === null) return 'sslmode=verify-ca needs a root certificate: choose the file that signed the server certificate.';
  if ((certificates.cert === null) !== (certificates.key === null)) return 'A client certificate and its key go together: choose both, or neither.';
  return undefined;
}
