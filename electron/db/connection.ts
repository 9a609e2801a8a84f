/**
 * Where the data goes: a server URL (DB_URL / --db_url / settings) or, with none configured, the
 * embedded PostgreSQL the project manages itself. Either way callers get a pg Pool and a label to
 * show people, never the password.
 */
import pg from 'pg';
import { UsageError } from '../etl/errors';
import { silentLogger, type Logger } from '../etl/logger';
import { toDatabaseError, type ServerLabel } from './databaseErrors';
import { startEmbeddedPostgres, type EmbeddedServer } from './embeddedPostgres';
import { redactUrl } from './redact';

export interface DatabaseTarget {
  /** A server URL; undefined means the embedded server. */
  url?: string;
  /** Data folder of the embedded server. */
  embeddedDataDir: string;
  /** Override for packaged apps, where the server binaries are unpacked from the asar. */
  embeddedBinDir?: string;
}

export interface Database {
  pool: pg.Pool;
  label: ServerLabel;
  /** For logs and the UI: the URL with the password masked, or "embedded PostgreSQL (folder)". */
  display: string;
  embedded: boolean;
  close(): Promise<void>;
}

/** Accepts `postgres://`, `postgresql://` and SQLAlchemy-style `postgresql+psycopg2://` URLs. */
export function normaliseDatabaseUrl(url: string): string {
  const trimmed = url.trim();
  const normalised = trimmed.replace(/^postgres(?:ql)?\+[a-z0-9_]+:\/\//i, 'postgresql://');
  let parsed: URL;
  try {
    parsed = new URL(normalised);
  } catch {
    throw new UsageError('invalid_db_url', `database URL ${redactUrl(trimmed)} is not a URL; expected postgresql://user:password@host:5432/database.`, {
      setting: 'db_url',
    });
  }
  if (!/^postgres(ql)?:$/.test(parsed.protocol)) {
    throw new UsageError('invalid_db_url', `database URL ${redactUrl(trimmed)} must start with postgresql://.`, { setting: 'db_url' });
  }
  return normalised;
}

export function serverLabel(url: string): ServerLabel {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || decodeURIComponent(parsed.username) || 'postgres';
  return {
    where: `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}/${database}`,
    user: decodeURIComponent(parsed.username) || undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
  };
}

export function createPool(url: string, logger: Logger = silentLogger, max = 4): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'healthtech-etl',
  });
  // An idle client whose server goes away emits 'error' on the pool; without a listener Node
  // would crash the process. Log it and let the pool replace the client.
  pool.on('error', (error) => logger.log('warn', 'idle database connection lost', { error: (error as Error).message.slice(0, 200) }));
  return pool;
}

export async function openDatabase(target: DatabaseTarget, logger: Logger = silentLogger): Promise<Database> {
  let embedded: EmbeddedServer | undefined;
  let url: string;
  if (target.url) {
    url = normaliseDatabaseUrl(target.url);
  } else {
    embedded = await startEmbeddedPostgres({
      dataDir: target.embeddedDataDir,
      logger,
      ...(target.embeddedBinDir ? { binDir: target.embeddedBinDir } : {}),
    });
    url = embedded.connectionString;
  }
  const label = serverLabel(url);
  const pool = createPool(url, logger);
  const display = embedded ? `embedded PostgreSQL (${target.embeddedDataDir}, port ${embedded.port})` : redactUrl(url);
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw toDatabaseError(error, label, 'connecting');
  }
  logger.log('info', 'database ready', { target: display });
  return {
    pool,
    label,
    display,
    embedded: embedded !== undefined,
    async close() {
      await pool.end().catch(() => undefined);
      await embedded?.stop();
    },
  };
}
