/**
 * The headless pipeline (SPEC §6): parse flags, clean, write the CSVs, load (unless --dry-run),
 * answer the business questions, and report, either as readable text or as exactly one JSON
 * object on stdout. Returns the exit code instead of exiting, so tests can run it in-process.
 */
import path from 'node:path';
import type { BusinessAnswers } from '../db/businessQuestions';
import type { Database } from '../db/connection';
import type * as DatabaseSteps from './databaseSteps';
import type { LoadResult, LoadSessions } from '../db/load';
import { CancelledError, ExportError, isEtlError, type EtlError } from '../etl/errors';
// The export (and the AWS SDK behind it, ~150 ms to load) is loaded only by runs that export.
import type { LakeExport, LakeTarget } from '../lake/exportRun';
import type { LogLevel } from '../etl/logger';
import { writeConfirmedByDoctor, type OutputFiles } from '../etl/output/writeOutputs';
import type { ReportSummary } from '../etl/report';
import { prepareForLoadInWorker, writeDatasetInWorker } from '../etl/worker/runInWorker';
import { HELP, parseCli, type CliConfig } from './args';
import { FileLogger } from '../etl/fileLogger';
import { EXIT, EXPORT_EXIT, type ExitCode } from './exitCodes';
import { ProgressBar } from './progressBar';
import { humanSummary } from './summary';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** The terminal for progress bars, when stderr is one. */
  tty?: NodeJS.WriteStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
  samplesDir: string;
  version: string;
  signal?: AbortSignal;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let config: CliConfig;
  try {
    const request = parseCli(argv, io.env, io.cwd, io.samplesDir);
    if (request.kind === 'help') {
      io.stdout(`${HELP}\n`);
      return EXIT.ok;
    }
    if (request.kind === 'version') {
      io.stdout(`${io.version}\n`);
      return EXIT.ok;
    }
    config = request.config;
  } catch (error) {
    return fail(error, argv.includes('--json'), io);
  }

  // The same log lines on the console with or without --json: the JSON report owns stdout, the
  // log owns stderr (as --help promises), so a CI job keeps its counts and timings in both cases.
  const logger = new FileLogger(config.logFile, (line) => io.stderr(`${line}\n`));
  const progress = new ProgressBar(config.progress && !config.json ? io.tty : undefined);
  const timings: Record<string, number> = {};
  const started = Date.now();
  let db: Database | undefined;
  let opening: Promise<Database> | undefined;
  let writing: Promise<OutputFiles> | undefined;
  let steps: Promise<typeof DatabaseSteps> | undefined;
  let loadSessions: Promise<LoadSessions> | undefined;
  try {
    logger.log('info', 'run started', {
      version: io.version,
      doctors: path.basename(config.doctorsPath),
      appointments: path.basename(config.appointmentsPath),
      samples: config.usingSamples,
      dry_run: config.dryRun,
      date_order: config.dateOrder,
      quarantine_suspicious: config.quarantineSuspicious,
    });
    // The export's target is checked first: a folder that cannot be written, a missing bucket or
    // missing credentials stop the run before the database is touched.
    if (config.lake) {
      const lakeChecked = Date.now();
      await (await import('../lake/exportRun')).checkLakeTarget(config.lake, io.signal);
      timings.export_check = Date.now() - lakeChecked;
    }
    // Reading runs in a worker: a hostile or huge file hits the worker's memory limit, not ours.
    const preparing = prepareForLoadInWorker(
      {
        doctors: { path: config.doctorsPath, ...(config.doctorsSheet ? { sheet: config.doctorsSheet } : {}) },
        appointments: { path: config.appointmentsPath, ...(config.appointmentsSheet ? { sheet: config.appointmentsSheet } : {}) },
        dateOrder: config.dateOrder,
        suspiciousPolicy: config.quarantineSuspicious ? 'quarantine' : 'warn',
        ...(config.runDate ? { runDate: config.runDate } : {}),
      },
      {
        logger,
        outputDir: config.outputDir,
        // A dry run loads nothing: the dashboard's rollups are not needed.
        skipRollups: config.dryRun,
        ...(io.signal ? { signal: io.signal } : {}),
        onProgress: (p) => {
          if (p.phase === 'read') progress.update(`reading ${p.file}`, p.bytesRead, p.bytesTotal);
          else progress.clear();
        },
      },
    );
    // The database starts while the files are read (it has its own process; pg loads while the
    // worker starts); its errors are reported after the files', so a bad file is named first.
    const dbStarted = Date.now();
    steps = config.dryRun ? undefined : import('./databaseSteps');
    opening = steps?.then(({ openDatabase }) => openDatabase({ ...(config.dbUrl ? { url: config.dbUrl } : {}), embeddedDataDir: config.dataDir }, logger));
    opening?.catch(() => undefined);
    // The sessions the end of the run uses at once (warmPool says why), and the load's own two
    // besides the pool's (connectLoadSessions), opened while the files are read.
    void opening?.then(async (database) => (await (steps as Promise<typeof DatabaseSteps>)).warmPool(database.pool, 3)).catch(() => undefined);
    loadSessions = opening?.then(async (database) => (await (steps as Promise<typeof DatabaseSteps>)).connectLoadSessions(database.pool));
    loadSessions?.catch(() => undefined);
    const prepared = await preparing;
    progress.clear();
    timings.read_and_clean = Date.now() - started;
    logPerFile(prepared.report, logger.log.bind(logger));
    for (const warning of prepared.report.warnings) logger.log('warn', warning);
    // The CSVs are written in the worker while the load runs; the load commits only once they
    // are complete, and a run that fails waits for them to finish or be removed (writeOutputs.ts).
    const outputsStarted = Date.now();
    writing = prepared.outputs.then((files) => {
      timings.outputs = Date.now() - outputsStarted;
      logger.log('info', 'outputs written', { dir: config.outputDir, ms: timings.outputs });
      return files as OutputFiles;
    });
    writing.catch(() => undefined);

    let outputs: OutputFiles | undefined;
    let load: LoadResult | undefined;
    let answers: BusinessAnswers | undefined;
    let lake: LakeExport | undefined;
    if (opening && steps) {
      db = await opening;
      const { loadRun, answerBusinessQuestions } = await steps;
      timings.database_ready = Date.now() - dbStarted;
      const loadStarted = Date.now();
      let answersStarted = 0;
      let answering: Promise<BusinessAnswers> | undefined;
      const answer = (database: Database): Promise<BusinessAnswers> => {
        answersStarted = Date.now();
        const started = answerBusinessQuestions(database.pool, config.schema);
        started.catch(() => undefined);
        return started;
      };
      const database = db;
      load = await loadRun(db, prepared, {
        // The answers read the committed run while the load drops the tables it replaced.
        afterCommit: () => {
          answering = answer(database);
        },
        schema: config.schema,
        source: 'cli',
        appVersion: io.version,
        logger,
        ...(io.signal ? { signal: io.signal } : {}),
        beforeCommit: () => writing as Promise<OutputFiles>,
        ...(loadSessions ? { sessions: await loadSessions } : {}),
        onProgress: (p) => {
          if (p.step.startsWith('copy_')) progress.update(`loading ${p.step.slice(5)}`, p.rows, p.total, 'rows');
          else progress.clear();
        },
      });
      progress.clear();
      timings.load = Date.now() - loadStarted;
      answers = await (answering ?? answer(db));
      timings.answers = Date.now() - answersStarted;
      outputs = await writing;
      outputs.confirmed_by_doctor = await writeConfirmedByDoctor(config.outputDir, answers.q4);
      if (config.lake) {
        const exportStarted = Date.now();
        lake = await exportLoadedRun(db, config, load.runId, io, logger, progress);
        progress.clear();
        timings.export = Date.now() - exportStarted;
      }
    }
    outputs ??= await writing;
    timings.total = Date.now() - started;
    logger.log('info', 'run finished', { run_id: load?.runId ?? null, ms: timings.total });

    if (config.json) io.stdout(`${JSON.stringify(jsonReport(config, prepared.report, outputs, timings, db, load, answers, lake))}\n`);
    else io.stdout(humanSummary(prepared.report, load, answers, outputs, db?.display, lake));
    return EXIT.ok;
  } catch (error) {
    progress.clear();
    // The database's start, begun beside the read, settles first: its "ready" line (or its own
    // error, which this one outranks) must not land after the failure, the last line on stderr.
    await opening?.catch(() => undefined);
    // The outputs are complete, or removed, before the run reports its failure.
    await writing?.catch((outputError: unknown) => {
      if (outputError !== error && !(outputError instanceof CancelledError)) logger.log('warn', 'the CSV outputs were not written', { code: isEtlError(outputError) ? outputError.code : 'internal' });
    });
    if (isEtlError(error)) logger.log(error.kind === 'cancelled' ? 'warn' : 'error', error.message, { code: error.code });
    else logger.log('error', `unexpected failure: ${(error as Error)?.stack ?? String(error)}`);
    // After Ctrl-C, whatever stopped the run (a worker or a stream torn down mid-step) is the
    // cancel's doing: the outcome is "cancelled" (130) as the user asked; the error itself is logged above.
    const cancelled = io.signal?.aborted === true && !(isEtlError(error) && error.kind === 'cancelled');
    return fail(cancelled ? new CancelledError() : error, config.json, io);
  } finally {
    const database = db ?? (await opening?.catch(() => undefined));
    // Ended by the load that took them; here when the run stopped before its load.
    await (await loadSessions?.catch(() => undefined))?.end();
    await database?.close().catch(() => undefined);
  }
}

