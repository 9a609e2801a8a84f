/**
 * The handler table the Electron main process registers, driven through dispatch() exactly as
 * ipcMain and the test bridge drive it, against a real PostgreSQL.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelName, Events, LoadPlan, PreviewSummary, RequestOf, ResponseOf, Result } from '../../shared/contract';
import { createApp, type App } from '../../electron/app/createApp';
import { dispatch } from '../../electron/app/dispatch';
import { MemoryLogger } from '../../electron/etl/logger';
import { prepareRun } from '../../electron/etl/prepareRun';
import { createTestDatabase, testServers, type TestDatabase } from '../support/database';
import { nodePlatform } from '../support/nodePlatform';

let dir: string;
let database: TestDatabase;
let app: App;
const events: { event: keyof Events; payload: unknown }[] = [];
const platform = () => nodePlatform(path.join(dir, 'user-data'));
let plat: ReturnType<typeof platform>;

async function call<C extends ChannelName>(channel: C, request: RequestOf<C> | Record<string, unknown>): Promise<Result<ResponseOf<C>>> {
  return (await dispatch(app.handlers, channel, request)) as Result<ResponseOf<C>>;
}
async function value<C extends ChannelName>(channel: C, request: RequestOf<C> | Record<string, unknown>): Promise<ResponseOf<C>> {
  const result = await call(channel, request);
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.code}: ${result.error.message}`);
  return result.value;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'handlers-'));
  database = await createTestDatabase((testServers()[0] as { url: string }).url);
  plat = platform();
  app = await createApp(plat, (event, payload) => events.push({ event, payload }), new MemoryLogger());
  // Point the app at the test database instead of starting an embedded server of its own.
  const url = new URL(database.url);
  const password = decodeURIComponent(url.password);
  url.password = '';
  await value('settings/save', { database: { mode: 'server', url: url.toString(), password }, schema: 'healthtech', dateOrder: 'auto', suspiciousPolicy: 'warn' });
  for (let i = 0; i < 100 && app.database.status().state !== 'ready'; i++) await new Promise((r) => setTimeout(r, 50));
});
afterAll(async () => {
  await app?.shutdown();
  await database?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('import, preview, load through the handler table', () => {
  let summary: PreviewSummary;
  let samples: ResponseOf<'files/samples'>;

  it('identifies the samples by their headers', async () => {
    samples = await value('files/samples', {});
    expect(samples.map((f) => f.kind)).toEqual(['doctors', 'appointments']);
    expect(samples.every((f) => f.problem === undefined && f.sizeBytes > 0)).toBe(true);
  });

  it('previews with the same numbers as the pipeline, with progress events', async () => {
    const [doctors, appointments] = samples as [(typeof samples)[number], (typeof samples)[number]];
    summary = await value('preview/run', {
      doctors: { path: doctors.path },
      appointments: { path: appointments.path },
      dateOrder: 'auto',
      suspiciousPolicy: 'warn',
      runDate: '2026-11-25',
    });
    const expected = await prepareRun({ doctors: { path: doctors.path }, appointments: { path: appointments.path }, runDate: '2026-11-25' });
    expect(summary.counts).toEqual(expected.report.counts);
    expect(summary.totals.rejected).toBe(expected.report.rejected.length);
    expect(summary.files.appointments.counts).toEqual(expected.report.files.appointments.counts);
    expect(events.some((e) => e.event === 'preview/progress')).toBe(true);
  });

  it('pages and filters the rejected rows, duplicates and fixes', async () => {
    const all = await value('preview/rows', { previewId: summary.previewId, table: 'rejected', offset: 0, limit: 1000 });
    expect(all.total).toBe(summary.totals.rejected);
    const page = await value('preview/rows', { previewId: summary.previewId, table: 'rejected', offset: 5, limit: 3 });
    expect(page.rows).toEqual(all.rows.slice(5, 8));
    const invalidDates = await value('preview/rows', { previewId: summary.previewId, table: 'rejected', offset: 0, limit: 100, filter: { reason: 'invalid_date' } });
    expect(invalidDates.total).toBe(summary.rejectedByReason.invalid_date);
    expect(invalidDates.rows.every((r) => 'reason' in r && r.reason === 'invalid_date')).toBe(true);
    const duplicates = await value('preview/rows', { previewId: summary.previewId, table: 'duplicates', offset: 0, limit: 100 });
    expect(duplicates.total).toBe(summary.totals.duplicates);
    expect(duplicates.rows.every((r) => 'keptRow' in r && typeof r.keptRow === 'number')).toBe(true);
    const statusFixes = await value('preview/rows', { previewId: summary.previewId, table: 'fixes', offset: 0, limit: 1000, filter: { rule: 'status_standardised' } });
    expect(statusFixes.total).toBe(summary.fixesByRule.status_standardised);
  });

  it('plans the first load (everything added), loads, and plans again (nothing changes)', async () => {
    const plan: LoadPlan = await value('load/plan', { previewId: summary.previewId });
    expect(plan.current).toMatchObject({ doctors: 0, appointments: 0, lastRun: null });
    expect(plan.changes).toMatchObject({ bookingsAdded: summary.counts.appointments, bookingsRemoved: 0, doctorsAdded: summary.counts.doctors });
    const outcome = await value('load/run', { previewId: summary.previewId });
    expect(outcome).toMatchObject({ doctors: summary.counts.doctors, appointments: summary.counts.appointments, rejected: summary.totals.rejected });
    expect(events.some((e) => e.event === 'load/progress' && (e.payload as { step: string }).step === 'copy_appointments')).toBe(true);
    const again = await value('load/plan', { previewId: summary.previewId });
    expect(again.current).toMatchObject({ doctors: summary.counts.doctors, appointments: summary.counts.appointments });
    expect(again.current.lastRun?.runId).toBe(outcome.runId);
    expect(again.changes).toEqual({ bookingsAdded: 0, bookingsRemoved: 0, bookingsStatusChanged: 0, bookingsOtherwiseChanged: 0, doctorsAdded: 0, doctorsRemoved: 0, doctorsRenamed: 0 });
    const runs = await value('runs/list', {});
    expect(runs[0]).toMatchObject({ runId: outcome.runId, outcome: 'succeeded', source: 'app', doctorsFile: 'doctors.xlsx' });
    // Open windows hear that the loaded run changed (and can ask what is loaded now).
    expect(await value('load/activity', {})).toEqual({ schema: 'healthtech', liveRunId: outcome.runId, running: null });
    const activity = events.filter((e) => e.event === 'load/activity').map((e) => e.payload as Events['load/activity']);
    expect(activity.at(-1)).toEqual({ schema: 'healthtech', liveRunId: outcome.runId, running: null });
    // One duration for a run: the outcome's is the one History computes from etl_runs.
    expect({ startedAt: outcome.startedAt, finishedAt: outcome.finishedAt }).toEqual({ startedAt: runs[0]?.startedAt, finishedAt: runs[0]?.finishedAt });
    expect(outcome.ms).toBe(Date.parse(runs[0]?.finishedAt ?? '') - Date.parse(runs[0]?.startedAt ?? ''));
  });

  it('exports the rejected rows to the path the save dialog gives', async () => {
    const out = path.join(dir, 'rejected.xlsx');
    plat.scripted.save.push(out);
    const result = await value('rejected/export', { previewId: summary.previewId });
    expect(result).toEqual({ path: out, rows: summary.totals.rejected });
    plat.scripted.save.push(null);
    expect(await value('rejected/export', { previewId: summary.previewId })).toEqual({ path: null, rows: 0 });
  });

  it('exports the loaded run for the data lake to the folder chosen in Settings, with progress (written in the worker)', async () => {
    const none = await call('lake/export', {});
    expect(none.ok ? null : none.error).toMatchObject({ kind: 'usage', code: 'no_lake_target' });
    const settings = await value('settings/get', {});
    const lakeDir = path.join(dir, 'lake');
    const refused = await call('settings/save', { ...withoutView(settings), lake: { parquetDir: lakeDir, s3Url: 'http://not-s3', region: null, endpoint: null } });
    expect(refused.ok ? null : refused.error.message).toBe('The S3 URL must look like s3://bucket/prefix, not "http://not-s3".');
    const saved = await value('settings/save', { ...withoutView(settings), lake: { parquetDir: lakeDir, s3Url: null, region: null, endpoint: null } });
    expect(saved.lake).toEqual({ parquetDir: lakeDir, s3Url: null, region: null, endpoint: null });
    events.length = 0;
    const outcome = await value('lake/export', {});
    const runs = await value('runs/list', {});
    expect(outcome).toMatchObject({ runId: runs[0]?.runId, localDir: path.join(lakeDir, `run_id=${runs[0]?.runId}`), s3Prefix: null, uploaded: 0 });
    expect(outcome.rows).toMatchObject({ appointments: summary.counts.appointments, doctors: summary.counts.doctors, rejected_rows: summary.totals.rejected, etl_runs: 1 });
    const progress = events.filter((e) => e.event === 'lake/progress').map((e) => e.payload as Events['lake/progress']);
    expect(progress.at(-1)).toMatchObject({ phase: 'write', unit: 'rows' });
    expect(progress.at(-1)?.done).toBe(progress.at(-1)?.total);
    expect(await value('lake/cancel', {})).toEqual({ cancelled: false });
  });
});

/** settings/get's answer as a settings/save request (the view's extra fields left out). */
function withoutView(settings: ResponseOf<'settings/get'>): RequestOf<'settings/save'> {
  return {
    database: settings.database.mode === 'embedded' ? { mode: 'embedded' } : { mode: 'server', url: settings.database.url },
    schema: settings.schema,
    dateOrder: settings.dateOrder,
    suspiciousPolicy: settings.suspiciousPolicy,
  };
}

