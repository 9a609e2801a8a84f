/**
 * The Dashboard against SQL written in this test (e2e/fixtures/dashboardSql.ts, from the
 * product's definitions, not the app's queries): after workbooks are imported, previewed and
 * loaded through the UI, every figure on screen — key figures and what a filter leaves out of
 * them, the leaderboard and its ranking, the trend's periods and the bookings left off its axis,
 * specialties, patient segments, the caveats — equals SQL over the loaded tables.
 *
 * One truth: the default view counts everything loaded, so the leaderboard is question 4 and its
 * top is question 1, on the generator's year of bookings and on a real export's shape (five days,
 * three doctors, one placeholder, a date dragged down to 2355), where the trend shows the days and
 * a marker for the far-future bookings. Cancelled ranks by cancellations. Drill-through lists the
 * right bookings with their workbook and Excel row, from a key figure, a trend bar under a
 * patient-segment filter, a visit-count bucket and the outlier marker; its CSV export equals the
 * SQL. Before any load the dashboard says so and leads to Import; the filters survive a restart.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestInfo } from '@playwright/test';
import { ROOT, expect, test, type AppHandle } from '../fixtures';
import { camera } from '../fixtures/camera';
import { parseCsv } from '../fixtures/cli';
import { withDatabase } from '../fixtures/database';
import {
  allDataKpis,
  bookings,
  businessAnswers,
  dashboardFigures,
  queriesFile,
  runQueriesFile,
  shownLoad,
  trendAxis,
  type AnswerRow,
  type BookingRow,
  type Granularity,
  type Scope,
} from '../fixtures/dashboardSql';
import { DASHBOARD_PAIR, generatePair, generateRealShapePair, type WorkbookPair } from '../fixtures/workbooks';
import { DashboardPage, type DrillRowOnScreen } from '../pages/dashboardPage';
import { importAndLoad } from '../pages/flows';

const SEPTEMBER = { from: '2025-09-01', to: '2025-09-30' } as const;
const count = (n: number) => n.toLocaleString('en-US');

/** Imports, previews and loads a pair through the UI, and opens the Dashboard. */
async function loadAndOpen(app: AppHandle, testInfo: TestInfo, make: (dir: string) => Promise<WorkbookPair> = (dir) => generatePair(dir, DASHBOARD_PAIR)): Promise<{ dashboard: DashboardPage; url: string }> {
  const pair = await make(testInfo.outputPath('workbooks'));
  await importAndLoad(app, pair);
  const dashboard = new DashboardPage(app);
  await dashboard.open();
  // The trend's periods are compared from its table, made only when asked for.
  await dashboard.showTrendTable();
  return { dashboard, url: await app.databaseUrl() };
}

/**
 * What the screen must show for a scope, once nothing is computing: the SQL figures, and beside
 * each key figure a filter changes, the same figure over every loaded booking.
 */
async function expected(url: string, scope: Scope, granularity: Granularity) {
  const figures = await dashboardFigures(url, scope, granularity);
  const whole = !scope.from && !scope.to && scope.doctorId === undefined && !scope.status && !scope.segment;
  const all = whole ? figures.kpis : await allDataKpis(url);
  const allData: Record<string, number> = {};
  for (const key of ['appointments', 'confirmed', 'cancelled', 'patients', 'doctors'] as const) if (all[key] !== figures.kpis[key]) allData[key] = all[key];
  return { busy: false, ...figures, kpis: { ...omitCaveatCounts(figures.kpis), allData } };
}

function omitCaveatCounts<T extends { placeholderBookings: number; suspiciousBookings: number }>(kpis: T): Omit<T, 'placeholderBookings' | 'suspiciousBookings'> {
  const { placeholderBookings: _p, suspiciousBookings: _s, ...rest } = kpis;
  return rest;
}

