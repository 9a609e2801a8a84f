/**
 * The IPC contract: every channel between the renderer and the main process, in one file.
 *
 * - Each channel is `'domain/action'`, with a zod schema for its request (the renderer is
 *   untrusted input, like any workbook: main validates every request) and a TypeScript type for
 *   its response (main is trusted).
 * - Every call answers a Result: `{ ok: true, value }` or `{ ok: false, error }` with a message for
 *   people and a code for logic. Handlers never throw across the boundary.
 * - Every value is plain JSON (no Date, Map or typed array), so the same contract also runs over
 *   HTTP in the end-to-end test bridge.
 * - Events flow main → renderer only, on the channels listed in `events`.
 *
 * Main registers exactly the handlers of `channels` (the compiler checks the table is complete);
 * the preload exposes exactly `bridgeChannels` plus the events; the renderer calls
 * `bridge.invoke(channel, request)` with types that follow from this file.
 */
import { z } from 'zod';
import { BRIDGE_CHANNELS, EVENT_NAMES, type BridgeChannel, type ChannelName, type EventName } from './channelNames';
import type {
  DateOrderOption,
  FileKind,
  Fix,
  FixRule,
  PlaceholderUse,
  PreviewReport,
  RejectReason,
  RejectedRow,
  SuspiciousDate,
  SuspiciousPolicy,
} from './domain';
import type { CertificateRole, ServerCertificates } from './serverSettings';

// ---------------------------------------------------------------------------------------------
// Errors and results
// ---------------------------------------------------------------------------------------------

/** `export`: the data-lake export could not write its folder or reach S3 (the database is unaffected). */
export type ErrorKind = 'usage' | 'input' | 'database' | 'export' | 'cancelled' | 'internal';

export interface ErrorLocation {
  file: string;
  sheet?: string;
  row?: number;
  column?: string;
}

/** A failure as data: `message` is for people, `code` for logic. */
export interface ErrorData {
  kind: ErrorKind;
  code: string;
  message: string;
  detail: Record<string, unknown>;
  location?: ErrorLocation;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorData };

// ---------------------------------------------------------------------------------------------
// Request schemas (validated in main) and response types
// ---------------------------------------------------------------------------------------------

const empty = z.object({}).strict();
/** Absolute file paths only, of a sane length, without NUL. */
const filePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0') && (p.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(p) || p.startsWith('\\\\')), 'must be an absolute path');
const sheetName = z.string().min(1).max(255);
const previewId = z.string().regex(/^p[0-9a-z]{1,32}$/);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const schemaName = z.string().min(1).max(63);
const dateOrder = z.enum(['auto', 'mdy', 'dmy']);
const suspiciousPolicy = z.enum(['warn', 'quarantine']);
const rejectReason = z.enum(['missing_value', 'formula_not_calculated', 'invalid_integer', 'integer_out_of_range', 'invalid_date', 'invalid_status', 'duplicate', 'suspicious_date']);
const fixRule = z.enum(['integer_text', 'date_text', 'status_standardised', 'text_trimmed', 'specialty_empty']);
const fileKind = z.enum(['doctors', 'appointments']);

export const previewRequest = z
  .object({
    doctors: z.object({ path: filePath, sheet: sheetName.optional() }).strict(),
    appointments: z.object({ path: filePath, sheet: sheetName.optional() }).strict(),
    dateOrder,
    suspiciousPolicy,
    runDate: isoDate.optional(),
  })
  .strict();

export const previewTables = ['rejected', 'duplicates', 'fixes', 'suspicious', 'placeholders'] as const;
export type PreviewTable = (typeof previewTables)[number];

