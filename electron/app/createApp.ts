/**
 * Composition root of the application layer: settings, database, preview session and the handler
 * table, wired to a platform (Electron or the test bridge). Plain Node.
 */
import path from 'node:path';
import type { Logger } from '../etl/logger';
import { DatabaseManager } from './databaseManager';
import type { Handlers } from './dispatch';
import { createHandlers } from './handlers';
import { LoadActivityWatcher } from './loadActivityWatcher';
import type { EventSink, PlatformServices } from './platform';
import { PreviewSession } from './previewSession';
import { SettingsStore } from './settingsStore';

export interface App {
  handlers: Handlers;
  database: DatabaseManager;
  /** Stops the database (embedded server included). */
  shutdown(): Promise<void>;
}

export async function createApp(platform: PlatformServices, emit: EventSink, logger: Logger): Promise<App> {
  const settings = new SettingsStore(path.join(platform.userDataDir, 'settings.json'), platform.secrets, logger);
  await settings.load();
  const database = new DatabaseManager(settings, platform.userDataDir, emit, logger, platform.embeddedAsRoot);
  const previews = new PreviewSession(emit, logger);
  previews.allow(platform.samples.doctors);
  previews.allow(platform.samples.appointments);
  const activity = new LoadActivityWatcher(database, emit, logger);
  const handlers = createHandlers({ platform, emit, logger, settings, database, previews, activity });
  // The database starts in the background; the UI shows its state as it changes.
  void database.start().then(() => activity.refresh());
  activity.start();
  return {
    handlers,
    database,
    async shutdown() {
      activity.stop();
      previews.cancel();
      await database.stop();
    },
  };
}