/** The rule the trend card states ("auto: …, fitted to where the bookings are"): days up to 92, weeks up to 731, over the axis. */
async function autoGranularity(url: string, scope: Scope): Promise<Granularity> {
  const axis = await trendAxis(url, scope);
  if (!axis) return 'day';
  const days = (Date.parse(`${axis.to}T00:00:00Z`) - Date.parse(`${axis.from}T00:00:00Z`)) / 86_400_000 + 1;
  return days <= 92 ? 'day' : days <= 731 ? 'week' : 'month';
}

const dayText = (iso: string) => new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-US', { timeZone: 'UTC', month: 'short', day: 'numeric', year: 'numeric' });
const plural = (n: number, one: string) => `${count(n)} ${n === 1 ? one : `${one}s`}`;

/** A booking as the drill table shows it. */
function shown(row: BookingRow, workbook: string): DrillRowOnScreen {
  return { bookingId: row.bookingId, patientId: row.patientId, bookingDate: row.bookingDate, status: row.status, source: `${workbook} · row ${count(row.sourceRow ?? 0)}` };
}

async function doctorName(url: string, doctorId: number): Promise<string> {
  return withDatabase(url, async (client) => (await client.query<{ name: string }>('SELECT name FROM healthtech.doctors WHERE doctor_id = $1', [doctorId])).rows[0]?.name ?? '');
}

