/**
 * The Load screen: the confirmation that says what would change against what is loaded now, the
 * progress of the one transaction, then the run id, or a failure that says the old data is intact.
 */
import { expect, type Locator } from '@playwright/test';
import { AppShell } from './appShell';
import type { BrowserGlobals } from './dom';

/** Kept on the page's window: whether the load's progress panel was on screen. */
type LoadMarks = { __loadSeen?: { progress: boolean } };

export interface PlannedChanges {
  bookingsAdded: number;
  bookingsRemoved: number;
  bookingsStatusChanged: number;
  bookingsOtherwiseChanged: number;
  doctorsAdded: number;
  doctorsRemoved: number;
  doctorsRenamed: number;
  currentAppointments: number;
  currentDoctors: number;
  incomingAppointments: number;
  incomingDoctors: number;
  incomingRejected: number;
}

const PLAN_IDS: Record<keyof PlannedChanges, string> = {
  bookingsAdded: 'plan-bookings-added',
  bookingsRemoved: 'plan-bookings-removed',
  bookingsStatusChanged: 'plan-bookings-status-changed',
  bookingsOtherwiseChanged: 'plan-bookings-otherwise-changed',
  doctorsAdded: 'plan-doctors-added',
  doctorsRemoved: 'plan-doctors-removed',
  doctorsRenamed: 'plan-doctors-renamed',
  currentAppointments: 'plan-current-appointments',
  currentDoctors: 'plan-current-doctors',
  incomingAppointments: 'plan-incoming-appointments',
  incomingDoctors: 'plan-incoming-doctors',
  incomingRejected: 'plan-incoming-rejected',
};

export interface LoadSummary {
  runId: number;
  doctors: number;
  appointments: number;
  rejected: number;
}

export class LoadPage extends AppShell {
  async open(): Promise<void> {
    await this.goTo('Load');
  }

  get heading(): Locator {
    return this.page.getByRole('heading', { level: 1, name: 'Load into the database' });
  }

  get confirmation(): Locator {
    return this.page.getByTestId('load-confirm');
  }

  /** Waits for the confirmation dialog and reads what it says would change. */
  async plannedChanges(): Promise<PlannedChanges> {
    await expect(this.confirmation).toBeVisible({ timeout: 60_000 });
    await expect(this.confirmation.getByRole('heading', { name: /^(Load into the database\?|No changes: load again\?)$/ })).toBeVisible();
    const plan = {} as PlannedChanges;
    for (const key of Object.keys(PLAN_IDS) as (keyof PlannedChanges)[]) {
      plan[key] = Number(await this.confirmation.getByTestId(PLAN_IDS[key]).getAttribute('data-value'));
    }
    return plan;
  }

  async lastLoadShown(): Promise<string> {
    return (await this.confirmation.getByTestId('plan-last-run').innerText()).trim();
  }

  /** "Review changes and load…" on the Load screen (to load the current preview again). */
  async reviewChanges(): Promise<void> {
    await this.page.getByRole('button', { name: 'Review changes and load…' }).click();
  }

  /**
   * "Load now" ("Load again" when nothing would change) in the confirmation. Resolves once the
   * load has started; the progress panel is
   * watched from the click on (a small load can finish within a frame), see `sawProgress`.
   */
  async confirm(): Promise<void> {
    await this.page.evaluate(() => {
      const { document, MutationObserver } = globalThis as unknown as BrowserGlobals;
      const seen = { progress: false };
      (globalThis as LoadMarks).__loadSeen = seen;
      const observer = new MutationObserver(() => {
        if (document.querySelector('[data-testid="load-progress"]')) {
          seen.progress = true;
          observer.disconnect();
        }
      });
      observer.observe(document.body, { childList: true, subtree: true });
    });
    await this.confirmation.getByRole('button', { name: /^Load (now|again)$/ }).click();
    await expect(this.confirmation).toBeHidden();
  }

  /** Whether the progress panel was on screen at some point since `confirm()`. */
  async sawProgress(): Promise<boolean> {
    return this.page.evaluate(() => (globalThis as LoadMarks).__loadSeen?.progress ?? false);
  }

  async dismissConfirmation(): Promise<void> {
    await this.confirmation.getByRole('button', { name: 'Cancel' }).click();
    await expect(this.confirmation).toBeHidden();
  }

  get progressPanel(): Locator {
    return this.page.getByTestId('load-progress');
  }

  get success(): Locator {
    return this.page.getByTestId('load-success');
  }

  get failure(): Locator {
    return this.page.getByTestId('load-error');
  }

  /** Waits for the summary after a load and reads it. */
  async summary(timeout = 120_000): Promise<LoadSummary> {
    await expect(this.success.or(this.failure)).toBeVisible({ timeout });
    if (await this.failure.isVisible()) throw new Error(`The load failed: ${await this.failure.innerText()}`);
    const number = async (testId: string) => Number(await this.success.getByTestId(testId).getAttribute('data-value'));
    return {
      runId: Number((await this.success.getByTestId('load-run-id').innerText()).trim()),
      doctors: await number('load-doctors'),
      appointments: await number('load-appointments'),
      rejected: await number('load-rejected'),
    };
  }

  /** Whether the confirmation says nothing would change. */
  async saysNoChanges(): Promise<boolean> {
    return this.confirmation.getByTestId('plan-no-changes').isVisible();
  }

  /** The run's duration the summary states ("1.2 s"). */
  async duration(): Promise<string> {
    return (await this.success.getByTestId('load-duration').innerText()).trim();
  }

  /** "Open dashboard" from the summary. */
  async openDashboard(): Promise<void> {
    await this.success.getByRole('button', { name: 'Open dashboard' }).click();
    await expect(this.page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  }

  /** The failure message on screen, once there is one. */
  async failureText(timeout = 60_000): Promise<string> {
    await expect(this.failure).toBeVisible({ timeout });
    return (await this.failure.innerText()).trim();
  }
}