export const previewRowsRequest = z
  .object({
    previewId,
    table: z.enum(previewTables),
    offset: z.number().int().min(0).max(100_000_000),
    limit: z.number().int().min(1).max(1000),
    filter: z
      .object({
        reason: rejectReason.optional(),
        file: fileKind.optional(),
        rule: fixRule.optional(),
        column: z.string().max(64).optional(),
        /** Case-insensitive text search over the row's values and message. */
        text: z.string().max(200).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const certificateRole = z.enum(['rootCert', 'cert', 'key']);
/** Certificate files as chosen with `settings/pick-certificate` (main checks they were), or null. */
const certificateChoice = z.object({ rootCert: filePath.nullable().optional(), cert: filePath.nullable().optional(), key: filePath.nullable().optional() }).strict();
/** A server URL as typed: main parses it with an allow-list of parameters (shared/serverSettings.ts). */
const serverUrlText = z.string().min(1).max(2048);

const databaseSettings = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('embedded') }).strict(),
  z
    .object({
      mode: z.literal('server'),
      /** postgresql://user@host:port/db — a password in it is taken out and stored apart. */
      url: serverUrlText,
      /** undefined: keep the stored one (same server only); null: forget it; a string: use (and store if allowed). */
      password: z.string().min(1).max(1024).nullable().optional(),
      certificates: certificateChoice.optional(),
    })
    .strict(),
]);

/** The data-lake export's default target: a folder, an s3:// URL, or both (credentials never: the AWS chain). */
const lakeSettings = z
  .object({
    parquetDir: z.string().max(4096).nullable(),
    s3Url: z.string().max(2048).nullable(),
    region: z.string().max(64).nullable(),
    endpoint: z.string().max(2048).nullable(),
  })
  .strict();

export const settingsRequest = z
  .object({
    database: databaseSettings,
    schema: schemaName,
    dateOrder,
    suspiciousPolicy,
    /** Absent: keep the stored target. */
    lake: lakeSettings.optional(),
    /** The day rule 9 measures from (as the CLI's --run_date); null or absent: the day of each run. */
    runDate: isoDate.nullable().optional(),
  })
  .strict();

export const testConnectionRequest = z
  .object({
    url: serverUrlText,
    password: z.string().min(1).max(1024).optional(),
    certificates: certificateChoice.optional(),
    schema: schemaName,
  })
  .strict();

export interface AppInfo {
  version: string;
  platform: string;
  userDataDir: string;
}

export type DatabaseMode = 'embedded' | 'server';

export type DatabaseStatus =
  | { state: 'starting'; mode: DatabaseMode; display: string }
  | { state: 'ready'; mode: DatabaseMode; display: string; serverVersion: string; schema: string }
  /** A server password is needed: none stored (the OS has no secure storage) or it was refused. */
  | { state: 'needs_password'; mode: 'server'; display: string; error?: ErrorData }
  | { state: 'error'; mode: DatabaseMode; display: string; error: ErrorData };

export interface IdentifiedFile {
  path: string;
  name: string;
  sizeBytes: number;
  /** Told apart by the header row: doctors or appointments; null when neither fits. */
  kind: FileKind | null;
  sheet: string | null;
  sheets: string[];
  headerRow: number | null;
  columns: string[];
  /** Why the file cannot be used (not a workbook, no recognisable header, …). */
  problem?: ErrorData;
}

/** The preview report without its long lists, which are paged with `preview/rows`. */
export interface PreviewSummary extends Omit<PreviewReport, 'rejected' | 'suspicious'> {
  previewId: string;
  totals: { rejected: number; duplicates: number; fixes: number; suspicious: number; placeholders: number };
  rejectedByReason: Partial<Record<RejectReason, number>>;
  fixesByRule: Partial<Record<FixRule, number>>;
}

export type PreviewRows =
  | { table: 'rejected' | 'duplicates'; total: number; offset: number; rows: RejectedRow[] }
  | { table: 'fixes'; total: number; offset: number; rows: Fix[] }
  | { table: 'suspicious'; total: number; offset: number; rows: SuspiciousDate[] }
  | { table: 'placeholders'; total: number; offset: number; rows: PlaceholderUse[] };