test.describe('Dashboard', () => {
  test('before any load: says nothing is loaded and leads to Import', async ({ app }) => {
    const dashboard = new DashboardPage(app);
    await dashboard.expectDatabase('ready');
    await dashboard.open();
    await expect(dashboard.emptyState).toBeVisible();
    await expect(dashboard.emptyState.getByRole('heading', { name: 'Nothing loaded yet' })).toBeVisible();
    await expect(dashboard.page.getByTestId('kpi-appointments')).toHaveCount(0);
    await dashboard.goToImportFromEmptyState();
  });

  test('after a load: the default view is everything loaded; the leaderboard is question 4 and its top question 1; every figure and answer equals SQL', async ({ app }, testInfo) => {
    const shot = camera(app, testInfo, 'dashboard-spec-overview-');
    const { dashboard, url } = await loadAndOpen(app, testInfo);

    // Nothing is filtered by default: no dates, no chips.
    expect(await dashboard.range()).toEqual({ from: '', to: '' });
    await expect(dashboard.chipList).toContainText('None: every loaded booking is shown');

    // Auto granularity (from where the bookings are), then months: every figure equals SQL.
    const auto = await autoGranularity(url, {});
    await expect.poll(() => dashboard.figures(), { timeout: 30_000 }).toEqual(await expected(url, {}, auto));
    await shot('default-view');
    await dashboard.chooseGranularity('Month');
    await expect.poll(() => dashboard.figures()).toEqual(await expected(url, {}, 'month'));
    const figures = await dashboard.figures();
    expect(figures.leaderboard.rows).toHaveLength(10);
    expect(figures.leaderboard.rankedBy).toBe('confirmed');
    const { before, after } = figures.trend.outside;
    expect(figures.trend.points.reduce((sum, p) => sum + p.confirmed + p.cancelled, 0) + before + after).toBe(figures.kpis.appointments);
    expect(after, 'the generated fill series are left off the axis').toBeGreaterThan(0);
    expect(figures.segments.newPatients + figures.segments.returningPatients).toBe(figures.segments.patients);
    expect(figures.segments.returningPatients, 'everything loaded still has returning patients').toBeGreaterThan(0);
    expect(figures.segments.one + figures.segments.twoToThree + figures.segments.fourPlus).toBe(figures.kpis.patients);
    expect(await dashboard.cancellationRateText()).toBe(`${(Math.round(figures.kpis.cancellationRate * 1000) / 10).toFixed(1)}%`);

    // The business questions: our SQL, the file's statements run here, and the screen agree.
    const ours = await businessAnswers(url);
    const file = await runQueriesFile(url, ROOT);
    const statements = await queriesFile(ROOT);
    expect(file).toEqual({ q1_top_doctor: ours.q1, q2_patient_34_confirmed: ours.q2, q3_cancelled_oct_21_24: ours.q3, q4_confirmed_by_doctor: ours.q4 });
    const answers = await dashboard.answers();
    expect(answers.map((a) => a.name)).toEqual(statements.map((s) => s.name));
    answers.forEach((answer, i) => expect(answer.sql, `${answer.name}: the SQL shown is the file's`).toBe(statements[i]?.text));
    const asTable = (rows: AnswerRow[]) => rows.map((row) => Object.values(row).map((v) => (typeof v === 'number' ? count(v) : v)));
    const [q1, q2, q3, q4] = answers;
    expect(q1?.header).toEqual(['doctor_id', 'name', 'confirmed']);
    expect(q1?.rows).toEqual(asTable(ours.q1));
    expect(q1?.short).toBe(ours.q1.map((r) => `${r.name} (#${r.doctor_id}): ${count(Number(r.confirmed))} confirmed`).join('; '));
    expect(q2?.short).toBe(count(Number(ours.q2[0]?.confirmed)));
    expect(q3?.short).toBe(count(Number(ours.q3[0]?.cancelled)));
    expect(Number(ours.q3[0]?.cancelled), 'the data has cancellations on Oct 21–24').toBeGreaterThan(0);
    expect(q4?.rows).toEqual(asTable(ours.q4));
    expect(q4?.short).toBe(`${count(ours.q4.length)} rows`);

    // One truth: the default leaderboard is question 4's first ten rows, its top question 1.
    expect(figures.leaderboard.rows.map((r) => [r.doctorId, r.confirmed])).toEqual(ours.q4.slice(0, 10).map((r) => [r.doctor_id, r.confirmed]));
    const top = figures.leaderboard.rows[0]?.confirmed;
    expect(figures.leaderboard.rows.filter((r) => r.confirmed === top).map((r) => r.doctorId)).toEqual(ours.q1.map((r) => r.doctor_id));
    await shot('answers-open');
  });

  test('a real export’s shape: five days by day, the series dragged to 2355 a marker, caveats for the view, Cancelled ranks by cancellations, a range says what it leaves out', async ({ app }, testInfo) => {
    const shot = camera(app, testInfo, 'dashboard-spec-real-shape-');
    const { dashboard, url } = await loadAndOpen(app, testInfo, generateRealShapePair);
    const figures = await expected(url, {}, 'day');
    expect(figures.trend.outside.after, 'the dragged dates are left off the axis').toBe(330);
    await expect.poll(() => dashboard.figures(), { timeout: 30_000 }).toEqual(figures);
    expect(await dashboard.outsideText('after')).toBe(`330 bookings after ${dayText('2025-10-24')} — show →`);
    const ours = await businessAnswers(url);
    expect(figures.leaderboard.rows.map((r) => [r.doctorId, r.confirmed])).toEqual(ours.q4.map((r) => [r.doctor_id, r.confirmed]));
    expect(figures.leaderboard.rows[0]?.doctorId).toBe(ours.q1[0]?.doctor_id);
    expect(figures.leaderboard.rows[0]?.confirmed).toBe(ours.q1[0]?.confirmed);

    // The caveats say what is in this view, in the right number.
    const { runDate } = await shownLoad(url);
    const suspiciousAfter = new Date(Date.parse(`${runDate}T00:00:00Z`) + 365 * 86_400_000).toISOString().slice(0, 10);
    const all = await dashboardFigures(url, {}, 'day');
    const { rows: rejected } = await withDatabase(url, (client) => client.query<{ n: string }>('SELECT count(*) AS n FROM healthtech.rejected_rows'));
    expect((await dashboard.caveats()).slice(0, 3)).toEqual([
      `${plural(all.kpis.placeholders, 'placeholder doctor')} in view (${plural(all.kpis.placeholderBookings, 'booking')})`,
      `${plural(all.kpis.suspiciousBookings, 'booking')} with a suspicious date in view (before ${dayText('2000-01-01')} or after ${dayText(suspiciousAfter)})`,
      `${plural(Number(rejected[0]?.n), 'row')} rejected in the load`,
    ]);
    await shot('default-view');

    // The far-future bookings, listed from the marker.
    await dashboard.showOutside('after');
    expect(await dashboard.drillTitle()).toBe(`Bookings after ${dayText('2025-10-24')}`);
    expect(await dashboard.drillTotal()).toBe(330);
    await dashboard.closeDrill();

    // Cancelled: the leaderboard ranks by cancellations.
    await dashboard.setStatus('Cancelled');
    const cancelled = await expected(url, { status: 'cancelled' }, 'day');
    expect(cancelled.leaderboard.rankedBy).toBe('cancelled');
    await expect.poll(() => dashboard.figures()).toEqual(cancelled);
    expect(cancelled.leaderboard.rows.some((r) => r.cancelled > 0)).toBe(true);
    await shot('cancelled');
    await dashboard.setStatus('All');

    // Four days: the figures say how many are in all data; a real doctor has no placeholder in view.
    await dashboard.setRange('2025-10-20', '2025-10-23');
    const fourDays = await expected(url, { from: '2025-10-20', to: '2025-10-23' }, 'day');
    expect(fourDays.kpis.allData.appointments).toBe(all.kpis.appointments);
    await expect.poll(() => dashboard.figures()).toEqual(fourDays);
    const doctor = fourDays.leaderboard.rows.find((r) => r.doctorId !== 105)?.doctorId ?? 0;
    await dashboard.clickDoctor(doctor);
    const mine = await expected(url, { from: '2025-10-20', to: '2025-10-23', doctorId: doctor }, 'day');
    await expect.poll(() => dashboard.figures()).toEqual(mine);
    const notes = await dashboard.caveats();
    expect(notes[0]).toBe(`This filter shows ${count(mine.kpis.appointments)} of ${count(all.kpis.appointments)} bookings (${count(all.kpis.appointments - mine.kpis.appointments)} left out)`);
    expect(notes).toContain('No placeholder doctors in view');
    expect(notes).toContain('No suspicious dates in view');
    await shot('four-days-one-doctor');
  });

  test('a one-month range, then a doctor clicked in the leaderboard: figures follow the SQL; a key figure drills to its bookings and exports them as CSV', async ({ app }, testInfo) => {
    const shot = camera(app, testInfo, 'dashboard-spec-month-');
    const { dashboard, url } = await loadAndOpen(app, testInfo);
    await expect.poll(() => dashboard.figures(), { timeout: 30_000 }).toEqual(await expected(url, {}, await autoGranularity(url, {})));
    const before = await dashboard.figures();

    // One month: fewer bookings, daily periods, returning patients from before September.
    await dashboard.setRange(SEPTEMBER.from, SEPTEMBER.to);
    await expect(dashboard.chipList).toContainText('Dates: Sep 1 – Sep 30, 2025');
    const month = await expected(url, SEPTEMBER, 'day');
    await expect.poll(() => dashboard.figures()).toEqual(month);
    expect(month.kpis.appointments).toBeLessThan(before.kpis.appointments);
    expect(month.segments.returningPatients, 'September has returning patients').toBeGreaterThan(0);
    expect(month.kpis.span).toMatch(/^2025-09-\d\d\/2025-09-\d\d$/);

    // A doctor clicked in the leaderboard (the third ranked): a chip, and every figure for that doctor.
    const doctor = month.leaderboard.rows[2]?.doctorId ?? 0;
    await dashboard.clickDoctor(doctor);
    await expect(dashboard.chipList).toContainText(`Doctor: ${await doctorName(url, doctor)}`);
    const mine = await expected(url, { ...SEPTEMBER, doctorId: doctor }, 'day');
    await expect.poll(() => dashboard.figures()).toEqual(mine);
    expect(mine.leaderboard.rows).toEqual([month.leaderboard.rows[2]]);
    expect(mine.kpis.doctors).toBe(1);
    await shot('september-one-doctor');

    // The Cancelled key figure drills to exactly those bookings, each with its workbook and Excel row.
    const scope: Scope = { ...SEPTEMBER, doctorId: doctor, status: 'cancelled' };
    const rows = await bookings(url, scope);
    expect(rows.length).toBe(mine.kpis.cancelled);
    await dashboard.drillKpi('cancelled');
    expect(await dashboard.drillTitle()).toBe('Cancelled bookings');
    expect(await dashboard.drillTotal()).toBe(rows.length);
    expect(await dashboard.drillRows()).toEqual(rows.map((r) => shown(r, 'appointments.xlsx')));
    await shot('drill-cancelled');

    // Its CSV: every booking of the drill, with the load's workbook and each Excel row.
    const target = testInfo.outputPath('cancelled bookings.csv');
    expect(await dashboard.exportDrillCsv(target)).toBe(`Saved ${count(rows.length)} bookings to ${target}`);
    const [header, ...csvRows] = parseCsv(await readFile(target, 'utf8'));
    expect(header).toEqual(['booking_id', 'patient_id', 'doctor_id', 'doctor_name', 'specialty', 'placeholder_doctor', 'booking_date', 'status', 'source_file', 'source_row']);
    const { appointmentsFile } = await shownLoad(url);
    expect(path.basename(appointmentsFile)).toBe('appointments.xlsx');
    const name = await doctorName(url, doctor);
    expect(csvRows.map(([id, patient, doctorId, doctorText, , , date, status, source, row]) => [id, patient, doctorId, doctorText, date, status, source, row])).toEqual(
      rows.map((r) => [r.bookingId, r.patientId, String(r.doctorId), name, r.bookingDate, r.status, appointmentsFile, String(r.sourceRow)]),
    );
    await dashboard.closeDrill();

    // Removing the doctor's chip brings back the month's figures.
    await dashboard.removeChip(/^Remove filter Doctor/);
    await expect.poll(() => dashboard.figures()).toEqual(month);
  });

  test('a typed date: a year half typed asks for nothing, Enter applies the date at once and leaving the field applies the other end; one query each, with the final dates; keyboard focus stays put', async ({ app }, testInfo) => {
    const { dashboard, url } = await loadAndOpen(app, testInfo);
    await expect.poll(() => dashboard.figures(), { timeout: 30_000 }).toEqual(await expected(url, {}, await autoGranularity(url, {})));
    // What the key figures are asked for (bridge: the browser sees its calls to the main process).
    const asked = app.shell === 'bridge' ? dashboard.recordQueries('dashboard/kpis') : null;
    if (!asked) process.stdout.write('e2e: the queries asked are not counted: the electron shell calls the main process over IPC, which the page cannot observe\n');
    const datesAsked = () => (asked ?? []).filter((filter) => filter.from !== undefined || filter.to !== undefined);

    // The start, typed and ended with Enter: the field keeps the focus; only 2025 was asked for,
    // not 0002, 0020 or 0202 on the way to it.
    await dashboard.typeDate('from', SEPTEMBER.from, 'Enter');
    await expect(dashboard.fromField).toBeFocused();
    await expect(dashboard.chipList).toContainText('Dates: from Sep 1, 2025');
    const fromSeptember = await expected(url, { from: SEPTEMBER.from }, await autoGranularity(url, { from: SEPTEMBER.from }));
    await expect.poll(() => dashboard.figures()).toEqual(fromSeptember);
    if (asked) expect(datesAsked()).toEqual([{ from: SEPTEMBER.from }]);

    // The end, typed and left with Tab: focus moves on, and the range is asked for once.
    await dashboard.typeDate('to', SEPTEMBER.to, 'Tab');
    await expect(dashboard.toField).not.toBeFocused();
    await expect(dashboard.chipList).toContainText('Dates: Sep 1 – Sep 30, 2025');
    await expect.poll(() => dashboard.figures()).toEqual(await expected(url, SEPTEMBER, 'day'));
    if (asked) expect(datesAsked()).toEqual([{ from: SEPTEMBER.from }, { from: SEPTEMBER.from, to: SEPTEMBER.to }]);
  });

  test('drill from a trend bar under the New-patients filter lists exactly the bar; a visit-count bucket lists its patients’ bookings', async ({ app }, testInfo) => {
    const shot = camera(app, testInfo, 'dashboard-spec-drill-');
    const { dashboard, url } = await loadAndOpen(app, testInfo);
    await dashboard.setRange(SEPTEMBER.from, SEPTEMBER.to);
    await dashboard.setPatients('New');
    const newInSeptember: Scope = { ...SEPTEMBER, segment: 'new' };
    const figures = await expected(url, newInSeptember, 'day');
    await expect.poll(() => dashboard.figures(), { timeout: 30_000 }).toEqual(figures);

    // The day whose Confirmed bar differs most from what "new within that day alone" would list: a
    // drill that decided the segment over the bar's own day would show the wrong bookings there.
    const days = figures.trend.points;
    let chosen = { period: '', gap: 0, bar: 0 };
    for (const day of days.filter((d) => d.confirmed > 0)) {
      const withinDay = (await bookings(url, { from: day.period, to: day.period, status: 'confirmed', segment: 'new' })).length;
      const gap = Math.abs(withinDay - day.confirmed);
      if (gap > chosen.gap) chosen = { period: day.period, gap, bar: day.confirmed };
    }
    expect(chosen.gap, 'some day has patients who are new in September but not within that day alone, or the other way round').toBeGreaterThan(0);

    // Days on the axis run from the first to the last day with bookings, empty ones included.
    const first = days[0]?.period ?? '';
    const slotOf = (day: string) => Math.round((Date.parse(day) - Date.parse(first)) / 86_400_000);
    await dashboard.clickTrendBar(slotOf(chosen.period), slotOf(days[days.length - 1]?.period ?? '') + 1, 'confirmed');
    expect(await dashboard.drillTitle()).toBe(`Confirmed bookings, ${new Date(`${chosen.period}T00:00:00Z`).toLocaleDateString('en-US', { timeZone: 'UTC', month: 'short', day: 'numeric', year: 'numeric' })}`);
    const bar = await bookings(url, { from: chosen.period, to: chosen.period, status: 'confirmed', segment: 'new', within: SEPTEMBER });
    expect(bar).toHaveLength(chosen.bar);
    expect(await dashboard.drillTotal(), 'the drill lists as many bookings as the bar counts').toBe(chosen.bar);
    expect(await dashboard.drillRows()).toEqual(bar.map((r) => shown(r, 'appointments.xlsx')));
    await shot('drill-trend-bar-new-patients');
    await dashboard.closeDrill();

    // Visit-count buckets: the bookings of the patients with 2–3 bookings in September.
    await dashboard.setPatients('All');
    const month = await expected(url, SEPTEMBER, 'day');
    await expect.poll(() => dashboard.figures()).toEqual(month);
    const bucket = await bookings(url, { ...SEPTEMBER, visits: '2-3' });
    expect(new Set(bucket.map((r) => r.patientId)).size).toBe(month.segments.twoToThree);
    await dashboard.drillSegment('2–3 bookings');
    expect(await dashboard.drillTitle()).toBe('Bookings of patients with 2–3 bookings');
    expect(await dashboard.drillTotal()).toBe(bucket.length);
    expect(await dashboard.drillRows()).toEqual(bucket.map((r) => shown(r, 'appointments.xlsx')));
    await dashboard.closeDrill();
    // And the one-booking bucket: as many bookings as patients.
    await dashboard.drillSegment('1 booking');
    expect(await dashboard.drillTotal()).toBe(month.segments.one);
    await dashboard.closeDrill();
  });

  test('the bar charts: a bar’s tooltip says its figures; a click on a leaderboard bar filters to the doctor, on a specialty’s cancelled part or a segment’s bar lists exactly those bookings; nothing in a chart takes Tab', async ({ app }, testInfo) => {
    const { dashboard, url } = await loadAndOpen(app, testInfo);
    await dashboard.setRange(SEPTEMBER.from, SEPTEMBER.to);
    const month = await expected(url, SEPTEMBER, 'day');
    await expect.poll(() => dashboard.figures(), { timeout: 30_000 }).toEqual(month);

    // Segments: the 2–3 bookings bar is the fourth row.
    const bucket = await bookings(url, { ...SEPTEMBER, visits: '2-3' });
    const bucketBar = dashboard.chartBar('Patient segments', 3);
    expect(await dashboard.barTooltip(bucketBar)).toContain(`2–3 bookings ${count(month.segments.twoToThree)} patients`);
    await bucketBar.click();
    expect(await dashboard.drillTitle()).toBe('Bookings of patients with 2–3 bookings');
    expect(await dashboard.drillTotal()).toBe(bucket.length);
    await dashboard.closeDrill();

    // Specialties: the top row's cancelled part lists its cancelled bookings (the table is sorted as the chart is).
    const specialtyKeys = await dashboard.page.locator('[data-testid^="specialty-row-"]').evaluateAll((rows) => rows.map((r) => (r.getAttribute('data-testid') ?? '').replace('specialty-row-', '')));
    const top = month.specialties.find((s) => s.specialty === (specialtyKeys[0] === 'none' ? '' : specialtyKeys[0]));
    expect(top).toBeDefined();
    const cancelledPart = dashboard.chartBar('Specialty breakdown', 0, 1);
    const tip = await dashboard.barTooltip(cancelledPart);
    expect(tip).toContain(`Confirmed ${count(top?.confirmed ?? 0)}`);
    expect(tip).toContain(`Cancelled ${count((top?.appointments ?? 0) - (top?.confirmed ?? 0))}`);
    await cancelledPart.click();
    expect(await dashboard.drillTitle()).toMatch(/^Cancelled bookings/);
    expect(await dashboard.drillTotal()).toBe((top?.appointments ?? 0) - (top?.confirmed ?? 0));
    await dashboard.closeDrill();

    // Leaderboard: the first bar is the first row of its table; a click filters to that doctor.
    const first = month.leaderboard.rows[0];
    expect(first).toBeDefined();
    const doctorBar = dashboard.chartBar('Doctor leaderboard', 0);
    expect(await dashboard.barTooltip(doctorBar)).toContain(`Confirmed ${count(first?.confirmed ?? 0)}`);
    await doctorBar.click();
    await expect(dashboard.leaderboardRow(first?.doctorId ?? 0).getByRole('rowheader').getByRole('button')).toHaveAttribute('aria-pressed', 'true');

    // The pictures are role="img" with their summary; their SVGs hold nothing focusable.
    for (const card of ['Doctor leaderboard', 'Specialty breakdown', 'Patient segments']) {
      const chart = dashboard.page.getByRole('region', { name: card }).getByRole('img').first();
      await expect(chart).toHaveAttribute('aria-label', /\S/);
      expect(await chart.locator('svg [tabindex]:not([tabindex="-1"]), svg a, svg button').count()).toBe(0);
    }
  });

  test('days over a long span are drawn in bars the chart has room for (weeks or months, said so); the table keeps every day', async ({ app }, testInfo) => {
    const { dashboard, url } = await loadAndOpen(app, testInfo);
    // A narrower window: ~300 days then need more bars than the chart is wide / 3 px.
    await app.page.setViewportSize({ width: 1000, height: 900 });
    await dashboard.chooseGranularity('Day');
    const daily = await expected(url, {}, 'day');
    expect(daily.trend.points.length, 'many days').toBeGreaterThan(250);
    await expect.poll(() => dashboard.figures(), { timeout: 30_000 }).toEqual(daily);
    await expect(dashboard.trendChart).toHaveAttribute('data-granularity', 'day');

    // The table renders only the rows in its box (and a few either side), and says how many it has.
    const table = dashboard.page.getByTestId('trend-table');
    const tableRows = daily.trend.points.length + (daily.trend.outside.before > 0 ? 1 : 0) + (daily.trend.outside.after > 0 ? 1 : 0);
    await expect(table).toHaveAttribute('aria-rowcount', String(tableRows + 1));
    expect(await table.locator('tbody tr[aria-rowindex]').count()).toBeLessThan(60);
    // Tab goes from one day's drill button to the next, past the rows first drawn.
    const firstDay = daily.trend.points[0];
    const drillOf = (period: string) => dashboard.page.getByTestId(`trend-row-${period}`).getByRole('button');
    await drillOf(firstDay?.period ?? '').focus();
    for (let i = 0; i < 40; i++) await dashboard.page.keyboard.press('Tab');
    const fortyFirst = daily.trend.points[40];
    await expect(drillOf(fortyFirst?.period ?? '')).toBeFocused();
    // End in the focused box scrolls to the last day, whose drill button lists its bookings.
    await dashboard.page.locator('#trend-table').focus();
    await dashboard.page.keyboard.press('End');
    const lastDay = daily.trend.points[daily.trend.points.length - 1];
    await expect(drillOf(lastDay?.period ?? '')).toBeInViewport();
    await drillOf(lastDay?.period ?? '').click();
    expect(await dashboard.drillTotal()).toBe((lastDay?.confirmed ?? 0) + (lastDay?.cancelled ?? 0));
    await dashboard.closeDrill();
    const drawn = await dashboard.trendChart.getAttribute('data-drawn');
    expect(['week', 'month']).toContain(drawn);
    await expect(dashboard.trendCard.getByTestId('trend-drawn-note')).toContainText(`Drawn per ${drawn}`);
    await expect(dashboard.trendCard.getByTestId('trend-drawn-note')).toContainText('The table lists every day.');
    const plotWidth = Number(await dashboard.trendChart.locator('clipPath rect').first().getAttribute('width'));
    const bars = await dashboard.trendChart.locator('rect.dash-bar[data-status="confirmed"]').count();
    expect(bars).toBeGreaterThan(0);
    expect(bars, 'at least 3 px per bar').toBeLessThanOrEqual(plotWidth / 3);
    await dashboard.chooseGranularity('Auto');
    await expect(dashboard.trendCard.getByTestId('trend-drawn-note')).toHaveCount(0);
  });

  test('the filters and the trend period are remembered after a restart', async ({ app }, testInfo) => {
    const { dashboard, url } = await loadAndOpen(app, testInfo);
    await dashboard.setRange(SEPTEMBER.from, SEPTEMBER.to);
    await dashboard.setStatus('Cancelled');
    await dashboard.chooseGranularity('Week');
    const september = await expected(url, { ...SEPTEMBER, status: 'cancelled' }, 'week');
    await expect.poll(() => dashboard.figures(), { timeout: 30_000 }).toEqual(september);
    const doctor = september.leaderboard.rows[0]?.doctorId ?? 0;
    await dashboard.clickDoctor(doctor);
    const scope: Scope = { ...SEPTEMBER, status: 'cancelled', doctorId: doctor };
    const chosen = await expected(url, scope, 'week');
    await expect.poll(() => dashboard.figures()).toEqual(chosen);
    const chips = await dashboard.chips();
    expect(chips).toHaveLength(3);

    await app.restart();
    await dashboard.open();
    await dashboard.showTrendTable();
    expect(await dashboard.range()).toEqual(SEPTEMBER);
    expect(await dashboard.chips()).toEqual(chips);
    await expect(dashboard.trendCard.getByRole('radio', { name: 'Week', exact: true })).toBeChecked();
    await expect.poll(() => dashboard.figures(), { timeout: 30_000 }).toEqual(chosen);
    // Weeks start on Monday.
    expect(chosen.trend.points.map((p) => new Date(`${p.period}T00:00:00Z`).getUTCDay())).toEqual(chosen.trend.points.map(() => 1));
  });
});