/**
 * The export after a committed load: written in the worker, uploaded from here. A failure keeps
 * its exit code (5–9) and says the load itself stands.
 */
async function exportLoadedRun(db: Database, config: CliConfig, runId: number, io: CliIo, logger: FileLogger, progress: ProgressBar): Promise<LakeExport> {
  try {
    const { exportRun } = await import('../lake/exportRun');
    return await exportRun({
      target: config.lake as LakeTarget,
      schema: config.schema,
      runId,
      appVersion: io.version,
      logger,
      ...(io.signal ? { signal: io.signal } : {}),
      onProgress: (p) => progress.update(p.phase === 'write' ? 'writing parquet' : 'uploading to s3', p.done, p.total, p.unit),
      write: (options) => writeDatasetInWorker(db.recipe, options, { logger }),
    });
  } catch (error) {
    if (error instanceof ExportError) {
      throw new ExportError(error.code, `Run ${runId} is loaded, but the data-lake export failed: ${error.message}`, { ...error.detail, run_id: runId });
    }
    throw error;
  }
}

function logPerFile(report: ReportSummary, log: (level: LogLevel, message: string, fields?: Record<string, number | string>) => void): void {
  for (const file of Object.values(report.files)) {
    log('info', `counts ${file.kind}`, { sheet: file.sheet, ...file.counts });
  }
}

