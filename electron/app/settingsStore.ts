/**
 * Settings persisted in the user-data folder as JSON. A server password is stored only encrypted
 * by the OS (Electron's safeStorage); where the OS cannot encrypt (Linux without a keyring) it is
 * never written down: the app keeps it for the session and asks again next time.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { LakeSettings, Settings } from '../../shared/contract';
import { parseS3Url } from '../lake/s3Location';
import { normaliseDatabaseUrl } from '../db/connection';
import { validateSchemaName } from '../db/identifiers';
import { UsageError } from '../etl/errors';
import type { Logger } from '../etl/logger';
import type { SecretStore } from './platform';

const stored = z.object({
  version: z.literal(1),
  database: z.discriminatedUnion('mode', [z.object({ mode: z.literal('embedded') }), z.object({ mode: z.literal('server'), url: z.string() })]),
  schema: z.string(),
  dateOrder: z.enum(['auto', 'mdy', 'dmy']),
  suspiciousPolicy: z.enum(['warn', 'quarantine']),
  /** base64 of the OS-encrypted password, only when the OS can encrypt. */
  secret: z.string().optional(),
  /** The data-lake export target (no credentials: those come from the AWS chain). */
  lake: z
    .object({ parquetDir: z.string().nullable(), s3Url: z.string().nullable(), region: z.string().nullable(), endpoint: z.string().nullable() })
    .optional(),
});
type Stored = z.infer<typeof stored>;

const DEFAULTS: Stored = { version: 1, database: { mode: 'embedded' }, schema: 'healthtech', dateOrder: 'auto', suspiciousPolicy: 'warn' };

export interface SettingsUpdate {
  database: { mode: 'embedded' } | { mode: 'server'; url: string; password?: string | null };
  schema: string;
  dateOrder: Settings['dateOrder'];
  suspiciousPolicy: Settings['suspiciousPolicy'];
  lake?: LakeSettings;
}

const NO_LAKE: LakeSettings = { parquetDir: null, s3Url: null, region: null, endpoint: null };

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
      secretStorage: this.secrets.available() ? 'available' : 'unavailable',
      lake: this.lake(),
    };
  }

  lake(): LakeSettings {
    return this.current.lake ?? NO_LAKE;
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
    const lake = update.lake ? checkLake(update.lake) : this.current.lake;
    this.current = {
      version: 1,
      database,
      schema,
      dateOrder: update.dateOrder,
      suspiciousPolicy: update.suspiciousPolicy,
      ...(secret ? { secret } : {}),
      ...(lake ? { lake } : {}),
    };
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

/** Blank fields are no setting; the S3 URL and endpoint must be usable (one clear message each). */
function checkLake(lake: LakeSettings): LakeSettings {
  const tidy = (value: string | null) => (value === null || value.trim() === '' ? null : value.trim());
  const checked = { parquetDir: tidy(lake.parquetDir), s3Url: tidy(lake.s3Url), region: tidy(lake.region), endpoint: tidy(lake.endpoint) };
  if (checked.parquetDir !== null && !path.isAbsolute(checked.parquetDir)) {
    throw new UsageError('invalid_parquet_dir', `The Parquet folder must be a full path, not "${checked.parquetDir}".`, { setting: 'parquet_dir' });
  }
  if (checked.s3Url !== null) parseS3Url(checked.s3Url, 'The S3 URL');
  if (checked.endpoint !== null && !/^https?:\/\/[^/\s]+/i.test(checked.endpoint)) {
    throw new UsageError('invalid_s3_endpoint', `The S3 endpoint must be an http(s) URL, not "${checked.endpoint}".`, { setting: 's3_endpoint' });
  }
  return checked;
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
