/**
 * The Dashboard screen: filters (dates, status, patients, doctors, specialty) with their chips,
 * the key figures, the doctor leaderboard, appointments over time, specialties, patient segments,
 * the business questions, and the drill-through dialog with its CSV export.
 *
 * Figures are read from the data-* values behind them (and checked against the text people read)
 * in one pass over the page, once no card is computing; specs poll that snapshot until it equals
 * what they expect, so a filter change is waited for without fixed sleeps.
 */
import { expect, type Locator } from '@playwright/test';
import { AppShell } from './appShell';
import type { BrowserGlobals, DomElement } from './dom';
import { parseCount, readVirtualTable, tableTotal } from './virtualTable';

export type GranularityChoice = 'Auto' | 'Day' | 'Week' | 'Month';
export type KpiName = 'appointments' | 'confirmed' | 'cancelled' | 'cancellation-rate';

/** Everything the dashboard shows for the current filters, as numbers. */
export interface FiguresOnScreen {
  kpis: {
    appointments: number;
    confirmed: number;
    cancelled: number;
    cancellationRate: number;
    patients: number;
    doctors: number;
    placeholders: number;
    span: string;
    /** "… in all data" beside the figures a filter changes, by key figure. */
    allData: Partial<Record<'appointments' | 'confirmed' | 'cancelled' | 'patients' | 'doctors', number>>;
  };
  leaderboard: { rows: { doctorId: number; confirmed: number; cancelled: number; total: number; allData: number | null }[]; doctors: number; rankedBy: string };
  trend: { granularity: string; points: { period: string; confirmed: number; cancelled: number }[]; outside: { before: number; after: number } };
  specialties: { specialty: string; appointments: number; confirmed: number }[];
  segments: { patients: number; newPatients: number; returningPatients: number; one: number; twoToThree: number; fourPlus: number; repeatedCancellations: number };
}

/** What the snapshot also collects to prove the text on screen says the same as the values behind it. */
interface Snapshot extends FiguresOnScreen {
  busy: boolean;
  mismatches: string[];
}

export interface DrillRowOnScreen {
  bookingId: string;
  patientId: string;
  bookingDate: string;
  status: string;
  /** "appointments.xlsx · row 1,234" as shown. */
  source: string;
}

export interface AnswerOnScreen {
  name: string;
  short: string;
  sql: string;
  header: string[];
  rows: string[][];
}

export class DashboardPage extends AppShell {
  async open(): Promise<void> {
    await this.goTo('Dashboard');
    await expect(this.heading).toBeVisible();
  }

  get heading(): Locator {
    return this.page.getByRole('heading', { level: 1, name: 'Dashboard' });
  }

  get emptyState(): Locator {
    return this.page.getByTestId('dashboard-empty');
  }

  /** The empty state's way to the Import screen. */
  async goToImportFromEmptyState(): Promise<void> {
    await this.emptyState.getByRole('button', { name: 'Go to Import' }).click();
    await expect(this.page.getByRole('heading', { level: 1, name: 'Import workbooks' })).toBeVisible();
  }

  private get filters(): Locator {
    return this.page.getByRole('region', { name: 'Filters' });
  }

  get fromField(): Locator {
    return this.filters.getByLabel('From', { exact: true });
  }

  get toField(): Locator {
    return this.filters.getByLabel('To', { exact: true });
  }

  /** The dates the range fields show (empty: every loaded date). */
  async range(): Promise<{ from: string; to: string }> {
    return { from: await this.fromField.inputValue(), to: await this.toField.inputValue() };
  }

  /** A date-range preset: every loaded date, or the main span where most bookings are. */
  async chooseRangePreset(name: 'All dates' | 'Main span'): Promise<void> {
    const button = this.filters.getByRole('button', { name, exact: true });
    await button.click();
    await expect(button).toHaveAttribute('aria-pressed', 'true');
  }

