/**
 * PostgreSQL refuses to run as root (initdb and postgres both exit). When the CLI runs as root (CI
 * images, containers), the server runs as the unprivileged `postgres` system user instead, which
 * must own the data folder and be able to walk the path to it: the CLI creates that user if needed
 * and adds o+x to the parent folders. The desktop app does neither (a desktop program creating
 * system users and changing folder permissions would be a surprise): as root it refuses, saying
 * how to go on.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { DatabaseError } from '../../etl/errors';
import type { Logger } from '../../etl/logger';

const run = promisify(execFile);

export interface RunAs {
  name: string;
  uid: number;
  gid: number;
}

export const SERVER_USER = 'postgres';

async function lookup(name: string): Promise<RunAs | undefined> {
  try {
    const uid = Number((await run('id', ['-u', name])).stdout.trim());
    const gid = Number((await run('id', ['-g', name])).stdout.trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { name, uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

async function createSystemUser(name: string): Promise<void> {
  const attempts: [string, string[]][][] = [
    [['useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', name]]],
    [
      ['groupadd', ['--system', name]],
      ['useradd', ['--system', '--gid', name, '--no-create-home', '--shell', '/usr/sbin/nologin', name]],
    ],
    // BusyBox (Alpine) spelling.
    [
      ['addgroup', ['-S', name]],
      ['adduser', ['-S', '-D', '-H', '-G', name, name]],
    ],
  ];
  for (const steps of attempts) {
    try {
      for (const [program, args] of steps) await run(program, args);
      return;
    } catch {
      if (await lookup(name)) return;
    }
  }
}

/** As root: run the server as the `postgres` system user (the CLI), or refuse (the desktop app). */
export type RootPolicy = 'use-system-user' | 'refuse';

/**
 * Who runs initdb/postgres: undefined means "this process's own user"; as root, the `postgres`
 * user, or a DatabaseError when the policy is to refuse.
 */
export async function resolveServerUser(logger: Logger, policy: RootPolicy = 'use-system-user', uid: number | undefined = process.getuid?.()): Promise<RunAs | undefined> {
  if (process.platform === 'win32' || uid !== 0) return undefined;
  if (policy === 'refuse') {
    throw new DatabaseError(
      'embedded_as_root',
      'The embedded database cannot run as root, and the desktop app does not create system users or change folder permissions. Start the app as your normal user, or choose a PostgreSQL server in Settings.',
    );
  }
  const existing = await lookup(SERVER_USER);
  if (existing) return existing;
  await createSystemUser(SERVER_USER);
  const created = await lookup(SERVER_USER);
  if (!created) {
    throw new DatabaseError(
      'embedded_user_missing',
      `PostgreSQL cannot run as root, and the system user "${SERVER_USER}" does not exist and could not be created. Create it (useradd --system --user-group ${SERVER_USER}) or run as a normal user.`,
    );
  }
  logger.log('info', 'created system user for the embedded database', { user: SERVER_USER });
  return created;
}

function canSearch(stat: fs.Stats, user: RunAs): boolean {
  if (stat.uid === user.uid) return (stat.mode & 0o100) !== 0;
  if (stat.gid === user.gid) return (stat.mode & 0o010) !== 0;
  return (stat.mode & 0o001) !== 0;
}

/**
 * Lets the server user reach `dir`: every parent folder needs the search (x) bit for it. We add
 * only "others may pass through" (o+x), never read, and say which folders we changed.
 */
export function ensureTraversable(dir: string, user: RunAs, logger: Logger): void {
  const changed: string[] = [];
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    const stat = fs.statSync(current);
    if (!canSearch(stat, user)) {
      fs.chmodSync(current, (stat.mode & 0o7777) | 0o001);
      changed.push(current);
    }
    if (path.dirname(current) === current) break;
  }
  if (changed.length > 0) {
    logger.log('warn', 'allowed the database user to pass through parent folders of the data folder (o+x)', {
      folders: changed.join(', '),
      user: user.name,
    });
  }
}

/** chown -R, without following symbolic links. */
export function chownTree(target: string, user: RunAs): void {
  const stat = fs.lstatSync(target);
  if (stat.isDirectory()) {
    for (const entry of fs.readdirSync(target)) chownTree(path.join(target, entry), user);
  }
  fs.lchownSync(target, user.uid, user.gid);
}
