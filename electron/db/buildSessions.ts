/**
 * The load's index step on more than one session. PostgreSQL builds an index on one core per
 * session (before 18, see load.ts for why not with parallel workers), so on a 2-core machine one
 * session building the keys, the three covering indexes and the rollups one after the other left
 * the other core idle for most of the step. The statements are independent of each other (each
 * takes its table in SHARE mode, which does not conflict with itself), so each session takes the
 * next one as soon as it is free.
 */
import type pg from 'pg';

export interface BuildTask {
  /** What the log says the time went to (statements and table names, never a cell value). */
  label: string;
  run: (client: pg.ClientBase) => Promise<void>;
}

export interface BuildHooks {
  /** Before each task, with how many are done (the load's progress); throwing fails the step. */
  beforeTask: (done: number) => void;
  afterTask: (task: BuildTask, ms: number) => void;
  /** The first failure, as it happens: stop what the other sessions are running (pg_cancel_backend). */
  onFailure: (failed: pg.ClientBase) => void;
}

/**
 * Runs the tasks in order, each on the first session free. After a failure no session takes
 * another task; the failure is thrown once every session has come back, so the caller never
 * rolls back or drops a table while one of its sessions is still working on it.
 */
export async function runOnSessions(sessions: readonly pg.ClientBase[], tasks: readonly BuildTask[], hooks: BuildHooks): Promise<void> {
  let next = 0;
  let done = 0;
  let failure: { error: unknown } | undefined;
  const session = async (client: pg.ClientBase): Promise<void> => {
    while (!failure && next < tasks.length) {
      const task = tasks[next++] as BuildTask;
      const started = Date.now();
      try {
        hooks.beforeTask(done);
        await task.run(client);
      } catch (error) {
        if (!failure) {
          failure = { error };
          hooks.onFailure(client);
        }
        return;
      }
      done += 1;
      hooks.afterTask(task, Date.now() - started);
    }
  };
  await Promise.all(sessions.map(session));
  if (failure) throw failure.error;
}