  /** The caveats under the key figures, one note each, as read. */
  async caveats(): Promise<string[]> {
    return (await this.page.getByTestId('caveats-kpis').locator('.dash-caveat').allInnerTexts()).map((text) => text.trim());
  }

  /** "330 bookings after Oct 24, 2025 — show": lists those bookings. */
  async showOutside(side: 'before' | 'after'): Promise<void> {
    await this.page.getByTestId(`trend-outside-${side}`).getByRole('button', { name: 'show' }).click();
    await expect(this.drillPanel).toBeVisible();
  }

  /** The marker's words beside the trend chart. */
  async outsideText(side: 'before' | 'after'): Promise<string> {
    return (await this.page.getByTestId(`trend-outside-${side}`).innerText()).replace(/\s+/g, ' ').trim();
  }

  /** Types a date range into the range fields (the later of the two moves first, so the range is never backwards). */
  async setRange(from: string, to: string): Promise<void> {
    const now = await this.range();
    if (from > now.to) {
      await this.toField.fill(to);
      await this.fromField.fill(from);
    } else {
      await this.fromField.fill(from);
      await this.toField.fill(to);
    }
    await expect(this.fromField).toHaveValue(from);
    await expect(this.toField).toHaveValue(to);
  }

  /**
   * Types a date into a range field from the keyboard, as a person does: focus, then the month, the
   * day and the year's digits (the field's en-US order), the year a quarter of a second a digit
   * (slower than the wait for a pause in the typing: a year half typed, "0202", is a date the
   * field reports), then `done`: Enter, or Tab until the focus leaves the field (Chromium's date
   * field takes a Tab of its own after the year, for its calendar button).
   */
  async typeDate(which: 'from' | 'to', iso: string, done: 'Enter' | 'Tab'): Promise<void> {
    const field = which === 'from' ? this.fromField : this.toField;
    const [year, month, day] = iso.split('-') as [string, string, string];
    await field.focus();
    await this.page.keyboard.type(`${month}${day}`);
    await this.page.keyboard.type(year, { delay: 250 });
    await expect(field).toHaveValue(iso);
    if (done === 'Enter') {
      await this.page.keyboard.press('Enter');
      return;
    }
    const focused = () => field.evaluate((element) => element === (globalThis as unknown as BrowserGlobals).document.activeElement);
    for (let tabs = 0; tabs < 4 && (await focused()); tabs += 1) await this.page.keyboard.press('Tab');
    await expect(field).not.toBeFocused();
  }

  /**
   * The filters the page asks the main process for on `channel` from now on, in order (bridge
   * shell: its requests are HTTP calls the browser sees).
   */
  recordQueries(channel: string): Record<string, unknown>[] {
    const asked: Record<string, unknown>[] = [];
    this.page.on('request', (request) => {
      if (new URL(request.url()).pathname !== `/__invoke/${channel}`) return;
      const body = JSON.parse(request.postData() ?? '{}') as { filter?: Record<string, unknown> };
      asked.push(body.filter ?? {});
    });
    return asked;
  }

  async setPatients(choice: 'All' | 'New' | 'Returning'): Promise<void> {
    await choose(this.filters.getByRole('group', { name: 'Patients' }), choice);
  }

  async setStatus(choice: 'All' | 'Confirmed' | 'Cancelled'): Promise<void> {
    await choose(this.filters.getByRole('group', { name: 'Status' }), choice);
  }

  private get doctorPickerButton(): Locator {
    return this.filters.getByRole('button', { name: /^Doctors\b/ });
  }

  /** Opens the doctors filter's searchable list. */
  async openDoctorPicker(): Promise<void> {
    await this.doctorPickerButton.click();
    await expect(this.filters.getByRole('group', { name: 'Choose doctors' })).toBeVisible();
  }

  /** Closes it with Esc (focus goes back to its button). */
  async closeDoctorPicker(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await expect(this.filters.getByRole('group', { name: 'Choose doctors' })).toBeHidden();
    await expect(this.doctorPickerButton).toBeFocused();
  }

