/**
 * Settings persisted in the user-data folder as JSON, validated when saved and again when loaded
 * (a damaged or tampered file → defaults and a notice, never a crash).
 *
 * A server is stored as a typed object (shared/serverSettings.ts), never as URL text. Its password
 * is stored only encrypted by the OS (Electron's safeStorage); where the OS cannot encrypt (Linux
 * without a keyring) it is never written down: the app keeps it for the session and asks again
 * next time. A password is never sent back to the renderer, and goes only to the server it was
 * given for: change the host, port, user or TLS settings without typing it again and it is
 * forgotten. Certificate files are only those the person chose in the file dialog.
 */
import { lstat, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { LakeSettings, Settings, SettingsNotice } from '../../shared/contract';
import {
  CERTIFICATE_LABELS,
  CERTIFICATE_ROLES,
  certificateProblem,
  NO_CERTIFICATES,
  parseServerUrl,
  secretBinding,
  serverUrl,
  SSL_MODES,
  type CertificateRole,
  type ServerCertificates,
  type ServerSettings,
} from '../../shared/serverSettings';
import { parseS3Url } from '../lake/s3Location';
import { validateSchemaName } from '../db/identifiers';
import { UsageError } from '../etl/errors';
import { dayFromIso } from '../etl/rules/calendar';
import type { Logger } from '../etl/logger';
import type { SecretStore } from './platform';

/** A settings file is a few hundred bytes; a huge one is not ours. */
const MAX_SETTINGS_BYTES = 64 * 1024;

const absolutePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0') && path.isAbsolute(p), 'must be an absolute path');

const storedServer = z
  .object({
    host: z.string(),
    port: z.number(),
    database: z.string(),
    user: z.string(),
    sslMode: z.enum(SSL_MODES),
    connectTimeoutSeconds: z.number().nullable(),
    applicationName: z.string().nullable(),
    certificates: z.object({ rootCert: absolutePath.nullable(), cert: absolutePath.nullable(), key: absolutePath.nullable() }).strict(),
  })
  .strict()
  // The same rules as a URL typed on the Settings screen: written back as a URL, it must read back
  // to this very server (host names are compared as DNS does, without case).
  .transform((server, context): ServerSettings => {
    const again = parseServerUrl(serverUrl(server));
    if (!again.ok) {
      context.addIssue({ code: 'custom', message: again.problem.message, path: [again.problem.parameter] });
      return z.NEVER;
    }
    const a = again.address;
    const same =
      a.host === server.host.toLowerCase() &&
      a.port === server.port &&
      a.database === server.database &&
      a.user === server.user &&
      a.sslMode === server.sslMode &&
      a.connectTimeoutSeconds === server.connectTimeoutSeconds &&
      a.applicationName === server.applicationName;
    if (!same) {
      context.addIssue({ code: 'custom', message: 'does not describe one server plainly' });
      return z.NEVER;
    }
    const tls = certificateProblem(a.sslMode, server.certificates);
    if (tls) {
      context.addIssue({ code: 'custom', message: tls, path: ['certificates'] });
      return z.NEVER;
    }
    return { ...a, certificates: server.certificates };
  });

const schemaName = z.string().refine((name) => {
  try {
    validateSchemaName(name);
    return true;
  } catch {
    return false;
  }
}, 'is not a valid schema name');

const stored = z.object({
  version: z.literal(1),
  // A plain union: two shapes share mode 'server' (the typed one, and an earlier version's URL).
  database: z.union([
    z.object({ mode: z.literal('embedded') }).strict(),
    z.object({ mode: z.literal('server'), server: storedServer }).strict(),
    // Written by earlier versions: the URL text. Read once, migrated (see load()).
    z.object({ mode: z.literal('server'), url: z.string().max(4096) }).strict(),
  ]),
  schema: schemaName,
  dateOrder: z.enum(['auto', 'mdy', 'dmy']),
  suspiciousPolicy: z.enum(['warn', 'quarantine']),
  /** A fixed run date for rule 9; absent or null: the day of each run. */
  runDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable()
    .optional(),
  /** base64 of the OS-encrypted password, only when the OS can encrypt. */
  secret: z.string().max(8192).optional(),
  /** The data-lake export target (no credentials: those come from the AWS chain); checked again when loaded. */
  lake: z
    .object({
      parquetDir: z.string().max(4096).nullable(),
      s3Url: z.string().max(4096).nullable(),
      region: z.string().max(64).nullable(),
      endpoint: z.string().max(4096).nullable(),
    })
    .strict()
    .optional(),
});
type Stored = z.infer<typeof stored>;
type StoredDatabase = { mode: 'embedded' } | { mode: 'server'; server: ServerSettings };
type Current = Omit<Stored, 'database'> & { database: StoredDatabase };

const DEFAULTS: Current = { version: 1, database: { mode: 'embedded' }, schema: 'healthtech', dateOrder: 'auto', suspiciousPolicy: 'warn' };

export type CertificateChoice = Partial<Record<CertificateRole, string | null>>;

export interface ServerUpdate {
  mode: 'server';
  /** The URL as typed; parsed here with the allow-list. */
  url: string;
  /** undefined: keep the stored one (same server only); null: forget it; a string: use it. */
  password?: string | null;
  /** Each file as chosen with the dialog, or null for none. Absent: none. */
  certificates?: CertificateChoice;
}

export interface SettingsUpdate {
  database: { mode: 'embedded' } | ServerUpdate;
  schema: string;
  dateOrder: Settings['dateOrder'];
  suspiciousPolicy: Settings['suspiciousPolicy'];
  lake?: LakeSettings;
  runDate?: string | null | undefined;
}

/** A server to connect to and the password for it (undefined: none known). */
export interface ServerTarget {
  server: ServerSettings;
  password: string | undefined;
}

const NO_LAKE: LakeSettings = { parquetDir: null, s3Url: null, region: null, endpoint: null };

export class SettingsStore {
  private current: Current = DEFAULTS;
  /** The password for this session, with the server it was given for. */
  private session: { password: string; binding: string } | undefined;
  /** Certificate files the person chose in the dialog this session. */
  private readonly chosenCertificates = new Set<string>();
  private notice: SettingsNotice | undefined;

  constructor(
    private readonly file: string,
    private readonly secrets: SecretStore,
    private readonly logger: Logger,
  ) {}

  async load(): Promise<void> {
    let text: string;
    try {
      const info = await lstat(this.file);
      if (!info.isFile() || info.size > MAX_SETTINGS_BYTES) throw new Error(info.isFile() ? 'the file is too large' : 'not a file');
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      await this.setAside((error as Error).message);
      return;
    }
    const result = stored.safeParse(safeJson(text));
    if (!result.success) {
      const issue = result.error.issues[0];
      await this.setAside(issue ? `${issue.path.join('.') || 'file'}: ${issue.message}` : 'not valid');
      return;
    }
    const { database, ...rest } = result.data;
    if (rest.lake) {
      try {
        rest.lake = checkLake(rest.lake);
      } catch (error) {
        await this.setAside(`lake: ${(error as Error).message}`);
        return;
      }
    }
    if (database.mode === 'server' && 'url' in database) {
      await this.migrate(rest, database.url);
      return;
    }
    this.current = { ...rest, database };
  }

  /** A notice about the settings file (it was damaged and replaced by defaults), until the next save. */
  view(): Settings {
    const c = this.current;
    return {
      database:
        c.database.mode === 'embedded'
          ? { mode: 'embedded' }
          : { mode: 'server', url: serverUrl(c.database.server), certificates: { ...c.database.server.certificates }, hasPassword: this.password() !== undefined },
      schema: c.schema,
      dateOrder: c.dateOrder,
      suspiciousPolicy: c.suspiciousPolicy,
      runDate: c.runDate ?? null,
      secretStorage: this.secrets.available() ? 'available' : 'unavailable',
      ...(this.notice ? { notice: this.notice } : {}),
      lake: this.lake(),
    };
  }

  lake(): LakeSettings {
    return this.current.lake ?? NO_LAKE;
  }

  /** The server and password to connect with, or undefined for the embedded server. */
  server(): ServerTarget | undefined {
    const db = this.current.database;
    return db.mode === 'server' ? { server: db.server, password: this.password() } : undefined;
  }

  schema(): string {
    return this.current.schema;
  }

  /** A password typed for this session; it belongs to the server configured now. */
  setSessionPassword(password: string): void {
    const db = this.current.database;
    if (db.mode !== 'server') throw new UsageError('no_server', 'No server is configured; choose one in Settings first.', { setting: 'database' });
    this.session = { password, binding: secretBinding(db.server) };
  }

  /** A certificate file the person chose in the file dialog may now be used. */
  allowCertificate(file: string): void {
    this.chosenCertificates.add(path.resolve(file));
  }

  /**
   * The server a Settings request names (URL parsed with the allow-list, certificates checked to
   * be chosen ones), with the password the request gave or, for the very same server, the one
   * known now.
   */
  target(update: ServerUpdate): ServerTarget {
    const { server, password } = this.parse(update);
    const given = update.password === undefined ? password : (update.password ?? undefined);
    return { server, password: given ?? this.passwordFor(server) };
  }

  async save(update: SettingsUpdate): Promise<Settings> {
    const schema = validateSchemaName(update.schema);
    let database: StoredDatabase = { mode: 'embedded' };
    let secret = this.current.secret;
    if (update.database.mode === 'server') {
      const { server, password: fromUrl } = this.parse(update.database);
      database = { mode: 'server', server };
      const password = update.database.password === undefined ? fromUrl : update.database.password;
      if (password === null) {
        secret = undefined;
        this.session = undefined;
      } else if (password !== undefined) {
        this.session = { password, binding: secretBinding(server) };
        secret = this.secrets.available() ? this.secrets.encrypt(password).toString('base64') : undefined;
      } else if (this.current.database.mode !== 'server' || secretBinding(this.current.database.server) !== secretBinding(server)) {
        // Another server, user or TLS setting, and no password given: the old one is not for it.
        secret = undefined;
        this.session = undefined;
      }
    } else {
      secret = undefined;
      this.session = undefined;
    }
    const lake = update.lake ? checkLake(update.lake) : this.current.lake;
    const runDate = update.runDate === undefined ? this.current.runDate : update.runDate;
    if (runDate && dayFromIso(runDate) === null) throw new UsageError('invalid_run_date', `The run date "${runDate}" is not a real date (YYYY-MM-DD).`, { setting: 'run_date' });
    await this.write({
      version: 1,
      database,
      schema,
      dateOrder: update.dateOrder,
      suspiciousPolicy: update.suspiciousPolicy,
      ...(runDate ? { runDate } : {}),
      ...(secret ? { secret } : {}),
      ...(lake ? { lake } : {}),
    });
    this.notice = undefined;
    return this.view();
  }

  private parse(update: ServerUpdate): { server: ServerSettings; password: string | undefined } {
    const parsed = parseServerUrl(update.url);
    if (!parsed.ok) throw new UsageError(parsed.problem.code, parsed.problem.message, { setting: parsed.problem.parameter === 'url' ? 'db_url' : `db_url.${parsed.problem.parameter}` });
    const certificates: ServerCertificates = { ...NO_CERTIFICATES };
    const storedFiles = this.current.database.mode === 'server' ? this.current.database.server.certificates : NO_CERTIFICATES;
    for (const role of CERTIFICATE_ROLES) {
      const file = update.certificates?.[role] ?? null;
      if (file === null) continue;
      if (file !== storedFiles[role] && !this.chosenCertificates.has(path.resolve(file))) {
        throw new UsageError('file_not_chosen', `The ${CERTIFICATE_LABELS[role].label} ${path.basename(file)} was not chosen in this session; choose it again with "Choose…".`, {
          setting: CERTIFICATE_LABELS[role].parameter,
        });
      }
      certificates[role] = file;
    }
    const tls = certificateProblem(parsed.address.sslMode, certificates);
    if (tls) throw new UsageError('invalid_certificates', tls, { setting: 'certificates' });
    return { server: { ...parsed.address, certificates }, password: parsed.password };
  }

  /** The password known for exactly this server (user, host, port, TLS settings), if any. */
  private passwordFor(server: ServerSettings): string | undefined {
    const db = this.current.database;
    if (db.mode !== 'server' || secretBinding(db.server) !== secretBinding(server)) return undefined;
    return this.password();
  }

  private password(): string | undefined {
    const db = this.current.database;
    if (db.mode !== 'server') return undefined;
    if (this.session && this.session.binding === secretBinding(db.server)) return this.session.password;
    if (this.current.secret && this.secrets.available()) {
      try {
        return this.secrets.decrypt(Buffer.from(this.current.secret, 'base64'));
      } catch {
        this.logger.log('warn', 'the stored password could not be decrypted; it will be asked for');
      }
    }
    return undefined;
  }

  /** An earlier version stored the URL text (a `?password=` in it in plain text): store it typed. */
  private async migrate(rest: Omit<Stored, 'database'>, url: string): Promise<void> {
    const parsed = parseServerUrl(url);
    if (!parsed.ok) {
      await this.setAside(`database.url: ${parsed.problem.message}`);
      return;
    }
    const server: ServerSettings = { ...parsed.address, certificates: { ...NO_CERTIFICATES } };
    let secret = rest.secret;
    if (parsed.password !== undefined) {
      this.session = { password: parsed.password, binding: secretBinding(server) };
      secret = this.secrets.available() ? this.secrets.encrypt(parsed.password).toString('base64') : undefined;
    }
    const { secret: _old, ...withoutSecret } = rest;
    const next: Current = { ...withoutSecret, database: { mode: 'server', server }, ...(secret ? { secret } : {}) };
    try {
      await this.write(next);
      this.logger.log('info', 'settings file upgraded: the server is stored as its parts');
    } catch (error) {
      // Still usable for this session; the upgrade is tried again at the next start.
      this.logger.log('warn', 'settings file could not be upgraded', { error: (error as NodeJS.ErrnoException).code ?? 'error' });
    }
  }

  /** A settings file that cannot be used is kept aside, and the defaults apply, with a notice. */
  private async setAside(reason: string): Promise<void> {
    const aside = `${this.file}.damaged-${Date.now()}`;
    const kept = await rename(this.file, aside).then(
      () => true,
      () => false,
    );
    this.current = DEFAULTS;
    this.session = undefined;
    this.logger.log('warn', 'settings file could not be used; defaults used', { kept_as: kept ? path.basename(aside) : null, reason: reason.slice(0, 160) });
    this.notice = {
      code: 'settings_reset',
      message: `The settings file could not be used (${reason.slice(0, 160)}), so the defaults are in use: the embedded database and schema healthtech. ${
        kept ? `The old file was kept as ${path.basename(aside)}.` : ''
      } Check Settings and save.`.replace(/\s+/g, ' '),
    };
  }

  private async write(next: Current): Promise<void> {
    this.current = next;
    await mkdir(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.tmp`;
    await writeFile(temp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
    await rename(temp, this.file);
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

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
