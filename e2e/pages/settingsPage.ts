/**
 * The Settings screen: embedded database or a server URL (with "Test connection"), the schema,
 * the cleaning defaults and the data-lake export's target. Nothing changes until Save.
 */
import { expect, type Locator } from '@playwright/test';
import { AppShell } from './appShell';
import type { DomSelect } from './dom';

export type DateOrderChoice = 'Auto (decide from the dates)' | 'Month first (mdy)' | 'Day first (dmy)';
export type SuspiciousChoice = 'Keep with a warning' | 'Quarantine (reject)';

export interface SettingsOnScreen {
  mode: 'embedded' | 'server';
  schema: string;
  dateOrder: string;
  suspiciousPolicy: string;
  url: string | null;
}

export class SettingsPage extends AppShell {
  async open(): Promise<void> {
    await this.goTo('Settings');
    await expect(this.page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
    await expect(this.form).toBeVisible();
  }

  private get form(): Locator {
    return this.page.locator('form.settings-form');
  }

  get embeddedChoice(): Locator {
    return this.form.getByRole('radio', { name: /Embedded database/ });
  }

  get serverChoice(): Locator {
    return this.form.getByRole('radio', { name: /PostgreSQL server/ });
  }

  get schemaField(): Locator {
    return this.form.getByLabel('Schema');
  }

  get dateOrderField(): Locator {
    return this.form.getByLabel('Date order');
  }

  get suspiciousField(): Locator {
    return this.form.getByLabel('Suspicious dates');
  }

  get urlField(): Locator {
    return this.form.getByLabel('Server URL');
  }

  get passwordField(): Locator {
    return this.form.getByLabel('Password', { exact: true });
  }

  get parquetFolderField(): Locator {
    return this.form.getByLabel('Parquet folder');
  }

  get s3LocationField(): Locator {
    return this.form.getByLabel('S3 location');
  }

  /** The data-lake export's target (a folder, an s3:// location, or both); empty text clears one. */
  async setLakeTarget(target: { parquetDir?: string; s3Url?: string }): Promise<void> {
    if (target.parquetDir !== undefined) await this.parquetFolderField.fill(target.parquetDir);
    if (target.s3Url !== undefined) await this.s3LocationField.fill(target.s3Url);
  }

  async setDateOrder(choice: DateOrderChoice): Promise<void> {
    await this.dateOrderField.selectOption({ label: choice });
  }

  async setSuspiciousPolicy(choice: SuspiciousChoice): Promise<void> {
    await this.suspiciousField.selectOption({ label: choice });
  }

  async setSchema(schema: string): Promise<void> {
    await this.schemaField.fill(schema);
  }

  async useServer(url: string, password?: string): Promise<void> {
    await this.serverChoice.check();
    await this.urlField.fill(url);
    if (password !== undefined) await this.passwordField.fill(password);
  }

  async useEmbedded(): Promise<void> {
    await this.embeddedChoice.check();
  }

  /** The file shown for a TLS certificate file ("None" when none). */
  certificate(role: 'rootCert' | 'cert' | 'key'): Locator {
    return this.form.getByTestId(`certificate-${role}`);
  }

  async chooseCertificate(role: 'rootCert' | 'cert' | 'key', label: string): Promise<void> {
    await this.form.getByRole('button', { name: `Choose the ${label} file` }).click();
  }

  /** The notice shown when the settings file had to be replaced by defaults. */
  get notice(): Locator {
    return this.page.getByTestId('settings-notice');
  }

  get urlError(): Locator {
    return this.form.locator('.field-error');
  }

  get testConnectionResult(): Locator {
    return this.page.getByTestId('test-connection-result');
  }

  /** "Test connection", and the outcome it shows. */
  async testConnection(): Promise<string> {
    await this.form.getByRole('button', { name: 'Test connection' }).click();
    await expect(this.testConnectionResult.locator('.notice')).toBeVisible({ timeout: 30_000 });
    return (await this.testConnectionResult.innerText()).trim();
  }

  async save(): Promise<void> {
    await this.form.getByRole('button', { name: 'Save' }).click();
    await expect(this.page.getByTestId('settings-save-result')).toContainText('Settings saved.');
  }

  async values(): Promise<SettingsOnScreen> {
    const selectedLabel = (select: Locator) => select.evaluate((node: DomSelect) => node.selectedOptions[0]?.textContent ?? '');
    const server = await this.serverChoice.isChecked();
    return {
      mode: server ? 'server' : 'embedded',
      schema: await this.schemaField.inputValue(),
      dateOrder: await selectedLabel(this.dateOrderField),
      suspiciousPolicy: await selectedLabel(this.suspiciousField),
      url: server ? await this.urlField.inputValue() : null,
    };
  }
}