  get chipList(): Locator {
    return this.page.getByTestId('filter-chips');
  }

  /** The active filters' chips, as read. */
  async chips(): Promise<string[]> {
    return (await this.chipList.locator('li').allInnerTexts()).map((text) => text.trim());
  }

  /** Removes one filter with its chip's × button. */
  async removeChip(label: RegExp): Promise<void> {
    await this.chipList.getByRole('button', { name: label }).click();
  }

  leaderboardRow(doctorId: number): Locator {
    return this.page.getByTestId(`leaderboard-row-${doctorId}`);
  }

  /** A click on a doctor's name in the leaderboard: the whole dashboard filters to that doctor. */
  async clickDoctor(doctorId: number): Promise<void> {
    const button = this.leaderboardRow(doctorId).getByRole('rowheader').getByRole('button');
    await button.click();
    await expect(button).toHaveAttribute('aria-pressed', 'true');
  }

  get trendCard(): Locator {
    return this.page.getByRole('region', { name: 'Appointments over time' });
  }

  get trendChart(): Locator {
    return this.page.getByTestId('trend-chart');
  }

  /** The "Show as a table" / "Hide the table" button under the trend chart. */
  get trendTableToggle(): Locator {
    return this.trendCard.getByTestId('trend-table-toggle');
  }

