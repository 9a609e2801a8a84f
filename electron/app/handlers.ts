/**
 * The handler table: one entry per channel of the contract (the compiler checks none is missing),
 * grouped by domain. Handlers are plain Node; Electron reaches them through ipcMain, the end-to-end
 * tests through an HTTP bridge, both via dispatch().
 */
import path from 'node:path';
import type { IdentifiedFile } from '../../shared/contract';
import { loadRun } from '../db/load';
import { UsageError } from '../etl/errors';
import { toErrorData } from '../etl/errorData';
import { describeUnidentified } from '../etl/extract/identifyWorkbook';
import { rejectedSources } from '../etl/output/exportRejected';
import type { Logger } from '../etl/logger';
import { exportRejectedInWorker, identifyInWorker, rejectedCopyInWorker, writeDatasetInWorker } from '../etl/worker/runInWorker';
import { exportRun, hasLakeTarget, type LakeTarget } from '../lake/exportRun';
import { stat } from 'node:fs/promises';
import { kpis, leaderboard, segments, specialties, trend } from '../db/dashboard/aggregates';
import { dashboardContext } from '../db/dashboard/context';
import { warmDashboard } from '../db/dashboard/warmUp';
import { drillPage, exportDrill } from '../db/dashboard/drill';
import { answeredQuestions } from '../db/dashboard/questions';
import type { DatabaseManager } from './databaseManager';
import type { LoadActivityWatcher } from './loadActivityWatcher';
import { testConnection } from './databaseManager';
import type { Handlers } from './dispatch';
import { planLoad } from './loadPlan';
import type { EventSink, PlatformServices } from './platform';
import type { PreviewSession } from './previewSession';
import { recentRuns, runById } from '../db/runSummaries';
import type { SettingsStore } from './settingsStore';

export interface AppContext {
  platform: PlatformServices;
  emit: EventSink;
  logger: Logger;
  settings: SettingsStore;
  database: DatabaseManager;
  previews: PreviewSession;
  activity: LoadActivityWatcher;
}

