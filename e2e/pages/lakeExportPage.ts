/**
 * The data-lake export in the Load screen's result: the target chosen in Settings, "Export for the
 * data lake", its progress with Cancel, and what was written where.
 */
import { expect, type Locator } from '@playwright/test';
import { AppShell } from './appShell';
import type { BrowserGlobals } from './dom';

/** Kept on the page's window: whether the export's progress was on screen. */
type LakeMarks = { __lakeSeen?: { progress: boolean; figures: boolean } };

export interface LakeExportResult {
  appointments: number;
  doctors: number;
  rejectedRows: number;
  localDir: string | null;
  text: string;
}

export class LakeExportPage extends AppShell {
  get panel(): Locator {
    return this.page.getByTestId('lake-export');
  }

  get target(): Locator {
    return this.panel.getByTestId('lake-target');
  }

  get noTarget(): Locator {
    return this.panel.getByTestId('lake-no-target');
  }

  get exportButton(): Locator {
    return this.panel.getByRole('button', { name: 'Export for the data lake' });
  }

  get progress(): Locator {
    return this.panel.getByTestId('lake-progress');
  }

  get done(): Locator {
    return this.panel.getByTestId('lake-done');
  }

  get cancelled(): Locator {
    return this.panel.getByTestId('lake-cancelled');
  }

  get failure(): Locator {
    return this.panel.getByTestId('lake-error');
  }

  /** "Choose a target in Settings" (or "Change the target…"): opens Settings. */
  async openSettings(): Promise<void> {
    await this.panel.getByRole('button', { name: /target in Settings$/ }).click();
    await expect(this.page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  }

  /**
   * "Export for the data lake". The progress is watched from the click on (a small export can
   * finish within a frame), see `sawProgress`.
   */
  async start(): Promise<void> {
    await this.page.evaluate(() => {
      const { document, MutationObserver } = globalThis as unknown as BrowserGlobals;
      const seen = { progress: false, figures: false };
      (globalThis as LakeMarks).__lakeSeen = seen;
      const observer = new MutationObserver(() => {
        if (document.querySelector('[data-testid="lake-progress"]')) seen.progress = true;
        if (document.querySelector('[data-testid="lake-progress-figures"]')) seen.figures = true;
        if (seen.progress && seen.figures) observer.disconnect();
      });
      observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    await this.exportButton.click();
  }

  /** Whether the progress (and its figures: rows written of all) were on screen since `start()`. */
  async sawProgress(): Promise<{ progress: boolean; figures: boolean }> {
    return this.page.evaluate(() => (globalThis as LakeMarks).__lakeSeen ?? { progress: false, figures: false });
  }

  async cancel(): Promise<void> {
    await this.progress.getByRole('button', { name: 'Cancel export' }).click();
  }

  /** Waits for the export's outcome and reads the result (fails with the message shown otherwise). */
  async result(timeout = 120_000): Promise<LakeExportResult> {
    await expect(this.done.or(this.failure).or(this.cancelled)).toBeVisible({ timeout });
    if (await this.failure.isVisible()) throw new Error(`The export failed: ${await this.failure.innerText()}`);
    if (await this.cancelled.isVisible()) throw new Error('The export was cancelled');
    const rows = async (table: string) => Number(await this.done.getByTestId(`lake-rows-${table}`).getAttribute('data-value'));
    const localDir = this.done.getByTestId('lake-local-dir');
    return {
      appointments: await rows('appointments'),
      doctors: await rows('doctors'),
      rejectedRows: await rows('rejected_rows'),
      localDir: (await localDir.count()) > 0 ? (await localDir.innerText()).trim() : null,
      text: (await this.done.innerText()).trim(),
    };
  }
}
