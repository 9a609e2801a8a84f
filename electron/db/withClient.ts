/**
 * Borrow a pooled client safely. While a client is checked out the pool does not listen for its
 * 'error' events, so a connection cut mid-work (backend terminated, server killed, socket reset)
 * would be an unhandled 'error' that ends the whole process: we listen for that time. A client
 * whose work failed is destroyed rather than returned, so the pool never hands out a broken one.
 */
import type pg from 'pg';
import { isEtlError } from '../etl/errors';
import { silentLogger, type Logger } from '../etl/logger';
import { toDatabaseError, type ServerLabel } from './databaseErrors';

/**
 * `discard()` has the client destroyed instead of returned even though the work succeeded: for a
 * session left holding something (a session-level lock that could not be released) that must
 * not go back to the pool.
 */
export async function withClient<T>(
  db: { pool: pg.Pool; label: ServerLabel },
  during: string,
  work: (client: pg.PoolClient, discard: (why: Error) => void) => Promise<T>,
  logger: Logger = silentLogger,
): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await db.pool.connect();
  } catch (error) {
    throw toDatabaseError(error, db.label, 'connecting');
  }
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken ??= error;
    logger.log('warn', `database connection lost while ${during}`, { error: error.message.slice(0, 200) });
  };
  client.on('error', onError);
  try {
    return await work(client, (why) => {
      broken ??= why;
    });
  } catch (error) {
    broken = error instanceof Error ? error : new Error(String(error));
    if (isEtlError(error)) throw error;
    throw toDatabaseError(error, db.label, during);
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