export function exitCodeFor(error: unknown): ExitCode {
  if (!isEtlError(error)) return EXIT.internal;
  switch (error.kind) {
    case 'usage':
      return EXIT.usage;
    case 'input':
      return EXIT.input;
    case 'database':
      return EXIT.database;
    case 'export':
      return EXPORT_EXIT[error.code] ?? EXIT.s3Upload;
    case 'cancelled':
      return EXIT.cancelled;
    default:
      return EXIT.internal;
  }
}

function fail(error: unknown, json: boolean, io: CliIo): ExitCode {
  const code = exitCodeFor(error);
  const etl = isEtlError(error) ? (error as EtlError) : undefined;
  const message = etl?.message ?? `Unexpected error: ${(error as Error)?.message ?? String(error)}`;
  if (json) {
    io.stdout(
      `${JSON.stringify({ ok: false, exit_code: code, error: { kind: etl?.kind ?? 'internal', code: etl?.code ?? 'internal', message, detail: etl?.detail ?? {} } })}\n`,
    );
  }
  io.stderr(`healthtech-etl: ${message}\n`);
  return code;
}

function jsonReport(
  config: CliConfig,
  report: ReportSummary,
  outputs: OutputFiles,
  timings: Record<string, number>,
  db: Database | undefined,
  load: LoadResult | undefined,
  answers: BusinessAnswers | undefined,
  lake: LakeExport | undefined,
) {
  return {
    ok: true,
    dry_run: config.dryRun,
    run_id: load?.runId ?? null,
    counts: report.counts,
    placeholders: report.placeholders.map((p) => p.doctorId),
    answers: answers ?? null,
    rejected_by_reason: report.rejectedByReason,
    files: Object.fromEntries(
      Object.values(report.files).map((f) => [f.kind, { name: f.name, sheet: f.sheet, sha256: f.sha256, header_row: f.headerRow, counts: f.counts, reconciled: f.reconciled, extra_columns: f.columns.extra }]),
    ),
    date_order: { requested: report.dateOrder.requested, used: report.dateOrder.used, basis: report.dateOrder.basis, day_first_evidence: report.dateOrder.evidence.dayFirst, month_first_evidence: report.dateOrder.evidence.monthFirst },
    suspicious_policy: report.options.suspiciousPolicy,
    run_date: report.runDate,
    warnings: report.warnings,
    database: db ? { target: db.display, schema: config.schema } : null,
    lake: lake
      ? {
          run_id: lake.runId,
          local_dir: lake.localDir,
          s3_prefix: lake.s3?.prefix ?? null,
          s3_pointer: lake.s3?.pointer ?? null,
          files: lake.files,
          rows: lake.rows,
          bytes: lake.bytes,
          uploaded: lake.s3 ? lake.s3.objects - lake.s3.skipped : 0,
          already_there: lake.s3?.skipped ?? 0,
        }
      : null,
    outputs,
    timings_ms: timings,
  };
}
