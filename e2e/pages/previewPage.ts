/**
 * The Preview screen: progress (with Cancel) while the workbooks are read, then what cleaning did:
 * rows per file, totals, the run date, and the row-by-row tabs (virtualised tables with filters).
 */
import { expect, type Locator } from '@playwright/test';
import { AppShell } from './appShell';
import type { BrowserGlobals, DomElement, DomOption } from './dom';
import type { FileKind } from './importPage';
import { parseCount, readVirtualTable, tableTotal } from './virtualTable';

export interface FileCounts {
  read: number;
  kept: number;
  fixed: number;
  rejected: number;
  repeatedHeaders: number;
  blankRows: number;
}

export interface PreviewTotals {
  appointments: number;
  doctors: number;
  rejected: number;
  duplicates: number;
  fixes: number;
  placeholders: number;
  suspicious: number;
}

export interface RejectedRowOnScreen {
  reason: string;
  file: FileKind;
  row: number;
  /** The reason's sentence (the first problem). */
  message: string;
  /** Every problem's sentence, the reason's first. */
  problems: string[];
  raw: string;
}

export type DetailTab = 'Rejected rows' | 'Fixes' | 'Placeholder doctors' | 'Duplicates' | 'Suspicious dates';

const COUNT_IDS: Record<keyof FileCounts, string> = {
  read: 'read',
  kept: 'kept',
  fixed: 'fixed',
  rejected: 'rejected',
  repeatedHeaders: 'repeated-headers',
  blankRows: 'blank-rows',
};

export class PreviewPage extends AppShell {
  async open(): Promise<void> {
    await this.goTo('Preview');
  }

  get heading(): Locator {
    return this.page.getByRole('heading', { level: 1, name: 'Preview' });
  }

  get progressPanel(): Locator {
    return this.page.getByTestId('preview-progress');
  }

  get cancelButton(): Locator {
    return this.progressPanel.getByRole('button', { name: /^Cancel/ });
  }

  get cancelledNotice(): Locator {
    return this.page.getByTestId('preview-cancelled');
  }

  get errorNotice(): Locator {
    return this.page.getByTestId('preview-error');
  }

  /** Waits until the preview has an outcome: its numbers, an error, or "cancelled". */
  async waitForOutcome(timeout = 120_000): Promise<void> {
    await expect(this.heading).toBeVisible({ timeout });
    await expect(this.page.getByTestId('total-appointments').or(this.errorNotice).or(this.cancelledNotice)).toBeVisible({ timeout });
  }

  /** Waits for the preview's numbers (and fails with the message on screen if there was an error). */
  async waitForResult(timeout = 120_000): Promise<void> {
    await this.waitForOutcome(timeout);
    if (await this.errorNotice.isVisible()) throw new Error(`The preview failed: ${await this.errorNotice.innerText()}`);
    await expect(this.page.getByTestId('total-appointments')).toBeVisible();
  }

  private async value(testId: string): Promise<number> {
    const element = this.page.getByTestId(testId);
    await expect(element).toHaveAttribute('data-value', /^\d+$/);
    const raw = Number(await element.getAttribute('data-value'));
    // The number people read must be the same as the one behind it.
    expect(parseCount(await element.innerText()), `${testId} on screen`).toBe(raw);
    return raw;
  }

  async fileCounts(kind: FileKind): Promise<FileCounts> {
    const counts = {} as FileCounts;
    for (const key of Object.keys(COUNT_IDS) as (keyof FileCounts)[]) counts[key] = await this.value(`count-${kind}-${COUNT_IDS[key]}`);
    return counts;
  }

  async reconciles(kind: FileKind): Promise<boolean> {
    return (await this.page.getByTestId(`reconciled-${kind}`).getAttribute('data-value')) === 'true';
  }

  async totals(): Promise<PreviewTotals> {
    const keys: (keyof PreviewTotals)[] = ['appointments', 'doctors', 'rejected', 'duplicates', 'fixes', 'placeholders', 'suspicious'];
    const totals = {} as PreviewTotals;
    for (const key of keys) totals[key] = await this.value(`total-${key}`);
    return totals;
  }

  /** The run date the suspicious-date rule measured from, as shown. */
  async runDate(): Promise<string> {
    return (await this.page.locator('.facts div:has(> dt:text-is("Run date")) > dd').innerText()).trim();
  }

  /** Types a run date into the preview's options (the preview runs again once it settles). */
  async setRunDate(day: string): Promise<void> {
    const field = this.page.getByRole('group', { name: 'Cleaning options' }).getByLabel('Run date');
    await field.fill(day);
    await expect(field).toHaveValue(day);
  }

  async dateOrderUsed(): Promise<string | null> {
    return this.page.getByTestId('date-order-used').getAttribute('data-value');
  }

  tab(name: DetailTab): Locator {
    return this.page.getByRole('tab', { name: new RegExp(`^${name}\\b`) });
  }

  async showTab(name: DetailTab): Promise<void> {
    await this.tab(name).click();
    await expect(this.tab(name)).toHaveAttribute('aria-selected', 'true');
  }

  get rejectedTable(): Locator {
    return this.page.getByTestId('table-rejected');
  }

