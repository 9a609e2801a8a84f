/**
 * The parts of the window every screen shares: the sidebar and the database status in the header.
 */
import { expect, type Locator, type Page } from '@playwright/test';
import type { AppHandle } from '../fixtures';

export type ScreenName = 'Import' | 'Preview' | 'Load' | 'History' | 'Dashboard' | 'Settings';

export class AppShell {
  constructor(protected readonly app: AppHandle) {}

  get page(): Page {
    return this.app.page;
  }

  /** Opens a screen from the sidebar. */
  async goTo(screen: ScreenName): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: new RegExp(`^${screen}\\b`) }).click();
    await expect(this.page.getByRole('heading', { level: 1 })).toBeVisible();
  }

  get databaseStatus(): Locator {
    return this.page.getByTestId('db-status');
  }

  async expectDatabase(state: 'ready' | 'error' | 'starting' | 'needs_password', timeout = 60_000): Promise<void> {
    await expect(this.databaseStatus).toHaveAttribute('data-state', state, { timeout });
  }

  /** The header's "Reconnect" button, shown when the database is in error. */
  get reconnectButton(): Locator {
    return this.databaseStatus.getByRole('button', { name: 'Reconnect' });
  }

  async reconnect(): Promise<void> {
    await this.reconnectButton.click();
    await this.expectDatabase('ready');
  }
}
