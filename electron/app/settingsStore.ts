/**
 * Settings persisted in the user-data folder as JSON. A server password is stored only encrypted
 * by the OS (Electron's safeStorage); where the OS cannot encrypt (Linux without a keyring) it is
 * never written down: the app keeps it for the session and asks again next time.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Settings } from '../../shared/contract';
import { normaliseDatabaseUrl } from '../db/connection';
import { validateSchemaName } from '../db/identifiers';
import { UsageError } from '../etl/errors';
import { dayFromIso } from '../etl/rules/calendar';
import type { Logger } from '../etl/logger';
import type { SecretStore } from './platform';

const stored = z.object({
  version: z.literal(1),
  database: z.discriminatedUnion('mode', [z.object({ mode: z.literal('embedded') }), z.object({ mode: z.literal('server'), url: z.string() })]),
  schema: z.string(),
  dateOrder: z.enum(['auto', 'mdy', 'dmy']),
  suspiciousPolicy: z.enum(['warn', 'quarantine']),
  /** A fixed run date for rule 9; absent or null: the day of each run. */
  runDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable()
    .optional(),
  /** base64 of the OS-encrypted password, only when the OS can encrypt. */
  secret: z.string().optional(),
});
type Stored = z.infer<typeof stored>;

const DEFAULTS: Stored = { version: 1, database: { mode: 'embedded' }, schema: 'healthtech', dateOrder: 'auto', suspiciousPolicy: 'warn' };

export interface SettingsUpdate {
  database: { mode: 'embedded' } | { mode: 'server'; url: string; password?: string | null };
  schema: string;
  dateOrder: Settings['dateOrder'];
  suspiciousPolicy: Settings['suspiciousPolicy'];
  runDate?: string | null | undefined;
}

export class SettingsStore {
  private current: Stored = DEFAULTS;
  /** The password for this session when it cannot (or may not) be stored. */
  private sessionPassword: string | undefined;

  constructor(
    private readonly file: string,
    private readonly secrets: SecretStore,
    private readonly logger: Logger,
  ) {}

  async load(): Promise<void> {
    if (!existsSync(this.file)) return;
    try {
      this.current = stored.parse(JSON.parse(await readFile(this.file, 'utf8')));
    } catch (error) {
      // A damaged settings file must not stop the app: keep it aside and start from defaults.
      const aside = `${this.file}.damaged-${Date.now()}`;
      await rename(this.file, aside).catch(() => undefined);
      this.logger.log('warn', 'settings file was damaged; defaults used', { kept_as: path.basename(aside), error: (error as Error).message.slice(0, 120) });
      this.current = DEFAULTS;
    }
  }

  view(): Settings {
    const c = this.current;
    return {
      database: c.database.mode === 'embedded' ? { mode: 'embedded' } : { mode: 'server', url: c.database.url, hasPassword: this.password() !== undefined },
      schema: c.schema,
      dateOrder: c.dateOrder,
      suspiciousPolicy: c.suspiciousPolicy,
      runDate: c.runDate ?? null,
      secretStorage: this.secrets.available() ? 'available' : 'unavailable',
    };
  }

  /** The server URL and password to connect with, or undefined for the embedded server. */
  server(): { url: string; password: string | undefined } | undefined {
    const db = this.current.database;
    return db.mode === 'server' ? { url: db.url, password: this.password() } : undefined;
  }

  schema(): string {
    return this.current.schema;
  }

  setSessionPassword(password: string): void {
    this.sessionPassword = password;
  }

  async save(update: SettingsUpdate): Promise<Settings> {
    const schema = validateSchemaName(update.schema);
    let database: Stored['database'] = { mode: 'embedded' };
    let secret = this.current.secret;
    if (update.database.mode === 'server') {
      const { url, password: fromUrl } = splitPassword(update.database.url);
      database = { mode: 'server', url };
      const password = update.database.password === undefined ? fromUrl : update.database.password;
      if (password === null) {
        secret = undefined;
        this.sessionPassword = undefined;
      } else if (password !== undefined) {
        this.sessionPassword = password;
        secret = this.secrets.available() ? this.secrets.encrypt(password).toString('base64') : undefined;
      }
    } else {
      secret = undefined;
      this.sessionPassword = undefined;
    }
    const runDate = update.runDate === undefined ? this.current.runDate : update.runDate;
    if (runDate && dayFromIso(runDate) === null) throw new UsageError('invalid_run_date', `The run date "${runDate}" is not a real date (YYYY-MM-DD).`, { setting: 'run_date' });
    this.current = { version: 1, database, schema, dateOrder: update.dateOrder, suspiciousPolicy: update.suspiciousPolicy, ...(runDate ? { runDate } : {}), ...(secret ? { secret } : {}) };
    await mkdir(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.tmp`;
    await writeFile(temp, `${JSON.stringify(this.current, null, 2)}\n`, { mode: 0o600 });
    await rename(temp, this.file);
    return this.view();
  }

  private password(): string | undefined {
    if (this.sessionPassword !== undefined) return this.sessionPassword;
    if (this.current.secret && this.secrets.available()) {
      try {
        return this.secrets.decrypt(Buffer.from(this.current.secret, 'base64'));
      } catch {
        this.logger.log('warn', 'the stored password could not be decrypted; it will be asked for');
      }
    }
    return undefined;
  }
}

/** Takes a password out of a pasted URL so it is never stored in plain text. */
export function splitPassword(input: string): { url: string; password: string | undefined } {
  let parsed: URL;
  try {
    parsed = new URL(normaliseDatabaseUrl(input));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError('invalid_db_url', 'The server URL is not valid; expected postgresql://user@host:5432/database.', { setting: 'db_url' });
  }
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  parsed.password = '';
  return { url: parsed.toString(), password };
}

/** The URL with the password put back in, for connecting only (never stored or shown). */
export function withPassword(url: string, password: string | undefined): string {
  if (password === undefined) return url;
  const parsed = new URL(url);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}
