/** The History screen: the runs recorded in etl_runs, newest first. */
import { expect, type Locator } from '@playwright/test';
import { AppShell } from './appShell';

export interface RunOnScreen {
  runId: number;
  outcome: string;
}

export class HistoryPage extends AppShell {
  async open(): Promise<void> {
    await this.goTo('History');
    await expect(this.page.getByRole('heading', { level: 1, name: 'History' })).toBeVisible();
  }

  get table(): Locator {
    return this.page.getByTestId('table-history');
  }

  async refresh(): Promise<void> {
    await this.page.getByRole('button', { name: 'Refresh' }).click();
  }

  /** The runs listed, as shown (newest first). Waits until at least `atLeast` are listed. */
  async runs(atLeast = 1): Promise<RunOnScreen[]> {
    await expect.poll(() => this.table.locator('tbody tr').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(atLeast);
    const rows = this.table.locator('tbody tr');
    const runs: RunOnScreen[] = [];
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i);
      const testId = (await row.getAttribute('data-testid')) ?? '';
      runs.push({ runId: Number(testId.replace('run-', '')), outcome: (await row.getAttribute('data-outcome')) ?? '' });
    }
    return runs;
  }

  /** A run's duration as the History table states it. */
  async duration(runId: number): Promise<string> {
    return (await this.table.getByTestId(`run-${runId}`).locator('td').nth(2).innerText()).trim();
  }

  get emptyState(): Locator {
    return this.page.getByRole('heading', { name: 'No loads yet' });
  }
}
