/**
 * Settings: the cleaning defaults and the schema survive a restart of the app (same user-data
 * folder); a server that cannot be reached makes "Test connection" say why; a password, typed or
 * pasted in the URL, is never written to the settings file in plain text.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { expect, test } from '../fixtures';
import { ImportPage } from '../pages/importPage';
import { SettingsPage } from '../pages/settingsPage';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Every file in the user-data folder but the embedded server's own cluster. */
async function userDataFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && !path.relative(folder, entry.parentPath).startsWith('postgres')).map((entry) => path.join(entry.parentPath, entry.name));
}

test.describe('Settings', () => {
  test('date order, suspicious-date policy and schema persist across a restart', async ({ app }) => {
    let settings = new SettingsPage(app);
    await settings.open();
    expect(await settings.values()).toEqual({ mode: 'embedded', schema: 'healthtech', dateOrder: 'Auto (decide from the dates)', suspiciousPolicy: 'Keep with a warning', url: null });

    await settings.setDateOrder('Day first (dmy)');
    await settings.setSuspiciousPolicy('Quarantine (reject)');
    await settings.setSchema('clinic_ops');
    await settings.save();
    // A new schema reconnects the database; wait until it is ready on the new schema.
    await expect(app.page.getByTestId('settings-db-status')).toContainText('schema clinic_ops', { timeout: 60_000 });

    // Quit and start the app again on the same user-data folder.
    await app.restart();
    settings = new SettingsPage(app);
    await settings.open();
    expect(await settings.values()).toEqual({ mode: 'embedded', schema: 'clinic_ops', dateOrder: 'Day first (dmy)', suspiciousPolicy: 'Quarantine (reject)', url: null });
    await settings.expectDatabase('ready');
    await expect(app.page.getByTestId('settings-db-status')).toContainText('schema clinic_ops');

    // The saved defaults are the options of the next import.
    const importPage = new ImportPage(app);
    await importPage.open();
    await expect(app.page.getByRole('group', { name: 'Date order' }).getByRole('radio', { name: 'Day first (dmy)' })).toBeChecked();
    await expect(app.page.getByRole('group', { name: 'Suspicious dates' }).getByRole('radio', { name: 'Quarantine' })).toBeChecked();
  });

  test('server mode: an unreachable server makes "Test connection" say why; passwords never reach the settings file', async ({ app }) => {
    const settings = new SettingsPage(app);
    const port = await closedPort();
    const typedPassword = 'Typed-S3cret-e2e';
    const urlPassword = 'InUrl-S3cret-e2e';

    await settings.open();
    await settings.useServer(`postgresql://analyst@127.0.0.1:${port}/healthtech`, typedPassword);
    const outcome = await settings.testConnection();
    await expect(settings.testConnectionResult.locator('.notice-error')).toBeVisible();
    expect(outcome).toContain(`127.0.0.1:${port}`);
    expect(outcome).not.toContain(typedPassword);

    // A URL that is not one says so too.
    await settings.useServer('not a database url');
    expect(await settings.testConnection()).toMatch(/not a URL|postgresql:\/\//i);

    // Save with the password typed in its field, then with one pasted into the URL.
    await settings.useServer(`postgresql://analyst@127.0.0.1:${port}/healthtech`, typedPassword);
    await settings.save();
    await settings.useServer(`postgresql://analyst:${urlPassword}@127.0.0.1:${port}/clinic`);
    await settings.save();
    // The URL shown afterwards has no password in it.
    expect(await settings.urlField.inputValue()).not.toContain(urlPassword);

    const settingsFile = await readFile(path.join(app.userDataDir, 'settings.json'), 'utf8');
    expect(JSON.parse(settingsFile)).toMatchObject({ database: { mode: 'server' } });
    for (const file of await userDataFiles(app.userDataDir)) {
      const text = await readFile(file, 'utf8');
      expect(text, path.relative(app.userDataDir, file)).not.toContain(typedPassword);
      expect(text, path.relative(app.userDataDir, file)).not.toContain(urlPassword);
    }

    // The database status names the server, without the password.
    await settings.expectDatabase('error');
    await expect(settings.databaseStatus).not.toContainText(urlPassword);
  });
});

test.describe('Settings: hostile and damaged input', () => {
  test('a URL with a certificate path is refused on screen; certificate files come only from the dialog', async ({ app }, testInfo) => {
    const settings = new SettingsPage(app);
    const port = await closedPort();
    await settings.open();
    await settings.useServer(`postgresql://analyst@127.0.0.1:${port}/clinic?sslmode=require&sslrootcert=/etc/shadow`);
    expect(await settings.testConnection()).toContain('may not set "sslrootcert"');
    await expect(settings.urlError).toContainText('Choose…');

    // The dialog (opened by main) gives the file; it is shown, saved and kept across a restart.
    const ca = testInfo.outputPath('ca.pem');
    await writeFile(ca, '-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----\n');
    await settings.useServer(`postgresql://analyst@127.0.0.1:${port}/clinic?sslmode=verify-ca`);
    await expect(settings.certificate('rootCert')).toContainText('None');
    await app.queueCertificateDialog(ca);
    await settings.chooseCertificate('rootCert', 'root certificate');
    await expect(settings.certificate('rootCert')).toContainText(ca);
    await settings.save();
    const stored = JSON.parse(await readFile(path.join(app.userDataDir, 'settings.json'), 'utf8'));
    expect(stored.database.server).toMatchObject({ host: '127.0.0.1', port, sslMode: 'verify-ca', certificates: { rootCert: ca, cert: null, key: null } });

    await app.restart();
    const again = new SettingsPage(app);
    await again.open();
    await expect(again.certificate('rootCert')).toContainText(ca);
    expect(await again.urlField.inputValue()).toBe(`postgresql://analyst@127.0.0.1:${port}/clinic?sslmode=verify-ca`);
  });

  test('a damaged settings file: the app starts on the defaults and says so', async ({ app }) => {
    await writeFile(path.join(app.userDataDir, 'settings.json'), '{"version": 1, "schema": "pg_catalog"');
    await app.restart();
    await expect(app.page.getByTestId('settings-notice-banner')).toContainText('defaults are in use');
    const settings = new SettingsPage(app);
    await settings.open();
    await expect(settings.notice).toContainText('settings.json.damaged-');
    expect(await settings.values()).toMatchObject({ mode: 'embedded', schema: 'healthtech' });
    await settings.save();
    await expect(settings.notice).toHaveCount(0);
  });
});
