/**
 * The app's one database connection: the embedded server (default) or the configured server.
 * Starts at launch, reconnects when settings change, stops at quit, and reports its state as an
 * event so the UI always shows where data goes and what is wrong.
 */
import path from 'node:path';
import type { DatabaseStatus, ErrorData } from '../../shared/contract';
import { serverUrl } from '../../shared/serverSettings';
import { createPool, openDatabase, type Database } from '../db/connection';
import { toDatabaseError } from '../db/databaseErrors';
import { serverConnection } from '../db/serverConnection';
import { DatabaseError } from '../etl/errors';
import { toErrorData } from '../etl/errorData';
import type { Logger } from '../etl/logger';
import type { EventSink, PlatformServices } from './platform';
import type { ServerTarget, SettingsStore } from './settingsStore';

/** Error codes that mean the server itself is gone, not that one request was refused. */
const LOST = new Set(['db_connection_lost', 'db_unreachable', 'db_not_ready']);

export class DatabaseManager {
  private database: Database | undefined;
  private state: DatabaseStatus = { state: 'starting', mode: 'embedded', display: 'embedded PostgreSQL' };
  private starting: Promise<DatabaseStatus> | undefined;

  constructor(
    private readonly settings: SettingsStore,
    private readonly userDataDir: string,
    private readonly emit: EventSink,
    private readonly logger: Logger,
    private readonly embeddedAsRoot: PlatformServices['embeddedAsRoot'] = 'use-system-user',
  ) {}

  status(): DatabaseStatus {
    return this.state;
  }

  /** The ready database, or a DatabaseError that says why there is none. */
  ready(): Database {
    if (this.database && this.state.state === 'ready') return this.database;
    const why = this.state.state === 'error' ? this.state.error.message : this.state.state === 'needs_password' ? 'the server password is needed' : 'it is still starting';
    throw new DatabaseError('db_not_ready', `The database is not available: ${why}. See Settings.`);
  }

  schema(): string {
    return this.settings.schema();
  }

  /** (Re)connects according to the current settings. Concurrent calls share one attempt. */
  start(): Promise<DatabaseStatus> {
    this.starting ??= this.connect().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /**
   * A request failed: if it failed because the server is gone (crashed, stopped, unreachable),
   * say so in the status, so the app shows it and offers to reconnect.
   */
  noteFailure(error: unknown): void {
    const data = toErrorData(error);
    if (this.state.state !== 'ready' || !LOST.has(data.code)) return;
    const where = this.state.mode === 'embedded' ? 'The embedded database stopped' : 'The database server stopped answering';
    this.set({
      state: 'error',
      mode: this.state.mode,
      display: this.state.display,
      // What the analyst reads; the server's own words stay in the detail.
      error: { ...data, message: `${where}. The data loaded before is safe; choose Reconnect to continue.`, detail: { ...data.detail, serverMessage: data.message } },
    });
  }

  async restart(): Promise<DatabaseStatus> {
    await this.stop();
    return this.start();
  }

  async stop(): Promise<void> {
    // A start still under way would otherwise leave its server running after we return.
    await this.starting?.catch(() => undefined);
    const database = this.database;
    this.database = undefined;
    await database?.close().catch((error: unknown) => this.logger.log('warn', 'database close failed', { error: String(error).slice(0, 120) }));
  }

  private async connect(): Promise<DatabaseStatus> {
    const server = this.settings.server();
    const embeddedDataDir = path.join(this.userDataDir, 'postgres');
    const mode = server ? 'server' : 'embedded';
    const display = server ? serverUrl(server.server) : `embedded PostgreSQL (${embeddedDataDir})`;
    this.set({ state: 'starting', mode, display });
    try {
      const database = await openDatabase(
        server ? { server: serverConnection(server.server, server.password), embeddedDataDir } : { embeddedDataDir, embeddedAsRoot: this.embeddedAsRoot },
        this.logger,
      );
      const { rows } = await database.pool.query<{ version: string }>("SELECT current_setting('server_version') AS version");
      this.database = database;
      // An idle connection dropped by the server means the server went away: show it.
      database.pool.on('error', (error) => this.noteFailure(toDatabaseError(error, database.label, 'keeping the connection')));
      return this.set({ state: 'ready', mode, display: database.display, serverVersion: rows[0]?.version ?? '?', schema: this.settings.schema() });
    } catch (error) {
      const data: ErrorData = toErrorData(error);
      if (server && (data.code === 'db_auth_failed' || /password/i.test(data.message)) && server.password === undefined) {
        return this.set({ state: 'needs_password', mode: 'server', display });
      }
      if (server && data.code === 'db_auth_failed') return this.set({ state: 'needs_password', mode: 'server', display, error: data });
      return this.set({ state: 'error', mode, display, error: data });
    }
  }

  private set(state: DatabaseStatus): DatabaseStatus {
    this.state = state;
    this.emit('db/status', state);
    this.logger.log(state.state === 'error' ? 'warn' : 'info', `database ${state.state}`, { target: state.display, code: 'error' in state ? state.error?.code : undefined });
    return state;
  }
}

/** Checks a server without changing anything: connects, reads the version, closes. */
export async function testConnection(target: ServerTarget, logger: Logger): Promise<{ serverVersion: string; display: string }> {
  const connection = serverConnection(target.server, target.password);
  const pool = createPool(connection.config, logger, 1);
  try {
    const { rows } = await pool.query<{ version: string }>("SELECT current_setting('server_version') AS version");
    const version = rows[0]?.version ?? '?';
    if (Number.parseInt(version, 10) < 13) {
      throw new DatabaseError('db_too_old', `The server runs PostgreSQL ${version}; version 13 or newer is needed.`);
    }
    return { serverVersion: version, display: connection.display };
  } catch (error) {
    throw toDatabaseError(error, connection.label, 'testing the connection');
  } finally {
    await pool.end().catch(() => undefined);
  }
}