export interface RunSummary {
  runId: number;
  startedAt: string;
  finishedAt: string | null;
  outcome: 'running' | 'succeeded' | 'failed';
  errorCode: string | null;
  error: string | null;
  source: string;
  doctorsFile: string | null;
  appointmentsFile: string | null;
  runDate: string | null;
  dateOrder: string | null;
  suspiciousPolicy: string | null;
  counts: {
    doctorsRead: number | null;
    appointmentsRead: number | null;
    rejected: number | null;
    duplicates: number | null;
    fixed: number | null;
    placeholders: number | null;
    suspiciousDates: number | null;
    doctorsLoaded: number | null;
    appointmentsLoaded: number | null;
  };
}

/** What a load would change against what is loaded now. */
export interface LoadPlan {
  previewId: string;
  target: { display: string; schema: string };
  current: { doctors: number; appointments: number; lastRun: RunSummary | null };
  incoming: { doctors: number; appointments: number; rejected: number };
  changes: {
    bookingsAdded: number;
    bookingsRemoved: number;
    bookingsStatusChanged: number;
    /** Same booking, same status, but another date, patient or doctor. */
    bookingsOtherwiseChanged: number;
    doctorsAdded: number;
    doctorsRemoved: number;
    doctorsRenamed: number;
  };
}

export interface LoadOutcome {
  runId: number;
  doctors: number;
  appointments: number;
  rejected: number;
  /** The run as etl_runs records it: History shows the same start, end and duration. */
  startedAt: string;
  finishedAt: string | null;
  /** finishedAt − startedAt. */
  ms: number;
}

/** Something the person should know about their settings (e.g. a damaged file was replaced by defaults). */
export interface SettingsNotice {
  code: 'settings_reset';
  message: string;
}

export interface Settings {
  /** A server's URL is rebuilt from its stored parts: never a password, never a file path. */
  database: { mode: 'embedded' } | { mode: 'server'; url: string; certificates: ServerCertificates; hasPassword: boolean };
  schema: string;
  dateOrder: DateOrderOption;
  suspiciousPolicy: SuspiciousPolicy;
  /** A fixed run date for rule 9 (YYYY-MM-DD), or null: the day of each run. */
  runDate: string | null;
  /** Whether a server password can be stored encrypted; if not, the app asks each session. */
  secretStorage: 'available' | 'unavailable';
  notice?: SettingsNotice;
  lake: LakeSettings;
}

export type LakeSettings = z.infer<typeof lakeSettings>;

/** What "Export for the data lake" did. */
export interface LakeExportOutcome {
  runId: number;
  /** The run folder written on disk, when a folder is the target. */
  localDir: string | null;
  /** s3://bucket/prefix/run_id=N/ when S3 is the target. */
  s3Prefix: string | null;
  files: number;
  rows: Record<string, number>;
  bytes: number;
  /** Objects sent to S3 (those already there with the same content are not sent again). */
  uploaded: number;
  ms: number;
}

export interface ExportResult {
  /** Where the workbook was written; null when the person cancelled the save dialog. */
  path: string | null;
  rows: number;
}

// ---------------------------------------------------------------------------------------------
// Dashboard
// ---------------------------------------------------------------------------------------------

export const dashboardFilter = z
  .object({
    from: isoDate.optional(),
    to: isoDate.optional(),
    doctorIds: z.array(z.number().int().min(0).max(2147483647)).max(500).optional(),
    /** '' stands for doctors without a specialty. */
    specialties: z.array(z.string().max(200)).max(100).optional(),
    statuses: z.array(z.enum(['confirmed', 'cancelled'])).max(2).optional(),
    /**
     * Patients by whether they came back: *returning* patients have a booking in the view after
     * the day of their first booking ever; *new* patients do not (every booking of theirs in the
     * view is on their first day).
     */
    segment: z.enum(['all', 'new', 'returning']).optional(),
  })
  .strict();
export type DashboardFilter = z.infer<typeof dashboardFilter>;

/**
 * Drill-through only: patients by their number of bookings within the filtered set ('1', '2-3',
 * '4+'), so a visit-count bucket lists the bookings of exactly the patients it counts.
 */
