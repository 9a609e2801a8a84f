/**
 * Keeps the windows told what the loaded tables hold and whether a newer load is under way, so an
 * open dashboard says so and reads again the moment the new run is live. Loads started elsewhere
 * (the CLI, another analyst's app) only show in etl_runs, so the watcher polls it — one small
 * query every couple of seconds while the database is ready. Polling rather than LISTEN/NOTIFY:
 * it works through connection poolers (PgBouncer in transaction mode, RDS Proxy) that do not
 * carry notifications, and needs no connection of its own. The app's own loads refresh at once.
 */
import type { LoadActivity } from '../../shared/contract';
import { readLoadActivity } from '../db/loadActivity';
import type { Logger } from '../etl/logger';
import type { DatabaseManager } from './databaseManager';
import type { EventSink } from './platform';

export class LoadActivityWatcher {
  private last: LoadActivity | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private reading: Promise<LoadActivity | null> | undefined;

  constructor(
    private readonly database: DatabaseManager,
    private readonly emit: EventSink,
    private readonly logger: Logger,
    private readonly intervalMs = 2_000,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.refresh(), this.intervalMs);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The latest known activity, read now. */
  async current(): Promise<LoadActivity> {
    const read = await this.refresh();
    return read ?? this.last ?? { schema: this.database.schema(), liveRunId: null, running: null };
  }

  /** Reads etl_runs (once at a time) and tells the windows when anything changed. */
  refresh(): Promise<LoadActivity | null> {
    this.reading ??= this.read().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async read(): Promise<LoadActivity | null> {
    let database;
    try {
      database = this.database.ready();
    } catch {
      return null; // not connected: the database status says why
    }
    try {
      const activity = await readLoadActivity(database.pool, this.database.schema());
      if (JSON.stringify(activity) !== JSON.stringify(this.last)) {
        this.last = activity;
        this.emit('load/activity', activity);
      }
      return activity;
    } catch (error) {
      this.logger.log('debug', 'reading the load activity failed', { error: String((error as Error).message).slice(0, 120) });
      return null;
    }
  }
}