export function createHandlers(ctx: AppContext): Handlers {
  let loading: AbortController | undefined;
  let exporting: AbortController | undefined;

  async function identify(paths: readonly string[]): Promise<IdentifiedFile[]> {
    return Promise.all(
      paths.map(async (file): Promise<IdentifiedFile> => {
        const base = { path: file, name: path.basename(file), sizeBytes: 0, kind: null, sheet: null, sheets: [], headerRow: null, columns: [] };
        try {
          const { size } = await stat(file);
          const identity = await identifyInWorker(file, { logger: ctx.logger });
          ctx.previews.allow(file);
          const { looked: _looked, ...shown } = identity;
          const found = { ...base, ...shown, sizeBytes: size };
          return identity.kind ? found : { ...found, problem: toErrorData(describeUnidentified(file, identity)) };
        } catch (error) {
          return { ...base, problem: toErrorData(error) };
        }
      }),
    );
  }

  return {
    'app/info': async () => ({ version: ctx.platform.appVersion, platform: ctx.platform.platform, userDataDir: ctx.platform.userDataDir }),

    'db/status': async () => ctx.database.status(),
    'db/reconnect': async () => ctx.database.restart(),
    'db/provide-password': async ({ password }) => {
      ctx.settings.setSessionPassword(password);
      return ctx.database.restart();
    },

    'files/pick': async () => identify(await ctx.platform.dialogs.openWorkbooks()),
    'files/identify': async ({ paths }) => identify(paths),
    'files/samples': async () => identify([ctx.platform.samples.doctors, ctx.platform.samples.appointments]),

    'preview/run': async (request) => ctx.previews.run(request),
    'preview/cancel': async () => ({ cancelled: ctx.previews.cancel() }),
    'preview/rows': async (request) => ctx.previews.rows(request),

    'load/plan': async ({ previewId }) => {
      const preview = ctx.previews.get(previewId);
      ctx.emit('load/progress', { step: 'plan', rows: 0, total: preview.prepared.appointments.rows });
      return planLoad(ctx.database.ready(), ctx.database.schema(), previewId, preview.prepared).catch((error: unknown) => {
        ctx.database.noteFailure(error);
        throw error;
      });
    },
    'load/run': async ({ previewId }) => {
      const preview = ctx.previews.get(previewId);
      const database = ctx.database.ready();
      if (loading) throw new UsageError('load_running', 'A load is already running; wait for it to finish.');
      if (exporting) throw new UsageError('export_running', 'A data-lake export is reading the tables; wait for it to finish (or cancel it).');
      loading = new AbortController();
      try {
        // The rejected rows' COPY text is encoded in a worker while the load copies the other tables.
        const rejected = rejectedCopyInWorker(preview.prepared.lists, preview.prepared.report, { logger: ctx.logger });
        rejected.catch(() => undefined);
        const result = await loadRun(database, { ...preview.prepared, rejected }, {
          schema: ctx.database.schema(),
          source: 'app',
          appVersion: ctx.platform.appVersion,
          logger: ctx.logger,
          signal: loading.signal,
          onProgress: (progress) => {
            ctx.emit('load/progress', progress);
            // Once the run is recorded, every window can say a newer load is under way.
            if (progress.step === 'prepare') void ctx.activity.refresh();
          },
        });
        // The dashboard opens next: its first view is read now, on the pool it will use (warmUp.ts).
        await warmDashboard(database, ctx.database.schema());
        // The run's duration as etl_runs records it, so the summary and History say the same.
        const run = await runById(database.pool, ctx.database.schema(), result.runId).catch(() => null);
        const startedAt = run?.startedAt ?? new Date(Date.now() - result.ms).toISOString();
        const finishedAt = run ? run.finishedAt : new Date().toISOString();
        const ms = finishedAt ? Math.max(0, Date.parse(finishedAt) - Date.parse(startedAt)) : result.ms;
        return { ...result, startedAt, finishedAt, ms };
      } catch (error) {
        ctx.database.noteFailure(error);
        throw error;
      } finally {
        loading = undefined;
        // Committed or rolled back: open dashboards read the run that is live now.
        void ctx.activity.refresh();
      }
    },
    'load/cancel': async () => {
      if (!loading) return { cancelled: false };
      loading.abort();
      return { cancelled: true };
    },
    'load/activity': async () => ctx.activity.current(),

    'runs/list': async ({ limit }) =>
      recentRuns(ctx.database.ready().pool, ctx.database.schema(), limit ?? 200).catch((error: unknown) => {
        ctx.database.noteFailure(error);
        throw error;
      }),

    'rejected/export': async ({ previewId }) => {
      const { prepared } = ctx.previews.get(previewId);
      const { report } = prepared;
      const outPath = await ctx.platform.dialogs.saveFile(`rejected rows - ${path.parse(report.files.appointments.name).name}.xlsx`, 'xlsx');
      if (!outPath) return { path: null, rows: 0 };
      const { rows } = await exportRejectedInWorker(outPath, rejectedSources(report), prepared.lists.data.rejected, { logger: ctx.logger });
      return { path: outPath, rows };
    },

    'lake/export': async () => {
      const database = ctx.database.ready();
      const settings = ctx.settings.lake();
      const target: LakeTarget = {
        ...(settings.parquetDir ? { parquetDir: settings.parquetDir } : {}),
        ...(settings.s3Url ? { s3: { url: settings.s3Url, ...(settings.region ? { region: settings.region } : {}), ...(settings.endpoint ? { endpoint: settings.endpoint } : {}) } } : {}),
      };
      if (!hasLakeTarget(target)) {
        throw new UsageError('no_lake_target', 'Choose where the data-lake export goes first: a folder, an s3:// URL, or both, in Settings.', { setting: 'lake' });
      }
      if (exporting) throw new UsageError('export_running', 'An export is already running; wait for it to finish.');
      if (loading) throw new UsageError('load_running', 'A load is running; export once it has finished.');
      exporting = new AbortController();
      try {
        const result = await exportRun({
          target,
          schema: ctx.database.schema(),
          runId: 'latest',
          appVersion: ctx.platform.appVersion,
          logger: ctx.logger,
          signal: exporting.signal,
          onProgress: (progress) => ctx.emit('lake/progress', progress),
          write: (options) => writeDatasetInWorker(database.recipe, options, { logger: ctx.logger }),
        });
        return {
          runId: result.runId,
          localDir: result.localDir,
          s3Prefix: result.s3?.prefix ?? null,
          files: result.files,
          rows: result.rows,
          bytes: result.bytes,
          uploaded: result.s3 ? result.s3.objects - result.s3.skipped : 0,
          ms: result.ms,
        };
      } catch (error) {
        ctx.database.noteFailure(error);
        throw error;
      } finally {
        exporting = undefined;
      }
    },
    'lake/cancel': async () => {
      if (!exporting) return { cancelled: false };
      exporting.abort();
      return { cancelled: true };
    },

    'dashboard/context': async () => dashboardContext(ctx.database.ready(), ctx.database.schema()),
    'dashboard/kpis': async ({ filter }) => kpis(ctx.database.ready(), ctx.database.schema(), filter),
    'dashboard/leaderboard': async ({ filter, top }) => leaderboard(ctx.database.ready(), ctx.database.schema(), filter, top),
    'dashboard/trend': async ({ filter, granularity }) => trend(ctx.database.ready(), ctx.database.schema(), filter, granularity),
    'dashboard/specialties': async ({ filter }) => specialties(ctx.database.ready(), ctx.database.schema(), filter),
    'dashboard/segments': async ({ filter }) => segments(ctx.database.ready(), ctx.database.schema(), filter),
    'dashboard/drill': async ({ filter, offset, limit }) => drillPage(ctx.database.ready(), ctx.database.schema(), filter, offset, limit),
    'dashboard/export-drill': async ({ filter }) => {
      const database = ctx.database.ready();
      const outPath = await ctx.platform.dialogs.saveFile('bookings.csv', 'csv');
      if (!outPath) return { path: null, rows: 0 };
      return { path: outPath, rows: await exportDrill(database, ctx.database.schema(), filter, outPath) };
    },
    'dashboard/answers': async () => answeredQuestions(ctx.database.ready(), ctx.database.schema()),

    'settings/get': async () => ctx.settings.view(),
    'settings/save': async (request) => {
      const before = JSON.stringify({ server: ctx.settings.server(), schema: ctx.settings.schema() });
      const saved = await ctx.settings.save(request);
      const after = JSON.stringify({ server: ctx.settings.server(), schema: ctx.settings.schema() });
      if (before !== after) void ctx.database.restart();
      return saved;
    },
    'settings/test-connection': async ({ url, password, certificates }) => {
      // The URL is parsed with the allow-list; a stored password goes only to the server it is for.
      const target = ctx.settings.target({ mode: 'server', url, ...(password ? { password } : {}), ...(certificates ? { certificates } : {}) });
      return testConnection(target, ctx.logger);
    },
    'settings/pick-certificate': async ({ role }) => {
      const file = await ctx.platform.dialogs.openCertificate(role);
      if (file) ctx.settings.allowCertificate(file);
      return { role, path: file };
    },
  };
}
