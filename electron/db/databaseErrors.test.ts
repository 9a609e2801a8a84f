/**
 * What pg throws, turned into the app's error codes: a connection that died under a pooled client
 * is "connection lost" (so the app offers Reconnect), whatever words pg used for it.
 */
import { describe, expect, it } from 'vitest';
import { toDatabaseError } from './databaseErrors';

const server = { where: '127.0.0.1:5432/postgres', user: 'healthtech', password: 'S3cret' };

describe('toDatabaseError', () => {
  it('reads every way pg says the connection is gone as db_connection_lost', () => {
    for (const message of [
      'Client has encountered a connection error and is not queryable',
      'Connection terminated unexpectedly',
      'terminating connection due to administrator command',
      'server closed the connection unexpectedly',
    ]) {
      expect(toDatabaseError(new Error(message), server, 'loading').code, message).toBe('db_connection_lost');
    }
    expect(toDatabaseError(Object.assign(new Error('x'), { code: 'ECONNRESET' }), server, 'loading').code).toBe('db_connection_lost');
    expect(toDatabaseError(Object.assign(new Error('x'), { code: '57P01' }), server, 'loading').code).toBe('db_connection_lost');
  });

  it('keeps SQLSTATE and never repeats the password', () => {
    const error = toDatabaseError(Object.assign(new Error('password authentication failed for user "healthtech" (S3cret)'), { code: '28P01' }), server, 'connecting');
    expect(error.code).toBe('db_auth_failed');
    expect(error.detail).toMatchObject({ sqlstate: '28P01' });
    expect(`${error.message} ${JSON.stringify(error.detail)}`).not.toContain('S3cret');
  });
});