describe('a new preview', () => {
  it('releases the previous one as it starts, even when it then fails', async () => {
    const [doctors, appointments] = (await value('files/samples', {})) as [ResponseOf<'files/samples'>[number], ResponseOf<'files/samples'>[number]];
    const first = await value('preview/run', { doctors: { path: doctors.path }, appointments: { path: appointments.path }, dateOrder: 'auto', suspiciousPolicy: 'warn' });
    expect((await value('preview/rows', { previewId: first.previewId, table: 'fixes', offset: 0, limit: 5 })).rows).toHaveLength(5);
    const failed = await call('preview/run', {
      doctors: { path: doctors.path },
      appointments: { path: appointments.path, sheet: 'No such sheet' },
      dateOrder: 'auto',
      suspiciousPolicy: 'warn',
    });
    expect(failed.ok).toBe(false);
    const gone = await call('preview/rows', { previewId: first.previewId, table: 'fixes', offset: 0, limit: 5 });
    expect(gone.ok ? 'ok' : gone.error.code).toBe('preview_gone');
  });
});

describe('requests are validated in main', () => {
  it('rejects unknown channels, malformed requests and files nobody chose', async () => {
    const unknown = await dispatch(app.handlers, 'fs/readFile', { path: '/etc/passwd' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    const bad = await call('preview/rows', { previewId: 'x', table: 'rejected', offset: -1, limit: 5 });
    expect(bad).toMatchObject({ ok: false, error: { kind: 'usage', code: 'invalid_request' } });
    const relative = await call('preview/run', { doctors: { path: 'doctors.xlsx' }, appointments: { path: '/tmp/a.xlsx' }, dateOrder: 'auto', suspiciousPolicy: 'warn' });
    expect(relative).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    const notChosen = await call('preview/run', { doctors: { path: '/etc/hosts' }, appointments: { path: '/etc/passwd' }, dateOrder: 'auto', suspiciousPolicy: 'warn' });
    expect(notChosen).toMatchObject({ ok: false, error: { code: 'file_not_chosen' } });
    const extra = await call('settings/get', { sneaky: true });
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it('a dropped file that is not a workbook is identified with the reason, not an exception', async () => {
    const [file] = await value('files/identify', { paths: [path.join(path.resolve('.'), 'README.md')] });
    expect(file?.kind).toBeNull();
    expect(file?.problem?.message).toMatch(/README\.md is a text file/);
  });
});

describe('settings', () => {
  it('stores the server password only encrypted, never in plain text', async () => {
    const saved = await readFile(path.join(dir, 'user-data', 'settings.json'), 'utf8');
    const password = decodeURIComponent(new URL(database.url).password);
    expect(saved).not.toContain(password);
    expect(JSON.parse(saved).secret).toBeTypeOf('string');
    expect((await value('settings/get', {})).database).toMatchObject({ mode: 'server', hasPassword: true });
  });

  it('test-connection reports the server version, and a bad schema is refused', async () => {
    const url = new URL(database.url);
    url.password = '';
    const ok = await value('settings/test-connection', { url: url.toString(), schema: 'healthtech' });
    expect(Number.parseInt(ok.serverVersion, 10)).toBeGreaterThanOrEqual(13);
    const bad = await call('settings/save', { database: { mode: 'embedded' }, schema: 'bad-name', dateOrder: 'auto', suspiciousPolicy: 'warn' });
    expect(bad).toMatchObject({ ok: false, error: { kind: 'usage', code: 'invalid_schema' } });
  });

  it('keeps a run date (as --run_date), refuses one that is not a real date, and forgets it on null', async () => {
    const now = await value('settings/get', {});
    expect(now.runDate).toBeNull();
    const database = now.database.mode === 'server' ? { mode: 'server' as const, url: now.database.url } : { mode: 'embedded' as const };
    const base = { database, schema: now.schema, dateOrder: now.dateOrder, suspiciousPolicy: now.suspiciousPolicy };
    expect((await value('settings/save', { ...base, runDate: '2025-10-31' })).runDate).toBe('2025-10-31');
    expect(JSON.parse(await readFile(path.join(dir, 'user-data', 'settings.json'), 'utf8')).runDate).toBe('2025-10-31');
    // Saved without the field (an older renderer), the run date stays.
    expect((await value('settings/save', base)).runDate).toBe('2025-10-31');
    expect(await call('settings/save', { ...base, runDate: '2025-02-30' })).toMatchObject({ ok: false, error: { kind: 'usage', code: 'invalid_run_date' } });
    expect((await value('settings/save', { ...base, runDate: null })).runDate).toBeNull();
  });
});