  /**
   * Shows the trend's table (made only when asked for), from the keyboard as a screen-reader user
   * would: focus and Enter. `figures().trend.points` are read from it, so specs that compare the
   * trend call this first; it stays shown across filter changes until hidden or the app restarts.
   */
  async showTrendTable(): Promise<void> {
    const toggle = this.trendTableToggle;
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') {
      await toggle.focus();
      await this.page.keyboard.press('Enter');
    }
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await expect(toggle).toHaveText('Hide the table');
    await expect(this.page.getByTestId('trend-table')).toBeVisible();
  }

  async hideTrendTable(): Promise<void> {
    const toggle = this.trendTableToggle;
    if ((await toggle.getAttribute('aria-expanded')) === 'true') await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await expect(toggle).toHaveText('Show as a table');
    await expect(this.page.locator('#trend-table')).toBeHidden();
    await expect(this.page.getByTestId('trend-table')).toHaveCount(0);
  }

  async chooseGranularity(choice: GranularityChoice): Promise<void> {
    await choose(this.trendCard.getByRole('group', { name: 'Period' }), choice);
  }

  /** Waits until no card is computing (after the figures for the current filters arrived). */
  async waitUntilSettled(): Promise<void> {
    await expect.poll(async () => (await this.snapshot(false)).busy, { timeout: 60_000 }).toBe(false);
  }

  /**
   * Every figure on screen, read in one pass; fails when a number's text differs from the value
   * behind it. Specs poll it: `await expect.poll(() => dashboard.figures()).toEqual(expected)`.
   *
   * The trend's table renders only the rows in its box: its periods are read by scrolling it from
   * the first row to the last, as a person would (and it fails when a row is not drawn when
   * scrolled to). `wholeTrendTable: false` reads only the rows drawn, for a poll that times the
   * page and must not scroll it.
   */
  async figures({ wholeTrendTable = true }: { wholeTrendTable?: boolean } = {}): Promise<FiguresOnScreen & { busy: boolean }> {
    const { mismatches, ...figures } = await this.snapshot(wholeTrendTable);
    expect(mismatches, 'numbers on screen equal the values behind them').toEqual([]);
    return figures;
  }

  private snapshot(wholeTrendTable: boolean): Promise<Snapshot> {
    return this.page.evaluate(async (wholeTable) => {
      const { document, Event, MutationObserver, performance, requestAnimationFrame } = globalThis as unknown as BrowserGlobals;
      const screen = document.querySelector('.dash-screen');
      const mismatches: string[] = [];
      const digits = (text: string | null) => Number((text ?? '').replace(/[^\d-]/g, ''));
      const byId = (id: string) => screen?.querySelector(`[data-testid="${id}"]`) ?? null;
      const value = (id: string) => byId(id)?.getAttribute('data-value') ?? '';
      const count = (id: string) => {
        const element = byId(id);
        const raw = Number(element?.getAttribute('data-value') ?? Number.NaN);
        if (element && digits(element.textContent) !== raw) mismatches.push(`${id}: "${element.textContent ?? ''}" shown for ${raw}`);
        return raw;
      };
      const rowsOf = (prefix: string) => Array.from(screen?.querySelectorAll(`[data-testid^="${prefix}"]`) ?? []);
      // A cell's own figure: its first text, before any line under it ("165 in all data").
      const cells = (row: DomElement) => Array.from(row.querySelectorAll('td'), (cell) => (cell.firstChild?.textContent ?? '').trim());

      const leaderboardRows = rowsOf('leaderboard-row-').map((row) => {
        const doctorId = Number((row.getAttribute('data-testid') ?? '').replace('leaderboard-row-', ''));
        const confirmed = Number(row.getAttribute('data-confirmed'));
        const cancelled = Number(row.getAttribute('data-cancelled'));
        const total = Number(row.getAttribute('data-total'));
        const all = row.getAttribute('data-all');
        const [shownTotal, shownConfirmed, shownCancelled] = cells(row).map(digits);
        if (shownTotal !== total || shownConfirmed !== confirmed || shownCancelled !== cancelled) {
          mismatches.push(`leaderboard row ${doctorId}: ${shownTotal}/${shownConfirmed}/${shownCancelled} shown for ${total}/${confirmed}/${cancelled}`);
        }
        const allText = row.querySelector('.dash-all-data')?.textContent ?? null;
        if ((all === null) !== (allText === null) || (allText !== null && digits(allText) !== Number(all))) mismatches.push(`leaderboard row ${doctorId}: "${allText ?? ''}" shown for all data ${all ?? 'none'}`);
        return { doctorId, confirmed, cancelled, total, allData: all === null ? null : Number(all) };
      });
      const rankedBy = (screen?.querySelector('[data-testid="leaderboard-table"] th[aria-sort="descending"]')?.textContent ?? '').trim().toLowerCase();
      const intro = screen?.querySelector('#leaderboard-title')?.closest('section')?.querySelector('.dash-card-intro')?.textContent ?? '';
      // The trend table's rows, every one when `wholeTable`: each scroll puts the last row read at
      // the top of the box (under its header), and the rows drawn there are read, until the last.
      // The figures can change while it scrolls (a filter typed a moment ago arrives): a row read
      // again with other figures, figures changed in place, or another row count start it again.
      const trendRows = async (): Promise<DomElement[]> => {
        const table = byId('trend-table');
        const box = table?.closest('#trend-table') ?? null;
        const drawn = () => Array.from(table?.querySelectorAll('tbody tr[data-index]') ?? []);
        const indexOf = (row: DomElement) => Number(row.getAttribute('data-index'));
        const identity = (row: DomElement) => ['data-testid', 'data-confirmed', 'data-cancelled', 'data-count'].map((name) => row.getAttribute(name)).join('|');
        const totalOf = () => Number(table?.getAttribute('aria-rowcount') ?? 1) - 1;
        if (!table || !box || !wholeTable || drawn().length >= totalOf()) return drawn();
        const header = table.querySelector('thead')?.getBoundingClientRect().height ?? 0;
        const saved = box.scrollTop;
        const scrollTo = async (top: number) => {
          box.scrollTop = top;
          box.dispatchEvent(new Event('scroll'));
          await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
        };
        let changed: boolean;
        const observer = new MutationObserver(() => {
          changed = true;
        });
        observer.observe(table, { subtree: true, attributes: true, attributeFilter: ['data-confirmed', 'data-cancelled', 'data-count', 'aria-rowcount'] });
        const rows = new Map<number, { row: DomElement; identity: string }>();
        const deadline = performance.now() + 60_000;
        let total = totalOf();
        let complete = false;
        while (!complete && performance.now() < deadline) {
          changed = false;
          total = totalOf();
          rows.clear();
          await scrollTo(0);
          while (!changed && performance.now() < deadline) {
            const shown = drawn();
            for (const row of shown) {
              const read = rows.get(indexOf(row));
              if (read && read.identity !== identity(row)) changed = true;
              rows.set(indexOf(row), { row, identity: identity(row) });
            }
            const last = shown[shown.length - 1];
            if (changed || !last || rows.size >= total) break;
            const offset = last.getBoundingClientRect().top - box.getBoundingClientRect().top - header;
            const before = box.scrollTop;
            if (offset <= 0) break;
            await scrollTo(before + offset);
            if (box.scrollTop === before) break;
          }
          complete = !changed && totalOf() === total && rows.size === total;
        }
        observer.disconnect();
        await scrollTo(saved);
        if (!complete) mismatches.push(`trend table: ${rows.size} of ${total} rows drawn when scrolled through`);
        return [...rows.entries()].sort(([a], [b]) => a - b).map(([, read]) => read.row);
      };
      const trendPoints = (await trendRows()).filter((row) => row.hasAttribute('data-confirmed')).map((row) => {
        const period = (row.getAttribute('data-testid') ?? '').replace('trend-row-', '');
        const confirmed = Number(row.getAttribute('data-confirmed'));
        const cancelled = Number(row.getAttribute('data-cancelled'));
        const [shownConfirmed, shownCancelled] = cells(row).map(digits);
        if (shownConfirmed !== confirmed || shownCancelled !== cancelled) mismatches.push(`trend row ${period}: ${shownConfirmed}/${shownCancelled} shown for ${confirmed}/${cancelled}`);
        return { period, confirmed, cancelled };
      });
      const specialties = rowsOf('specialty-row-').map((row) => {
        const key = (row.getAttribute('data-testid') ?? '').replace('specialty-row-', '');
        const appointments = Number(row.getAttribute('data-appointments'));
        const confirmed = Number(row.getAttribute('data-confirmed'));
        const [, shownAppointments, shownConfirmed] = cells(row).map(digits);
        if (shownAppointments !== appointments || shownConfirmed !== confirmed) mismatches.push(`specialty ${key}: ${shownAppointments}/${shownConfirmed} shown for ${appointments}/${confirmed}`);
        return { specialty: key === 'none' ? '' : key, appointments, confirmed };
      });
      const outside = (side: string) => {
        const marker = byId(`trend-outside-${side}`);
        const n = Number(marker?.getAttribute('data-count') ?? 0);
        if (marker && digits(/[\d,]+/.exec(marker.textContent ?? '')?.[0] ?? '') !== n) mismatches.push(`trend ${side}: "${marker.textContent ?? ''}" for ${n}`);
        return n;
      };
      const allData: Record<string, number> = {};
      for (const key of ['appointments', 'confirmed', 'cancelled', 'patients', 'doctors']) {
        const note = byId(`kpi-${key}-all`);
        if (note) allData[key] = digits((note.textContent ?? '').replace(/ in all data$/, ''));
      }
      const busy = !screen || !byId('kpi-appointments') || screen.querySelectorAll('[aria-busy="true"], [data-loading]').length > 0;
      return {
        busy,
        mismatches,
        kpis: {
          appointments: count('kpi-appointments'),
          confirmed: count('kpi-confirmed'),
          cancelled: count('kpi-cancelled'),
          cancellationRate: Number(value('kpi-cancellation-rate')),
          patients: count('kpi-patients'),
          doctors: count('kpi-doctors'),
          placeholders: count('kpi-placeholders'),
          span: value('kpi-span'),
          allData,
        },
        leaderboard: { rows: leaderboardRows, doctors: digits(/of ([\d,]+) doctors?\b/.exec(intro)?.[1] ?? ''), rankedBy },
        trend: { granularity: byId('trend-chart')?.getAttribute('data-granularity') ?? '', points: trendPoints, outside: { before: outside('before'), after: outside('after') } },
        specialties: specialties.sort((a, b) => (a.specialty < b.specialty ? -1 : a.specialty > b.specialty ? 1 : 0)),
        segments: {
          patients: Number(byId('segments')?.getAttribute('data-patients') ?? Number.NaN),
          newPatients: count('segment-new'),
          returningPatients: count('segment-returning'),
          one: count('bucket-1'),
          twoToThree: count('bucket-2-3'),
          fourPlus: count('bucket-4plus'),
          repeatedCancellations: count('repeated-cancellations'),
        },
      };
    }, wholeTrendTable);
  }

  /** The cancellation rate as people read it ("29.4%"). */
  async cancellationRateText(): Promise<string> {
    return (await this.page.getByTestId('kpi-cancellation-rate').innerText()).trim();
  }

  // -------------------------------------------------------------------------------------------
  // Drill-through
  // -------------------------------------------------------------------------------------------

  get drillPanel(): Locator {
    return this.page.getByTestId('drill-panel');
  }

  get drillTable(): Locator {
    return this.page.getByTestId('drill-table');
  }

  /** A click on a key figure (Appointments, Confirmed, Cancelled, Cancellation rate) opens its bookings. */
  async drillKpi(name: KpiName): Promise<void> {
    await this.page.getByRole('listitem').filter({ has: this.page.getByTestId(`kpi-${name}`) }).getByRole('button').click();
    await expect(this.drillPanel).toBeVisible();
  }

  /**
   * A click on one bar of the trend chart: the Confirmed or Cancelled part of the period at
   * `slot` (0-based, counting every period drawn on the axis, empty ones too) of `slots`.
   */
  async clickTrendBar(slot: number, slots: number, status: 'confirmed' | 'cancelled'): Promise<void> {
    const plot = this.trendChart.locator('clipPath rect').first();
    const left = Number(await plot.getAttribute('x'));
    const width = Number(await plot.getAttribute('width'));
    const bars = this.trendChart.locator(`rect.dash-bar[data-status="${status}"]`);
    const centres = await bars.evaluateAll((paths) => paths.map((p) => Number(p.getAttribute('x')) + Number(p.getAttribute('width')) / 2));
    const index = centres.findIndex((centre) => Math.floor(((centre - left) / width) * slots) === slot);
    if (index < 0) throw new Error(`no ${status} bar drawn in slot ${slot} of ${slots}`);
    await bars.nth(index).click();
    await expect(this.drillPanel).toBeVisible();
  }

  /**
   * One rectangle of a horizontal bar chart (leaderboard, specialties, segments): row `row` (0-based,
   * top to bottom) of the chart in the card titled `card`, its `segment`th value (stacked bars:
   * 0 confirmed, 1 cancelled).
   */
  chartBar(card: 'Doctor leaderboard' | 'Specialty breakdown' | 'Patient segments', row: number, segment = 0): Locator {
    return this.page.getByRole('region', { name: card }).locator(`rect.dash-bar[data-row="${row}"][data-segment="${segment}"]`);
  }

  /** Moves the pointer onto a bar and returns the tooltip's text. */
  async barTooltip(bar: Locator): Promise<string> {
    await bar.hover();
    const tip = this.page.locator('.dash-chart-tip');
    await expect(tip).toHaveCount(1);
    return (await tip.innerText()).replace(/\s+/g, ' ').trim();
  }

  /** The "List their bookings" link of a patient segment or visit-count row in the segments table. */
  async drillSegment(label: 'New patients' | 'Returning patients' | '1 booking' | '2–3 bookings' | '4+ bookings'): Promise<void> {
    await this.page.getByRole('region', { name: 'Patient segments' }).getByRole('button', { name: label, exact: true }).click();
    await expect(this.drillPanel).toBeVisible();
  }

  async drillTitle(): Promise<string> {
    return (await this.drillPanel.getByRole('heading').first().innerText()).trim();
  }

  /** The count the dialog states, once counted (and the same as the table's). */
  async drillTotal(): Promise<number> {
    const total = this.drillPanel.getByTestId('drill-total');
    await expect(total).toHaveAttribute('data-value', /^\d+$/);
    const value = Number(await total.getAttribute('data-value'));
    expect(parseCount(await total.innerText()), 'the count people read').toBe(value);
    expect(await tableTotal(this.drillTable)).toBe(value);
    return value;
  }

  /** Every row of the drill table, scrolled through. */
  async drillRows(): Promise<DrillRowOnScreen[]> {
    const rows = await readVirtualTable(this.drillTable);
    return rows.map(([bookingId = '', patientId = '', , bookingDate = '', status = '', source = '']) => ({ bookingId, patientId, bookingDate, status, source }));
  }

  /** "Export CSV…" with the save dialog answering `file`; resolves when the dialog says it was saved. */
  async exportDrillCsv(file: string): Promise<string> {
    await this.app.queueSaveDialog(file);
    await this.drillPanel.getByRole('button', { name: 'Export CSV…' }).click();
    const result = this.drillPanel.locator('.dash-drill-result');
    await expect(result).toContainText('Saved', { timeout: 60_000 });
    return (await result.innerText()).trim();
  }

  async closeDrill(): Promise<void> {
    await this.drillPanel.getByRole('button', { name: 'Close', exact: true }).click();
    await expect(this.drillPanel).toBeHidden();
  }

  // -------------------------------------------------------------------------------------------
  // Business questions
  // -------------------------------------------------------------------------------------------

  get answersPanel(): Locator {
    return this.page.getByTestId('answers-panel');
  }

  /** Opens every answer (its result table and its SQL). */
  async openAnswers(): Promise<void> {
    const answers = this.answersPanel.locator('details');
    await expect(answers).toHaveCount(4);
    for (let i = 0; i < 4; i++) {
      const answer = answers.nth(i);
      if ((await answer.getAttribute('open')) === null) await answer.locator('summary').click();
      await expect(answer).toHaveAttribute('open', '');
      // The result is built when the answer opens.
      await expect(answer.locator('table, p.muted').first()).toBeVisible();
    }
  }

  /** Each answer as shown: its short answer, the SQL beside it and its result table. */
  async answers(): Promise<AnswerOnScreen[]> {
    await this.openAnswers();
    const out: AnswerOnScreen[] = [];
    for (const id of ['q1', 'q2', 'q3', 'q4']) {
      const answer = this.page.getByTestId(`answer-${id}`);
      const table = answer.locator('table');
      out.push({
        name: (await answer.getAttribute('data-name')) ?? '',
        short: (await this.page.getByTestId(`answer-${id}-short`).innerText()).trim(),
        sql: (await this.page.getByTestId(`answer-${id}-sql`).textContent()) ?? '',
        header: (await table.locator('thead th').allInnerTexts()).map((t) => t.trim()),
        rows: await table.locator('tbody tr').evaluateAll((rows) => rows.map((row) => Array.from((row as unknown as DomElement).querySelectorAll('td'), (td) => (td.textContent ?? '').trim()))),
      });
    }
    return out;
  }
}

/** Clicks an option of a segmented control (a labelled radio group) and waits until it is chosen. */
async function choose(group: Locator, option: string): Promise<void> {
  await group.locator('label').filter({ hasText: new RegExp(`^${option}$`) }).click();
  await expect(group.getByRole('radio', { name: option, exact: true })).toBeChecked();
}
