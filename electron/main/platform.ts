/** The shell's services for the application layer, implemented with Electron. */
import path from 'node:path';
import { app, BrowserWindow, dialog, safeStorage } from 'electron';
import { CERTIFICATE_LABELS } from '../../shared/serverSettings';
import type { PlatformServices, SecretStore } from '../app/platform';

export function electronSecrets(): SecretStore {
  return {
    available() {
      if (!safeStorage.isEncryptionAvailable()) return false;
      // On Linux without a keyring Electron "encrypts" with a hard-coded key: that is plain text
      // in disguise, so we treat it as unavailable and ask for the password each session.
      if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return false;
      return true;
    },
    encrypt: (text) => safeStorage.encryptString(text),
    decrypt: (data) => safeStorage.decryptString(data),
  };
}

export function electronPlatform(resourcesDir: string): PlatformServices {
  const parent = () => BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
  return {
    appVersion: app.getVersion(),
    platform: process.platform,
    userDataDir: app.getPath('userData'),
    samples: { doctors: path.join(resourcesDir, 'samples', 'doctors.xlsx'), appointments: path.join(resourcesDir, 'samples', 'appointments.xlsx') },
    dialogs: {
      async openWorkbooks() {
        const options: Electron.OpenDialogOptions = {
          title: 'Choose the doctors and appointments workbooks',
          properties: ['openFile', 'multiSelections'],
          filters: [{ name: 'Excel workbooks', extensions: ['xlsx'] }],
        };
        const window = parent();
        const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
        return result.canceled ? [] : result.filePaths;
      },
      async saveFile(defaultName, kind) {
        const options: Electron.SaveDialogOptions = {
          title: kind === 'xlsx' ? 'Export rejected rows' : 'Export bookings',
          defaultPath: path.join(app.getPath('documents'), defaultName),
          filters: [kind === 'xlsx' ? { name: 'Excel workbook', extensions: ['xlsx'] } : { name: 'CSV (opens in Excel)', extensions: ['csv'] }],
        };
        const window = parent();
        const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
        return result.canceled || !result.filePath ? null : result.filePath;
      },
      async openCertificate(role) {
        const options: Electron.OpenDialogOptions = {
          title: `Choose the server's ${CERTIFICATE_LABELS[role].label} file`,
          properties: ['openFile'],
          filters: [
            { name: role === 'key' ? 'Key files' : 'Certificates', extensions: role === 'key' ? ['key', 'pem'] : ['crt', 'pem', 'cer'] },
            { name: 'All files', extensions: ['*'] },
          ],
        };
        const window = parent();
        const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
        return result.canceled ? null : (result.filePaths[0] ?? null);
      },
    },
    secrets: electronSecrets(),
    embeddedAsRoot: 'refuse',
  };
}
