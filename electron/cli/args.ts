/**
 * Command-line flags, environment and `.env`, merged into one checked configuration. Flags win
 * over the environment, the environment over `.env`. Both the brief's snake_case flags
 * (`--doctors_xlsx`) and kebab-case (`--doctors-xlsx`) are accepted.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, parseEnv } from 'node:util';
import { validateSchemaName } from '../db/identifiers';
import { UsageError } from '../etl/errors';
import { dayFromIso } from '../etl/rules/calendar';
import type { DateOrderOption } from '../etl/types';
import type { LakeTarget } from '../lake/exportRun';
import { parseS3Url } from '../lake/s3Location';

export interface CliConfig {
  doctorsPath: string;
  appointmentsPath: string;
  doctorsSheet?: string;
  appointmentsSheet?: string;
  usingSamples: boolean;
  dbUrl?: string;
  schema: string;
  outputDir: string;
  logFile: string;
  dataDir: string;
  dryRun: boolean;
  json: boolean;
  dateOrder: DateOrderOption;
  quarantineSuspicious: boolean;
  runDate?: string;
  progress: boolean;
  /** The data-lake export after the load (SPEC §9); absent when neither flag is given. */
  lake?: LakeTarget;
}

export type CliRequest = { kind: 'run'; config: CliConfig } | { kind: 'help' } | { kind: 'version' };

