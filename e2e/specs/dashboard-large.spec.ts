/**
 * The Dashboard at a large size (300,000 generated appointments by default; E2E_LARGE_ROWS sets
 * another size, e.g. 1000000, and E2E_LARGE_PAIR a pair to load instead: a folder holding
 * doctors.xlsx and appointments.xlsx, or <doctors.xlsx>:<appointments.xlsx>): the workbooks are
 * loaded by the CLI into the app's database, then the dashboard is opened and used as a person would (Status Cancelled and back to All, a month,
 * a doctor from the leaderboard and its removal; then the trend shown as a table, and Cancelled and
 * All again while it is shown). For each step the page records, in the browser:
 * the renderer's long tasks (PerformanceObserver 'longtask': the main thread blocked over 50 ms),
 * the delay from the click to the next frame (the control showing its new state), and the time
 * until every card settled. The figures are reported (printed and attached as JSON), not asserted
 * on: times are measured by the benchmark, never by tests. What is asserted is that each step
 * settles on the right figures (the appointment count equals SQL over the loaded tables).
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import path from 'node:path';
import { ROOT, expect, test } from '../fixtures';
import { withDatabase } from '../fixtures/database';
import { largePair } from '../fixtures/workbooks';
import { DashboardPage } from '../pages/dashboardPage';

const run = promisify(execFile);
const ROWS = Number(process.env.E2E_LARGE_ROWS ?? 300_000);

interface StepFigures {
  step: string;
  /** Until the first key figure shows (opening only). */
  firstFigureMs?: number;
  settledMs: number;
  /** Click → the next frame painted (null for steps without a click). */
  nextFrameMs: number | null;
  longTasks: number;
  longestTaskMs: number;
  blockedMs: number;
  /** Each long task's length, in order. */
  taskMs: number[];
  /** Each request to the main process: its channel, and when it started and was answered (ms after the step's click, or its start). */
  requests: { channel: string; startMs: number; endMs: number }[];
  /** What the page drew once settled: the trend's period (asked/drawn), its bars, its table's rows, and the elements on the page. */
  drawn: { trend: string; bars: number; tableRows: number; elements: number };
  /** The browser's own work during the step (CDP Performance metrics): layouts and style recalculations, their time, and the script's. */
  engine: { layouts: number; layoutMs: number; styles: number; styleMs: number; scriptMs: number };
  /** How often a chart's drawn width changed during the step (its SVG's width attribute), and the widths it went through. */
  chartResizes: number;
  chartWidths: string[];
}

type PerfWindow = {
  __perf: { longTasks: { start: number; duration: number }[]; frames: { click: number; frame: number }[]; resizes: { at: number; from: string; to: string }[] };
  performance: { now(): number };
};

// Playwright's trace snapshots the page on every action, in the page's own thread: off here, so
// the long tasks recorded are the app's.
test.use({ trace: 'off' });