  private get rejectedFilters(): Locator {
    return this.page.getByRole('search', { name: 'Filter rejected rows' });
  }

  /** The reasons offered by the Reason filter, with the count each option shows. */
  async rejectedReasonOptions(): Promise<{ reason: string; label: string; count: number }[]> {
    const options = await this.rejectedFilters.getByLabel('Reason').locator('option').evaluateAll((nodes) =>
      nodes.map((node) => ({ value: (node as unknown as DomOption).value, label: node.textContent ?? '' })),
    );
    return options
      .filter((option) => option.value !== '')
      .map((option) => ({ reason: option.value, label: option.label.replace(/\s*\([\d,]+\)$/, ''), count: parseCount(/\(([\d,]+)\)$/.exec(option.label)?.[1] ?? '') }));
  }

  async filterRejectedByReason(reason: string | null): Promise<void> {
    await this.rejectedFilters.getByLabel('Reason').selectOption(reason ?? '');
  }

  async filterRejectedByFile(file: FileKind | null): Promise<void> {
    await this.rejectedFilters.getByLabel('File').selectOption(file ?? '');
  }

  async searchRejected(text: string): Promise<void> {
    await this.rejectedFilters.getByLabel('Search').fill(text);
  }

  /** How many rejected rows match the filters (once counted). */
  async rejectedMatching(): Promise<number> {
    await expect(this.rejectedTable).toHaveAttribute('aria-busy', 'false');
    return tableTotal(this.rejectedTable);
  }

  /** Every row of the rejected table under the current filters, scrolled through completely. */
  async readRejectedRows(): Promise<RejectedRowOnScreen[]> {
    await expect(this.rejectedTable).toHaveAttribute('aria-busy', 'false');
    const rows = await readVirtualTable(this.rejectedTable);
    return rows.map(([reason = '', where = '', problems = '', raw = '']) => {
      const [file = '', row = ''] = where.split('\n');
      const lines = problems.split('\n');
      return { reason, file: file.toLowerCase() as FileKind, row: parseCount(row), message: lines[0] ?? '', problems: lines, raw };
    });
  }

  /** "Details" on a rejected row: the row in full below the table. */
  async rowDetails(file: FileKind, row: number): Promise<{ title: string; problems: string[]; values: Record<string, string> }> {
    // The table is virtualised: scroll from the top until the row is drawn.
    const button = this.rejectedTable.getByRole('button', { name: `Show ${file} row ${row} in full` });
    await this.rejectedTable.evaluate((element: DomElement) => {
      element.scrollTop = 0;
    });
    for (let step = 0; (await button.count()) === 0; step++) {
      if (step > 500) throw new Error(`${file} row ${row} is not in the rejected rows`);
      // Scroll half a screen, then wait until the rows there are drawn with their data.
      await this.rejectedTable.evaluate(async (element: DomElement) => {
        const { Event, requestAnimationFrame } = globalThis as unknown as BrowserGlobals;
        element.scrollTop += element.offsetHeight / 2;
        element.dispatchEvent(new Event('scroll'));
        for (let frame = 0; frame < 600 && (frame < 2 || element.querySelector('.vt-body .pending')); frame++) await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
      });
    }
    await button.click();
    const details = this.page.getByTestId('row-details');
    await expect(details).toBeVisible();
    const values: Record<string, string> = {};
    for (const pair of await details.locator('.row-details-values > div').all()) values[(await pair.locator('dt').innerText()).trim()] = (await pair.locator('dd').textContent()) ?? '';
    return {
      title: (await details.getByRole('heading', { level: 3 }).innerText()).trim(),
      problems: (await details.locator('.row-details-problems li').allInnerTexts()).map((t) => t.trim()),
      values,
    };
  }

  /** The placeholder doctors' ids, from their tab. */
  async placeholderIds(): Promise<number[]> {
    await this.showTab('Placeholder doctors');
    const table = this.page.getByTestId('table-placeholders');
    const rows = await readVirtualTable(table);
    return rows.map((cells) => parseCount(cells[0] ?? ''));
  }

  /** A tab's table (for tabs with a single table). */
  tableOf(name: DetailTab): Locator {
    const ids: Record<DetailTab, string> = {
      'Rejected rows': 'table-rejected',
      Fixes: 'table-fixes',
      'Placeholder doctors': 'table-placeholders',
      Duplicates: 'table-duplicates',
      'Suspicious dates': 'table-suspicious',
    };
    return this.page.getByTestId(ids[name]);
  }

  get exportButton(): Locator {
    return this.page.getByRole('button', { name: 'Export rejected rows…' });
  }

  get exportResult(): Locator {
    return this.page.getByTestId('export-result');
  }

  /** "Export rejected rows…" with the save dialog answering `file`. */
  async exportRejectedRows(file: string): Promise<void> {
    await this.app.queueSaveDialog(file);
    await this.exportButton.click();
    await expect(this.exportResult.getByText('Saved')).toBeVisible({ timeout: 60_000 });
  }

  get loadButton(): Locator {
    return this.page.getByRole('button', { name: 'Load into database…' });
  }

  /** "Load into database…": moves to the Load screen, which works out what would change. */
  async startLoad(): Promise<void> {
    await this.loadButton.click();
  }
}
