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
import type { Database } from '../db/connection';
import type { Logger } from '../etl/logger';
import type { DatabaseManager } from './databaseManager';
import type { EventSink } from './platform';

export class LoadActivityWatcher {
  private last: LoadActivity | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** The read under way, and the connection it reads through. */
  private reading: { database: Database; promise: Promise<LoadActivity | null> } | undefined;
  private again: Promise<LoadActivity | null> | undefined;
  /** Reads are numbered: an answer older than the one applied last is dropped. */
  private started = 0;
  private applied = 0;

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

  /** The activity as it is now. */
  async current(): Promise<LoadActivity> {
    const read = await this.refresh();
    return read ?? this.last ?? { schema: this.database.schema(), liveRunId: null, running: null };
  }

  /**
   * Reads etl_runs and tells the windows when anything changed. One read at a time per
   * connection: asked during a read, it reads once more after it (that read may have started
   * before what the caller wants to see, such as a commit). A read on a connection since replaced
   * (settings changed, reconnected) is not waited for.
   */
  refresh(): Promise<LoadActivity | null> {
    let database: Database;
    try {
      database = this.database.ready();
    } catch {
      return Promise.resolve(null); // not connected: the database status says why
    }
    const reading = this.reading;
    if (reading && reading.database === database) {
      this.again ??= reading.promise.then(() => {
        this.again = undefined;
        return this.refresh();
      });
      return this.again;
    }
    const promise = this.read(database, ++this.started).finally(() => {
      if (this.reading?.promise === promise) this.reading = undefined;
    });
    this.reading = { database, promise };
    return promise;
  }

  private async read(database: Database, sequence: number): Promise<LoadActivity | null> {
    try {
      const activity = await readLoadActivity(database.pool, this.database.schema());
      if (sequence < this.applied) return activity;
      this.applied = sequence;
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