export const visitBucket = z.enum(['1', '2-3', '4+']);
export type VisitBucket = z.infer<typeof visitBucket>;
export const drillFilter = dashboardFilter
  .extend({
    visits: visitBucket.optional(),
    /**
     * The dashboard's own filter, when the drill narrowed it (a bar's dates, a doctor, a status):
     * new/returning patients and visit counts are decided there, so the drill lists exactly the
     * bookings the clicked figure counts.
     */
    scope: dashboardFilter.optional(),
  })
  .strict();
export type DrillFilter = z.infer<typeof drillFilter>;

const withFilter = z.object({ filter: dashboardFilter }).strict();

/** Where most bookings are: the days a chart's axis spans, and the bookings left off either side. */
export interface DenseSpan {
  from: string;
  to: string;
  /** Bookings before `from` and after `to` (outliers such as a fill series dragged for years). */
  before: number;
  after: number;
}

export interface DashboardContext {
  /** False until a load has succeeded into the configured schema. */
  loaded: boolean;
  /** The load the dashboard shows (the latest successful one). */
  run: RunSummary | null;
  /** First and last booking date in the tables. */
  span: { from: string; to: string } | null;
  /** Where most of the loaded bookings are (see denseSpan.ts), for the "main span" preset. */
  denseSpan: DenseSpan | null;
  caveats: {
    suspiciousPolicy: string | null;
    /** Suspicious dates the load found (kept with a warning, or quarantined). */
    suspiciousDates: number;
    /** The rule's bounds for the load shown: before 2000-01-01, or after run date + 365 days. */
    suspiciousBefore: string;
    suspiciousAfter: string | null;
    rejected: number;
  };
  doctors: { doctorId: number; name: string; specialty: string | null; placeholder: boolean }[];
  specialties: string[];
}

export interface Kpis {
  appointments: number;
  confirmed: number;
  cancelled: number;
  /** cancelled / appointments, 0 when there are none. */
  cancellationRate: number;
  uniquePatients: number;
  doctors: number;
  /** Placeholder doctors with a booking in the filter, and those bookings. */
  placeholderDoctors: number;
  placeholderBookings: number;
  /** Filtered bookings with a suspicious date (rule 9, against the run date of the load shown). */
  suspiciousBookings: number;
  /** First and last booking date among the filtered bookings. */
  span: { from: string; to: string } | null;
  /**
   * The same figures for the range of equal length just before, when a range is set and the data
   * reaches back that far (null otherwise: no period is ever named before the first booking).
   */
  previous: { from: string; to: string; appointments: number; confirmed: number; cancelled: number; cancellationRate: number } | null;
  ms: number;
}

export interface LeaderboardRow {
  doctorId: number;
  name: string;
  specialty: string | null;
  placeholder: boolean;
  total: number;
  confirmed: number;
  cancelled: number;
  cancellationRate: number;
  /** The doctor's figures over all loaded data, when a filter leaves some out. */
  allData: { total: number; confirmed: number; cancelled: number } | null;
}

export interface Leaderboard {
  /** Every doctor of the doctor/specialty filter, zeros included, ranked by `rankedBy` then id. */
  rows: LeaderboardRow[];
  /** Doctors ranked (the table shows the top N of them). */
  doctors: number;
  /** Cancelled when the status filter is Cancelled; confirmed otherwise (as question 4). */
  rankedBy: 'confirmed' | 'cancelled';
  ms: number;
}

export type Granularity = 'day' | 'week' | 'month';

export interface TrendPoint {
  /** First day of the bucket, YYYY-MM-DD (weeks start on Monday). */
  period: string;
  confirmed: number;
  cancelled: number;
  cancellationRate: number;
}

export interface Trend {
  granularity: Granularity;
  /** Buckets with bookings within `axis`. */
  points: TrendPoint[];
  /** The days the axis spans: where the filtered bookings are, outliers left out (null: no bookings). */
  axis: DenseSpan | null;
  ms: number;
}

export interface SpecialtyRow {
  specialty: string | null;
  doctors: number;
  appointments: number;
  confirmed: number;
  cancelled: number;
  cancellationRate: number;
}

