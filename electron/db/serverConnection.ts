/**
 * Turns stored server settings into what `pg` connects with: a config object (never a connection
 * string, so nothing is parsed from text again and no path is read but the certificate files the
 * person chose), the label errors name, and the text the UI shows. TLS follows libpq's sslmode
 * meanings (see shared/serverSettings.ts).
 */
import fs from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type pg from 'pg';
import { CERTIFICATE_LABELS, serverUrl, serverWhere, type CertificateRole, type ServerSettings } from '../../shared/serverSettings';
import { DatabaseError, UsageError } from '../etl/errors';
import type { ServerLabel } from './databaseErrors';

export interface ServerConnection {
  config: pg.ClientConfig;
  /** What the config was built from: plain data another thread (the export worker) builds it again from. */
  settings: ServerSettings;
  password: string | undefined;
  label: ServerLabel;
  /** The URL without password or file paths. */
  display: string;
}

/** A PEM bundle is a few kilobytes; anything this big is not a certificate. */
const MAX_CERTIFICATE_BYTES = 1024 * 1024;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

function readCertificate(role: CertificateRole, file: string): string {
  const { label, parameter } = CERTIFICATE_LABELS[role];
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile() || stat.size > MAX_CERTIFICATE_BYTES) throw Object.assign(new Error('not a certificate file'), { code: stat.isFile() ? 'too large' : 'not a file' });
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError('certificate_unreadable', `The ${label} file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); choose it again in Settings.`, {
      setting: parameter,
    });
  }
}

function tlsOptions(server: ServerSettings): false | ConnectionOptions {
  const { sslMode, certificates } = server;
  if (sslMode === 'disable') return false;
  const options: ConnectionOptions = {};
  if (certificates.rootCert) options.ca = readCertificate('rootCert', certificates.rootCert);
  if (certificates.cert) options.cert = readCertificate('cert', certificates.cert);
  if (certificates.key) options.key = readCertificate('key', certificates.key);
  // libpq: require checks nothing unless a root certificate is given, then it acts as verify-ca;
  // verify-ca checks the chain but not the host name; verify-full checks both (with the system's
  // trusted authorities when no root certificate was chosen).
  const verifyChain = sslMode === 'verify-ca' || sslMode === 'verify-full' || (sslMode === 'require' && options.ca !== undefined);
  options.rejectUnauthorized = verifyChain;
  if (verifyChain && sslMode !== 'verify-full') options.checkServerIdentity = () => undefined;
  return options;
}

export function serverConnection(server: ServerSettings, password: string | undefined): ServerConnection {
  const config: pg.ClientConfig = {
    host: server.host,
    port: server.port,
    database: server.database,
    user: server.user,
    ssl: tlsOptions(server),
    application_name: server.applicationName ?? 'healthtech-etl',
    connectionTimeoutMillis: server.connectTimeoutSeconds === null ? DEFAULT_CONNECT_TIMEOUT_MS : server.connectTimeoutSeconds * 1000,
    // Without a password of ours, pg would fall back to PGPASSWORD or ~/.pgpass and send that to
    // whatever host the settings name; instead a server that asks gets nothing and we ask the person.
    password:
      password ??
      (() => {
        throw new DatabaseError('db_password_needed', `The server at ${serverWhere(server)} asks for a password for user "${server.user}"; enter it in Settings.`);
      }),
  };
  return { config, settings: server, password, label: { where: serverWhere(server), user: server.user, ...(password !== undefined ? { password } : {}) }, display: serverUrl(server) };
}

/**
 * How to open the same server again in another thread (the export worker): plain data that can be
 * posted to it. A pg config cannot be (its password callback and TLS hooks are functions), so a
 * server from the app's settings travels as the settings themselves and is rebuilt there.
 */
export type ConnectionRecipe = { url: string } | { server: ServerSettings; password: string | undefined };

/** The pg client config for a recipe (see ConnectionRecipe). */
export function clientConfig(recipe: ConnectionRecipe): pg.ClientConfig {
  return 'url' in recipe ? { connectionString: recipe.url } : serverConnection(recipe.server, recipe.password).config;
}
