/**
 * Where the data goes: a server URL (DB_URL / --db_url / settings) or, with none configured, the
 * embedded PostgreSQL the project manages itself. Either way callers get a pg Pool and a label to
 * show people, never the password.
 */
import pg from './pgModule';
import { UsageError } from '../etl/errors';
import { silentLogger, type Logger } from '../etl/logger';
import { toDatabaseError, type ServerLabel } from './databaseErrors';
import { startEmbeddedPostgres, type EmbeddedServer } from './embeddedPostgres';
import { redactUrl } from './redact';
import type { ConnectionRecipe, ServerConnection } from './serverConnection';

export interface DatabaseTarget {
  /** A server URL (the CLI: typed by the person running it); with neither url nor server, the embedded server. */
  url?: string;
  /** A server from the app's settings: a typed config, never parsed from text again. */
  server?: ServerConnection;
  /** Data folder of the embedded server. */
  embeddedDataDir: string;
  /** Override for packaged apps, where the server binaries are unpacked from the asar. */
  embeddedBinDir?: string;
  /** What to do when running as root (see EmbeddedPostgresOptions.asRoot). */
  embeddedAsRoot?: 'use-system-user' | 'refuse';
}

export interface Database {
  pool: pg.Pool;
  recipe: ConnectionRecipe;
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

/** A pool for a connection string (the CLI, the embedded server) or a config object (app settings). */
export function createPool(target: string | pg.ClientConfig, logger: Logger = silentLogger, max = 4): pg.Pool {
  const pool = new pg.Pool({
    connectionTimeoutMillis: 10_000,
    application_name: 'healthtech-etl',
    ...(typeof target === 'string' ? { connectionString: target } : target),
    max,
    idleTimeoutMillis: 30_000,
  });
  // An idle client whose server goes away emits 'error' on the pool; without a listener Node
  // would crash the process. Log it and let the pool replace the client.
  pool.on('error', (error) => logger.log('warn', 'idle database connection lost', { error: (error as Error).message.slice(0, 200) }));
  return pool;
}

/**
 * Opens sessions ahead of need, while the server would otherwise wait (the CLI: during the read),
 * and leaves them idle in the pool. The end of a CLI run asks three at once (the load's, still
 * tidying up, and the answers' two), and each new one costs a connection and its password
 * exchange (~20–80 ms on a busy 2-core machine). Failures are left to the work that needs them.
 */
export async function warmPool(pool: pg.Pool, sessions: number): Promise<void> {
  const clients = await Promise.allSettled(Array.from({ length: sessions }, () => pool.connect()));
  for (const client of clients) if (client.status === 'fulfilled') client.value.release();
}

export async function openDatabase(target: DatabaseTarget, logger: Logger = silentLogger): Promise<Database> {
  let embedded: EmbeddedServer | undefined;
  let label: ServerLabel;
  let pool: pg.Pool;
  let display: string;
  let recipe: ConnectionRecipe;
  if (target.server) {
    ({ label, display } = target.server);
    recipe = { server: target.server.settings, password: target.server.password };
    pool = createPool(target.server.config, logger);
  } else if (target.url) {
    const url = normaliseDatabaseUrl(target.url);
    label = serverLabel(url);
    pool = createPool(url, logger);
    display = redactUrl(url);
    recipe = { url };
  } else {
    embedded = await startEmbeddedPostgres({
      dataDir: target.embeddedDataDir,
      logger,
      ...(target.embeddedBinDir ? { binDir: target.embeddedBinDir } : {}),
      ...(target.embeddedAsRoot ? { asRoot: target.embeddedAsRoot } : {}),
    });
    label = serverLabel(embedded.connectionString);
    pool = createPool(embedded.connectionString, logger);
    recipe = { url: embedded.connectionString };
    display = `embedded PostgreSQL (${target.embeddedDataDir}, port ${embedded.port})`;
  }
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
    recipe,
    label,
    display,
    embedded: embedded !== undefined,
    async close() {
      await pool.end().catch(() => undefined);
      await embedded?.stop();
    },
  };
}