test.describe('dashboard at a large size', () => {
  test('long tasks and settle times of the main interactions are recorded', async ({ app }, testInfo) => {
    const reason = 'the long-task figures are taken in the bridge shell (Chromium)';
    if (app.shell !== 'bridge') process.stdout.write(`e2e: skipped: ${reason}\n`);
    test.skip(app.shell !== 'bridge', reason);
    test.setTimeout(20 * 60_000);
    const pair = await largePair({ seed: 300, appointments: ROWS });
    const dashboard = new DashboardPage(app);
    await dashboard.expectDatabase('ready');
    const url = await app.databaseUrl();
    await run(
      process.execPath,
      [path.join(ROOT, 'bin', 'healthtech-etl.cjs'), '--doctors_xlsx', pair.doctors, '--appointments_xlsx', pair.appointments, '--db_url', url, '--no_progress',
        '--output_dir', testInfo.outputPath('output'), '--log_file', testInfo.outputPath('pipeline.log')],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
    );
    const sql = async (where: string, params: unknown[] = []) =>
      withDatabase(url, async (client) => Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM healthtech.appointments ${where}`, params)).rows[0]?.n));

    const page = app.page;
    await page.evaluate(() => {
      const w = globalThis as unknown as PerfWindow & { PerformanceObserver: new (cb: (list: { getEntries(): { startTime: number; duration: number }[] }) => void) => { observe(o: object): void }; addEventListener(type: string, cb: (e: { timeStamp: number }) => void, capture: boolean): void; requestAnimationFrame(cb: () => void): void; setTimeout(cb: () => void, ms: number): void };
      w.__perf = { longTasks: [], frames: [], resizes: [] };
      // A chart redrawn at a new width (the svg's width attribute changes): what a resize costs, counted per step.
      const { MutationObserver: Observer, document: doc } = w as unknown as {
        MutationObserver: new (cb: (records: { target: { tagName: string; getAttribute(n: string): string | null }; oldValue: string | null }[]) => void) => { observe(target: unknown, options: object): void };
        document: { body: unknown };
      };
      new Observer((records) => {
        for (const record of records) {
          const to = record.target.getAttribute('width') ?? '';
          if (record.target.tagName.toLowerCase() === 'svg' && record.oldValue !== to) w.__perf.resizes.push({ at: w.performance.now(), from: `${record.target.getAttribute('class') ?? 'svg'} ${record.oldValue ?? ''}`, to });
        }
      }).observe(doc.body, { subtree: true, attributes: true, attributeFilter: ['width'], attributeOldValue: true });
      new w.PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.__perf.longTasks.push({ start: entry.startTime, duration: entry.duration });
      }).observe({ type: 'longtask', buffered: true });
      // The frame after a click: rAF runs before the paint, the timeout after it.
      w.addEventListener('click', (event) => w.requestAnimationFrame(() => w.setTimeout(() => w.__perf.frames.push({ click: event.timeStamp, frame: w.performance.now() }), 0)), true);
    });
    const steps: StepFigures[] = [];
    // E2E_CPU_PROFILE=1: a CPU profile of the page per step (CDP's Profiler), its heaviest functions
    // printed and the profile attached (open it in Chromium's Performance panel).
    const profiler = process.env.E2E_CPU_PROFILE ? await page.context().newCDPSession(page) : null;
    const metrics = await page.context().newCDPSession(page);
    await metrics.send('Performance.enable');
    const engine = async () => {
      const { metrics: list } = await metrics.send('Performance.getMetrics');
      const value = (name: string) => list.find((m) => m.name === name)?.value ?? 0;
      return { layouts: value('LayoutCount'), layoutMs: value('LayoutDuration') * 1000, styles: value('RecalcStyleCount'), styleMs: value('RecalcStyleDuration') * 1000, scriptMs: value('ScriptDuration') * 1000 };
    };
    if (profiler) {
      await profiler.send('Profiler.enable');
      await profiler.send('Profiler.setSamplingInterval', { interval: 200 });
    }
    const measure = async (step: string, act: () => Promise<void>, expectedAppointments: number, firstFigure = false) => {
      if (profiler) await profiler.send('Profiler.start');
      const engineBefore = await engine();
      const started = await page.evaluate(() => (globalThis as unknown as PerfWindow).performance.now());
      const wall = Date.now();
      await act();
      let firstFigureMs: number | undefined;
      if (firstFigure) {
        await expect(page.getByTestId('kpi-appointments')).toBeVisible({ timeout: 60_000 });
        firstFigureMs = Date.now() - wall;
      }
      // Settled: the step's figures are on screen (the cards get a filter change as a deferred value, so
      // for a moment after the click the previous figures are still shown, not yet busy) and no
      // card is busy any more.
      await expect
        .poll(async () => (await dashboard.figures({ wholeTrendTable: false })).kpis.appointments, { message: `${step}: the appointments shown equal SQL`, timeout: 60_000, intervals: [10] })
        .toBe(expectedAppointments);
      await dashboard.waitUntilSettled();
      const settledMs = Date.now() - wall;
      const engineAfter = await engine();
      if (profiler) {
        const { profile } = await profiler.send('Profiler.stop');
        process.stdout.write(`${step}: heaviest functions (self / total ms)\n${heaviest(profile).join('\n')}\n`);
        const file = testInfo.outputPath(`${step.replace(/\W+/g, '-')}.cpuprofile`);
        await writeFile(file, JSON.stringify(profile));
        await testInfo.attach(`${step}.cpuprofile`, { path: file, contentType: 'application/json' });
      }
      const perf = await page.evaluate((since) => {
        const w = globalThis as unknown as PerfWindow & { performance: { getEntriesByType(type: string): { name: string; startTime: number; responseEnd: number }[] } };
        // Times from the step's last click (what the person did), else from the step's start.
        const clicks = w.__perf.frames.filter((f) => f.click >= since).map((f) => f.click);
        const from = clicks.length ? Math.max(...clicks) : since;
        const requests = w.performance
          .getEntriesByType('resource')
          .filter((r) => r.startTime >= since && r.name.includes('/__invoke/'))
          .map((r) => ({ channel: r.name.replace(/^.*\/__invoke\//, ''), startMs: Math.round(r.startTime - from), endMs: Math.round(r.responseEnd - from) }));
        const { document } = w as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } | null; querySelectorAll(s: string): { length: number } } };
        const chart = document.querySelector('[data-testid="trend-chart"]');
        const drawn = {
          trend: `${chart?.getAttribute('data-granularity') ?? '-'}/${chart?.getAttribute('data-drawn') ?? '-'}`,
          bars: document.querySelectorAll('[data-testid="trend-chart"] rect.dash-bar').length,
          tableRows: document.querySelectorAll('[data-testid="trend-table"] tr').length,
          elements: document.querySelectorAll('*').length,
        };
        const resizes = w.__perf.resizes.filter((r) => r.at >= since);
        return { tasks: w.__perf.longTasks.filter((t) => t.start >= since), frames: w.__perf.frames.filter((f) => f.click >= since), requests, drawn, resizes };
      }, started);
      steps.push({
        step,
        ...(firstFigureMs === undefined ? {} : { firstFigureMs }),
        settledMs,
        nextFrameMs: perf.frames.length ? Math.max(...perf.frames.map((f) => f.frame - f.click)) : null,
        longTasks: perf.tasks.length,
        longestTaskMs: Math.round(Math.max(0, ...perf.tasks.map((t) => t.duration))),
        blockedMs: Math.round(perf.tasks.reduce((sum, t) => sum + t.duration, 0)),
        taskMs: perf.tasks.map((t) => Math.round(t.duration)),
        requests: perf.requests,
        drawn: perf.drawn,
        engine: {
          layouts: engineAfter.layouts - engineBefore.layouts,
          layoutMs: Math.round(engineAfter.layoutMs - engineBefore.layoutMs),
          styles: engineAfter.styles - engineBefore.styles,
          styleMs: Math.round(engineAfter.styleMs - engineBefore.styleMs),
          scriptMs: Math.round(engineAfter.scriptMs - engineBefore.scriptMs),
        },
        chartResizes: perf.resizes.length,
        chartWidths: perf.resizes.map((r) => `${r.from}→${r.to}`),
      });
      expect((await dashboard.figures({ wholeTrendTable: false })).kpis.appointments, `${step}: the appointments shown equal SQL`).toBe(expectedAppointments);
    };

    const all = await sql('');
    await measure('open the dashboard', () => dashboard.open(), all, true);
    await measure('Status = Cancelled', () => dashboard.setStatus('Cancelled'), await sql(`WHERE status = 'cancelled'`));
    await measure('Status = All', () => dashboard.setStatus('All'), all);
    const month = await withDatabase(url, async (client) => (await client.query<{ m: string }>(`SELECT to_char(percentile_disc(0.5) WITHIN GROUP (ORDER BY booking_date), 'YYYY-MM') AS m FROM healthtech.appointments`)).rows[0]?.m ?? '2025-01');
    const monthEnd = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
    await measure('a month', () => dashboard.setRange(`${month}-01`, monthEnd), await sql('WHERE booking_date BETWEEN $1 AND $2', [`${month}-01`, monthEnd]));
    await measure('All dates', () => dashboard.chooseRangePreset('All dates'), all);
    const top = (await dashboard.figures()).leaderboard.rows[0]?.doctorId as number;
    await measure('a doctor', () => dashboard.clickDoctor(top), await sql('WHERE doctor_id = $1', [top]));
    await measure('the doctor removed', () => dashboard.removeChip(/doctor/i), all);
    // What the figures were read from, to look at.
    const picture = async (name: string, shot: { screenshot(options: { path: string }): Promise<unknown> }) => {
      await shot.screenshot({ path: testInfo.outputPath(name) });
      await testInfo.attach(name, { path: testInfo.outputPath(name), contentType: 'image/png' });
    };
    await picture('dashboard-large.png', page);
    await picture('dashboard-large-trend.png', dashboard.trendCard);
    // The trend's table is made only when asked for: what showing it costs, and a filter change
    // while it is shown (every period's row).
    await measure('the table shown', () => dashboard.showTrendTable(), all);
    // Every period is in the table (read by scrolling it: only the rows in its box are rendered), and
    // its figures add up to every booking: on the axis, or in the before/after rows.
    const shown = await dashboard.figures();
    expect(shown.trend.points.reduce((sum, p) => sum + p.confirmed + p.cancelled, 0) + shown.trend.outside.before + shown.trend.outside.after, 'the trend table accounts for every booking').toBe(all);
    // The taller page must not set the charts resizing one another: each is redrawn at a new width
    // at most once (a scroll bar appearing), never in a loop.
    expect(steps.at(-1)?.chartResizes ?? 0, `charts redrawn at a new width when the table was shown: ${steps.at(-1)?.chartWidths.join(', ') ?? ''}`).toBeLessThanOrEqual(4);
    await picture('dashboard-large-trend-table.png', dashboard.trendCard);
    // Its end, scrolled to (the rows there are rendered when they come into the box); then back to the top.
    const tableBox = page.locator('#trend-table');
    await tableBox.evaluate((box: { scrollTop: number; scrollHeight: number }) => {
      box.scrollTop = box.scrollHeight;
    });
    await expect(page.getByTestId(shown.trend.outside.after > 0 ? 'trend-row-after' : `trend-row-${shown.trend.points.at(-1)?.period ?? ''}`)).toBeInViewport();
    await picture('dashboard-large-trend-table-end.png', dashboard.trendCard);
    await tableBox.evaluate((box: { scrollTop: number }) => {
      box.scrollTop = 0;
    });
    await expect(page.getByTestId(`trend-row-${shown.trend.points[0]?.period ?? ''}`)).toBeInViewport();
    await measure('Cancelled, table shown', () => dashboard.setStatus('Cancelled'), await sql(`WHERE status = 'cancelled'`));
    await measure('All, table shown', () => dashboard.setStatus('All'), all);

    const report = steps.map(
      (s) =>
        `${s.step.padEnd(20)}${s.firstFigureMs === undefined ? '' : ` first figures ${s.firstFigureMs} ms ·`} settled ${String(s.settledMs).padStart(5)} ms · click→frame ${s.nextFrameMs === null ? '   -' : String(Math.round(s.nextFrameMs)).padStart(4)} ms · long tasks ${s.longTasks} (longest ${s.longestTaskMs} ms, ${s.blockedMs} ms in all: ${s.taskMs.join(', ') || '-'})\n` +
        `${''.padEnd(22)}requests: ${s.requests.map((r) => `${r.channel} ${r.startMs}–${r.endMs}`).join(', ')}\n` +
        `${''.padEnd(22)}drawn: trend ${s.drawn.trend}, ${s.drawn.bars} bars, ${s.drawn.tableRows} table rows, ${s.drawn.elements} elements on the page\n` +
        `${''.padEnd(22)}browser: ${s.engine.layouts} layouts (${s.engine.layoutMs} ms), ${s.engine.styles} style recalcs (${s.engine.styleMs} ms), script ${s.engine.scriptMs} ms; charts redrawn at a new width ${s.chartResizes} times${s.chartResizes ? ` (${s.chartWidths.slice(0, 8).join(', ')}${s.chartResizes > 8 ? ', …' : ''})` : ''}`,
    );
    process.stdout.write(`dashboard at ${pair.given ? `${all.toLocaleString('en-US')} appointments of ${pair.appointments}` : `${ROWS.toLocaleString('en-US')} generated appointments`} (${app.shell}):\n  ${report.join('\n  ')}\n`);
    await testInfo.attach('dashboard-long-tasks.json', { body: JSON.stringify({ rows: all, pair: pair.given ? pair : null, steps }, null, 2), contentType: 'application/json' });
  });
});

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

/** The functions a CPU profile spent the most time in: self time, and total time with what they called. */
function heaviest(profile: { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[] }, top = 25): string[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const name = (node: ProfileNode) => `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').pop() ?? ''}:${node.callFrame.lineNumber + 1}:${node.callFrame.columnNumber + 1}`;
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (const [i, id] of samples.entries()) {
    const ms = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000;
    const leaf = byId.get(id);
    if (!leaf) continue;
    self.set(name(leaf), (self.get(name(leaf)) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at);
      if (!node) break;
      const key = name(node);
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + ms);
    }
  }
  const row = (key: string) => `    ${String(Math.round(self.get(key) ?? 0)).padStart(6)} ${String(Math.round(total.get(key) ?? 0)).padStart(6)}  ${key}`;
  const bySelf = [...self].sort((a, b) => b[1] - a[1]).slice(0, top).map(([key]) => row(key));
  const byTotal = [...total].sort((a, b) => b[1] - a[1]).slice(0, top).map(([key]) => row(key));
  return ['  by self time:', ...bySelf, '  by total time:', ...byTotal];
}