const FLAGS = {
  doctors_xlsx: { type: 'string' },
  appointments_xlsx: { type: 'string' },
  doctors_sheet: { type: 'string' },
  appointments_sheet: { type: 'string' },
  db_url: { type: 'string' },
  schema: { type: 'string' },
  output_dir: { type: 'string' },
  log_file: { type: 'string' },
  data_dir: { type: 'string' },
  dry_run: { type: 'boolean' },
  json: { type: 'boolean' },
  date_order: { type: 'string' },
  quarantine_suspicious: { type: 'boolean' },
  run_date: { type: 'string' },
  parquet_dir: { type: 'string' },
  s3_url: { type: 'string' },
  s3_region: { type: 'string' },
  s3_endpoint: { type: 'string' },
  no_progress: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

type FlagName = keyof typeof FLAGS;

export const HELP = `healthtech-etl — clean the doctors and appointments workbooks and reload PostgreSQL

Usage: healthtech-etl [options]
       npm run etl -- [options]

Inputs (default: the bundled sample workbooks in samples/)
  --doctors_xlsx PATH          doctors workbook (.xlsx)
  --appointments_xlsx PATH     appointments workbook (.xlsx)
  --doctors_sheet NAME         sheet to read (default: the first sheet, in tab order, whose
                               header row has the required columns; hidden sheets last)
  --appointments_sheet NAME    sheet to read (default: likewise)

Database (default: the embedded PostgreSQL in ./.healthtech/postgres)
  --db_url URL                 postgresql://user:password@host:5432/db   (env DB_URL, .env)
  --schema NAME                target schema, default healthtech          (env DB_SCHEMA, .env)
  --data_dir DIR               embedded server's data folder

Cleaning
  --date_order auto|mdy|dmy    how slash dates are read, for the whole column (default auto)
  --quarantine_suspicious      reject dates before 2000 or > 365 days after the run date
                               (default: keep them and warn)
  --run_date YYYY-MM-DD        the date rule 9 measures from (default today)

Output
  --output_dir DIR             CSV outputs (default ./output)
  --log_file PATH              log file (default ./logs/pipeline.log)
  --dry_run                    clean and report only; no database
  --json                       print one JSON report on stdout (logs go to stderr)

Data-lake export of the loaded run (Parquet, Hive-partitioned; see docs/data-lake.md)
  --parquet_dir DIR            write run_id=N/ (tables, manifest, _SUCCESS, warehouse SQL) here
  --s3_url s3://bucket/prefix  upload the same layout to S3 (credentials: the standard AWS chain)
  --s3_region REGION           default AWS_REGION / the profile's region
  --s3_endpoint URL            an S3-compatible store (MinIO, Ceph, ...); default AWS_ENDPOINT_URL_S3
  --no_progress                no progress bar even on a terminal
  --help, --version

Every flag also works with dashes: --doctors-xlsx, --dry-run, --date-order, ...

Exit codes: 0 ok, 2 usage error, 3 bad input file, 4 database error, 1 internal error, 130 cancelled;
export: 5 Parquet folder not writable, 6 no such bucket, 7 AWS credentials missing or refused,
8 S3 endpoint unreachable, 9 upload stopped midway (no _SUCCESS written).`;

export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string, samplesDir: string): CliRequest {
  const normalised = argv.map((arg) => (arg.startsWith('--') ? `--${arg.slice(2).split('=')[0]?.replace(/-/g, '_')}${arg.includes('=') ? arg.slice(arg.indexOf('=')) : ''}` : arg));
  let values: Partial<Record<FlagName, string | boolean>>;
  try {
    ({ values } = parseArgs({ args: normalised, options: FLAGS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError('bad_flag', `${(error as Error).message.replace(/_/g, '-')} Run with --help to see the options.`);
  }
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };

  const fileEnv = readDotEnv(cwd);
  const setting = (flag: FlagName, envName: string): string | undefined => {
    const value = (values[flag] as string | undefined) ?? env[envName] ?? fileEnv[envName];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };

  const doctors = values.doctors_xlsx as string | undefined;
  const appointments = values.appointments_xlsx as string | undefined;
  if ((doctors === undefined) !== (appointments === undefined)) {
    throw new UsageError(
      'missing_input',
      `give both --doctors_xlsx and --appointments_xlsx (or neither, to use the bundled samples); only --${doctors ? 'doctors' : 'appointments'}_xlsx was given.`,
      { setting: doctors ? 'appointments_xlsx' : 'doctors_xlsx' },
    );
  }
  const usingSamples = doctors === undefined;

  const dateOrder = ((values.date_order as string | undefined) ?? 'auto').toLowerCase();
  if (dateOrder !== 'auto' && dateOrder !== 'mdy' && dateOrder !== 'dmy') {
    throw new UsageError('invalid_date_order', `--date-order must be auto, mdy or dmy, not "${dateOrder}".`, { setting: 'date_order' });
  }
  const runDate = values.run_date as string | undefined;
  if (runDate !== undefined && dayFromIso(runDate) === null) {
    throw new UsageError('invalid_run_date', `--run-date must be a real date as YYYY-MM-DD, not "${runDate}".`, { setting: 'run_date' });
  }
  const schema = validateSchemaName(setting('schema', 'DB_SCHEMA') ?? 'healthtech');
  const dbUrl = setting('db_url', 'DB_URL');
  const sheet = (flag: FlagName) => (values[flag] as string | undefined) || undefined;
  const lake = lakeTarget(values, cwd);
  if (lake && values.dry_run === true) {
    throw new UsageError('export_needs_load', '--parquet_dir and --s3_url export the loaded run, so they cannot be combined with --dry_run.', { setting: 'dry_run' });
  }

  const config: CliConfig = {
    doctorsPath: path.resolve(cwd, doctors ?? path.join(samplesDir, 'doctors.xlsx')),
    appointmentsPath: path.resolve(cwd, appointments ?? path.join(samplesDir, 'appointments.xlsx')),
    usingSamples,
    schema,
    outputDir: path.resolve(cwd, (values.output_dir as string | undefined) ?? 'output'),
    logFile: path.resolve(cwd, (values.log_file as string | undefined) ?? path.join('logs', 'pipeline.log')),
    dataDir: path.resolve(cwd, (values.data_dir as string | undefined) ?? env.HEALTHTECH_DATA_DIR ?? path.join('.healthtech', 'postgres')),
    dryRun: values.dry_run === true,
    json: values.json === true,
    dateOrder: dateOrder as DateOrderOption,
    quarantineSuspicious: values.quarantine_suspicious === true,
    progress: values.no_progress !== true,
    ...(dbUrl ? { dbUrl } : {}),
    ...(runDate ? { runDate } : {}),
    ...(lake ? { lake } : {}),
    ...(sheet('doctors_sheet') ? { doctorsSheet: sheet('doctors_sheet') } : {}),
    ...(sheet('appointments_sheet') ? { appointmentsSheet: sheet('appointments_sheet') } : {}),
  };
  return { kind: 'run', config };
}

function lakeTarget(values: Partial<Record<FlagName, string | boolean>>, cwd: string): LakeTarget | undefined {
  const text = (flag: FlagName) => {
    const value = values[flag] as string | undefined;
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const parquetDir = text('parquet_dir');
  const url = text('s3_url');
  const region = text('s3_region');
  const endpoint = text('s3_endpoint');
  if (!url && (region || endpoint)) {
    throw new UsageError('missing_s3_url', `--${region ? 's3-region' : 's3-endpoint'} needs --s3-url s3://bucket/prefix.`, { setting: 's3_url' });
  }
  if (url) parseS3Url(url, '--s3-url');
  if (parquetDir === undefined && url === undefined) return undefined;
  return {
    ...(parquetDir !== undefined ? { parquetDir: path.resolve(cwd, parquetDir) } : {}),
    ...(url ? { s3: { url, ...(region ? { region } : {}), ...(endpoint ? { endpoint } : {}) } } : {}),
  };
}

function readDotEnv(cwd: string): Record<string, string> {
  const file = path.join(cwd, '.env');
  if (!existsSync(file)) return {};
  try {
    return parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch (error) {
    throw new UsageError('bad_env_file', `${file} could not be read: ${(error as Error).message}`, { setting: '.env' });
  }
}