export interface Segments {
  patients: number;
  /** Patients without a booking in the filter after their first day ever. */
  newPatients: number;
  /** Patients with a booking in the filter after the day of their first booking ever. */
  returningPatients: number;
  /** Patients by their number of filtered bookings. */
  visitBuckets: { one: number; twoToThree: number; fourPlus: number };
  /** Patients with two or more cancelled bookings among the filtered ones. */
  repeatedCancellations: number;
  ms: number;
}

export interface DrillRow {
  bookingId: string;
  patientId: string;
  doctorId: number;
  doctorName: string;
  specialty: string | null;
  placeholder: boolean;
  bookingDate: string;
  status: 'confirmed' | 'cancelled';
  sourceFile: string | null;
  sourceRow: number | null;
}

export interface DrillPage {
  total: number;
  offset: number;
  rows: DrillRow[];
  ms: number;
}

export interface AnsweredQuestion {
  name: string;
  title: string;
  /** The statement exactly as in queries.sql. */
  sql: string;
  /** Rows as the query returned them (numbers as numbers). */
  rows: Record<string, string | number | null>[];
}

// ---------------------------------------------------------------------------------------------
// The channel table
// ---------------------------------------------------------------------------------------------

interface Channel<Req extends z.ZodType, Res> {
  request: Req;
  /** Phantom: the response type, carried for the compiler only. */
  response?: Res;
}

function channel<Res>() {
  return <Req extends z.ZodType>(request: Req): Channel<Req, Res> => ({ request });
}

export const channels = {
  'app/info': channel<AppInfo>()(empty),
  'db/status': channel<DatabaseStatus>()(empty),
  /** Supplies the server password for this session when it cannot be stored. */
  'db/provide-password': channel<DatabaseStatus>()(z.object({ password: z.string().min(1).max(1024) }).strict()),
  /** Connects again (restarting the embedded server if it stopped), e.g. after a crash. */
  'db/reconnect': channel<DatabaseStatus>()(empty),
  'files/pick': channel<IdentifiedFile[]>()(empty),
  /** Paths come from the preload (dropped File objects), never typed by the renderer. */
  'files/identify': channel<IdentifiedFile[]>()(z.object({ paths: z.array(filePath).min(1).max(10) }).strict()),
  'files/samples': channel<IdentifiedFile[]>()(empty),
  'preview/run': channel<PreviewSummary>()(previewRequest),
  'preview/cancel': channel<{ cancelled: boolean }>()(empty),
  'preview/rows': channel<PreviewRows>()(previewRowsRequest),
  'load/plan': channel<LoadPlan>()(z.object({ previewId }).strict()),
  'load/run': channel<LoadOutcome>()(z.object({ previewId }).strict()),
  'load/cancel': channel<{ cancelled: boolean }>()(empty),
  /** The latest LoadActivity (also sent as an event whenever it changes). */
  'load/activity': channel<LoadActivity>()(empty),
  'runs/list': channel<RunSummary[]>()(z.object({ limit: z.number().int().min(1).max(1000).optional() }).strict()),
  'rejected/export': channel<ExportResult>()(z.object({ previewId }).strict()),
  /** Exports the loaded run as Parquet to the target in Settings (folder and/or S3). */
  'lake/export': channel<LakeExportOutcome>()(empty),
  'lake/cancel': channel<{ cancelled: boolean }>()(empty),
  'settings/get': channel<Settings>()(empty),
  'settings/save': channel<Settings>()(settingsRequest),
  'settings/test-connection': channel<{ serverVersion: string; display: string }>()(testConnectionRequest),
  /** Opens the file dialog in main for a TLS certificate or key; the path may then be saved. */
  'settings/pick-certificate': channel<{ role: CertificateRole; path: string | null }>()(z.object({ role: certificateRole }).strict()),
  'dashboard/context': channel<DashboardContext>()(empty),
  'dashboard/kpis': channel<Kpis>()(withFilter),
  'dashboard/leaderboard': channel<Leaderboard>()(z.object({ filter: dashboardFilter, top: z.number().int().min(1).max(500) }).strict()),
  'dashboard/trend': channel<Trend>()(z.object({ filter: dashboardFilter, granularity: z.enum(['auto', 'day', 'week', 'month']) }).strict()),
  'dashboard/specialties': channel<{ rows: SpecialtyRow[]; ms: number }>()(withFilter),
  'dashboard/segments': channel<Segments>()(withFilter),
  'dashboard/drill': channel<DrillPage>()(
    z.object({ filter: drillFilter, offset: z.number().int().min(0).max(100_000_000), limit: z.number().int().min(1).max(1000) }).strict(),
  ),
  /** All filtered bookings as CSV, to the path the save dialog gives. */
  'dashboard/export-drill': channel<ExportResult>()(z.object({ filter: drillFilter }).strict()),
  'dashboard/answers': channel<{ questions: AnsweredQuestion[] }>()(empty),
} as const satisfies Record<ChannelName, Channel<z.ZodType, unknown>>;

