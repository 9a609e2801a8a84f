/**
 * What the application layer needs from the desktop shell. Electron implements it in
 * electron/main/platform.ts; the end-to-end test bridge implements it with plain Node, so the
 * very same handlers run in both. Nothing here imports Electron.
 */
import type { EventName, Events } from '../../shared/contract';
import type { CertificateRole } from '../../shared/serverSettings';

export interface SecretStore {
  /** False when the OS offers no real encryption (e.g. Linux without a keyring): then nothing is stored. */
  available(): boolean;
  encrypt(text: string): Buffer;
  decrypt(data: Buffer): string;
}

export interface FileDialogs {
  /** Paths the person chose; empty when cancelled. */
  openWorkbooks(): Promise<string[]>;
  /** Path to write to (an .xlsx workbook or a .csv file); null when cancelled. */
  saveFile(defaultName: string, kind: 'xlsx' | 'csv'): Promise<string | null>;
  /** A TLS certificate or key file the person chose; null when cancelled. */
  openCertificate(role: CertificateRole): Promise<string | null>;
}

export interface PlatformServices {
  appVersion: string;
  platform: string;
  /** Settings, the embedded database and logs live here. */
  userDataDir: string;
  /** The bundled sample workbooks. */
  samples: { doctors: string; appointments: string };
  dialogs: FileDialogs;
  secrets: SecretStore;
  /**
   * As root, the embedded database runs as the `postgres` system user (the test bridge, standing in
   * for the shell in a root container, as the CLI does) or is refused (the desktop app, which never
   * creates users or changes folder permissions).
   */
  embeddedAsRoot: 'use-system-user' | 'refuse';
}

export type EventSink = <E extends EventName>(event: E, payload: Events[E]) => void;
