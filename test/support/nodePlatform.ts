/**
 * The desktop shell's services in plain Node, for handler tests and the end-to-end bridge: a
 * private user-data folder, dialogs answered from a queue the test fills, and a secret store that
 * is either "available" (reversible test encryption) or "unavailable" (like Linux without a
 * keyring).
 */
import path from 'node:path';
import type { PlatformServices, SecretStore } from '../../electron/app/platform';

export interface ScriptedDialogs {
  /** Paths the next "open" dialogs return (each call takes one entry; empty = cancelled). */
  open: string[][];
  /** Paths the next "save" dialogs return (null = cancelled). */
  save: (string | null)[];
  /** Paths the next certificate dialogs return (null = cancelled). */
  certificate?: (string | null)[];
}

export function testSecrets(available: boolean): SecretStore {
  return {
    available: () => available,
    encrypt: (text) => {
      if (!available) throw new Error('secret storage unavailable');
      return Buffer.from(`enc:${Buffer.from(text, 'utf8').toString('base64')}`);
    },
    decrypt: (data) => Buffer.from(data.toString().replace(/^enc:/, ''), 'base64').toString('utf8'),
  };
}

export function nodePlatform(
  userDataDir: string,
  options: { secretsAvailable?: boolean; dialogs?: ScriptedDialogs; embeddedAsRoot?: PlatformServices['embeddedAsRoot'] } = {},
): PlatformServices & { scripted: Required<ScriptedDialogs> } {
  const scripted = { certificate: [], ...(options.dialogs ?? { open: [], save: [] }) };
  const root = path.resolve(__dirname, '..', '..');
  return {
    appVersion: 'test',
    platform: process.platform,
    userDataDir,
    samples: { doctors: path.join(root, 'samples', 'doctors.xlsx'), appointments: path.join(root, 'samples', 'appointments.xlsx') },
    dialogs: {
      openWorkbooks: async () => scripted.open.shift() ?? [],
      saveFile: async () => scripted.save.shift() ?? null,
      openCertificate: async () => scripted.certificate.shift() ?? null,
    },
    secrets: testSecrets(options.secretsAvailable ?? true),
    // Tests run as root in CI containers, like the CLI: the embedded server runs as `postgres`.
    // The Electron shell refuses instead (electron/main/platform.ts); test/app/rootPolicy.test.ts
    // holds the handler table to that.
    embeddedAsRoot: options.embeddedAsRoot ?? 'use-system-user',
    scripted,
  };
}