export type Channels = typeof channels;
export type { BridgeChannel, ChannelName, EventName };

/** True only when A's keys are exactly B: a compile error otherwise. */
type SameKeys<A, B> = [keyof A] extends [B] ? ([B] extends [keyof A] ? true : never) : never;
// Every channel has a name in channelNames.ts and every name a channel.
const channelsMatchNames: SameKeys<Channels, ChannelName> = true;
void channelsMatchNames;
export type RequestOf<C extends ChannelName> = z.input<Channels[C]['request']>;
export type ParsedRequestOf<C extends ChannelName> = z.output<Channels[C]['request']>;
export type ResponseOf<C extends ChannelName> = NonNullable<Channels[C]['response']>;

/** Channels the renderer may call through the bridge; `files/identify` is reached via File objects. */
export const bridgeChannels = BRIDGE_CHANNELS;

// ---------------------------------------------------------------------------------------------
// Events (main → renderer)
// ---------------------------------------------------------------------------------------------

export interface PreviewProgress {
  phase: 'read' | 'clean';
  file: FileKind;
  bytesRead: number;
  bytesTotal: number;
  rows: number;
}

export interface LoadProgress {
  step: 'plan' | 'waiting' | 'prepare' | 'copy_doctors' | 'copy_appointments' | 'copy_rejected' | 'index' | 'verify' | 'swap' | 'finish';
  rows: number;
  total: number;
  /** With `waiting`: the load this one waits for (null fields: not known, e.g. a load into another schema). */
  waitingFor?: { runId: number | null; source: string | null; startedAt: string | null };
}

/**
 * What the loaded tables hold and whether a newer load is under way, from this app, another one
 * or the CLI: dashboards keep showing `liveRunId` meanwhile and read again when it changes.
 */
export interface LoadActivity {
  schema: string;
  /** The run whose data the tables hold (the latest successful load); null before the first. */
  liveRunId: number | null;
  /** A load into this schema that has started and not yet committed or failed. */
  running: { runId: number; source: string; startedAt: string } | null;
}

export interface LakeProgress {
  phase: 'write' | 'upload';
  done: number;
  total: number;
  unit: 'rows' | 'bytes';
  current: string;
}

export interface Events {
  'preview/progress': PreviewProgress;
  'load/progress': LoadProgress;
  'load/activity': LoadActivity;
  'lake/progress': LakeProgress;
  'db/status': DatabaseStatus;
}

export const eventNames: readonly EventName[] = EVENT_NAMES;
// Every event name has a payload type and vice versa.
const eventsMatchNames: SameKeys<Events, EventName> = true;
void eventsMatchNames;

// ---------------------------------------------------------------------------------------------
// The bridge the renderer sees (window.healthtech)
// ---------------------------------------------------------------------------------------------

export interface Bridge {
  invoke<C extends BridgeChannel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>>;
  /** Dropped files: the bridge finds their paths (never the renderer) and identifies them. */
  identifyDropped(files: readonly File[]): Promise<Result<IdentifiedFile[]>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

declare global {
  interface Window {
    healthtech?: Bridge;
  }
}
