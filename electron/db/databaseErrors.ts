/**
 * Turns what `pg` throws into a DatabaseError that keeps PostgreSQL's own words (SQLSTATE,
 * detail, constraint) and says in plain language what it means for the analyst. Passwords are
 * scrubbed from every message.
 */
import { DatabaseError, isEtlError } from '../etl/errors';

export interface ServerLabel {
  /** host:port/database, never with credentials. */
  where: string;
  user?: string;
  password?: string;
}

interface PgLikeError {
  code?: string;
  message?: string;
  detail?: string;
  hint?: string;
  constraint?: string;
  table?: string;
  column?: string;
  schema?: string;
  errno?: number;
}

export function toDatabaseError(error: unknown, server: ServerLabel, during: string): DatabaseError {
  if (error instanceof DatabaseError) return error;
  if (isEtlError(error)) throw error;
  const e = (error ?? {}) as PgLikeError;
  const raw = scrub(e.message ?? String(error), server.password);
  const detail = {
    sqlstate: e.code && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined,
    serverMessage: raw,
    ...(e.detail ? { serverDetail: scrub(e.detail, server.password) } : {}),
    ...(e.constraint ? { constraint: e.constraint } : {}),
    ...(e.table ? { table: e.table } : {}),
    during,
  };
  const [code, meaning] = explain(e, raw, server);
  return new DatabaseError(code, `${meaning} (${during}; server said: ${raw})`, detail, { cause: error });
}

function explain(e: PgLikeError, raw: string, server: ServerLabel): [string, string] {
  switch (e.code) {
    case 'ECONNREFUSED':
      return ['db_unreachable', `Cannot reach the database server at ${server.where}: nothing is listening there. Is it running, and is the URL right?`];
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return ['db_unreachable', `Cannot find the database host of ${server.where}. Check the host name in the URL.`];
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return ['db_unreachable', `The database server at ${server.where} does not answer (network timeout).`];
    case 'ECONNRESET':
    case 'EPIPE':
      return ['db_connection_lost', `The connection to ${server.where} was cut. Nothing was changed; try again.`];
    case '28P01':
    case '28000':
      return ['db_auth_failed', `The database at ${server.where} refused user "${server.user ?? '?'}": wrong user name or password.`];
    case '3D000':
      return ['db_not_found', `The database in ${server.where} does not exist on that server.`];
    case '42501':
      return ['db_permission', `User "${server.user ?? '?'}" may not do this on ${server.where}; ask for CREATE and write rights on the schema.`];
    case '55P03':
      return ['db_locked', 'Another session holds the tables (lock timeout). Close other loads or long queries on these tables and try again.'];
    case '57014':
      return ['db_timeout', 'The database took too long (statement timeout); nothing was changed.'];
    case '57P01':
    case '57P02':
    case '57P03':
      return ['db_connection_lost', `The database server at ${server.where} shut down or restarted during the work; nothing was changed.`];
    case '53100':
      return ['db_disk_full', 'The database server ran out of disk space; nothing was changed.'];
    case '53200':
      return ['db_out_of_memory', 'The database server ran out of memory; nothing was changed.'];
    default:
      break;
  }
  if (e.code?.startsWith('23')) return ['db_constraint', 'The database rejected the data (a constraint failed); nothing was changed.'];
  // pg's own words when a pooled client lost its connection (the server died under it).
  if (e.code?.startsWith('08') || /Connection terminated|terminating connection|server closed the connection|encountered a connection error and is not queryable/i.test(raw)) {
    return ['db_connection_lost', `The connection to ${server.where} was lost; nothing was changed.`];
  }
  if (/self.signed|certificate|SSL/i.test(raw)) return ['db_tls', `The TLS connection to ${server.where} failed; check the sslmode in the URL and the certificate files.`];
  return ['db_error', 'The database reported an error; nothing was changed.'];
}

function scrub(text: string, password: string | undefined): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return password ? oneLine.split(password).join('***') : oneLine;
}
