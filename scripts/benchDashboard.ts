/**
 * `npm run bench:dashboard -- [--db-url URL [--pid-file FILE] | --data-dir DIR] [--schema NAME] [--repeats N] [--only q1,q2] [--json]`
 *
 * Times every dashboard query under the dashboard's filters (scripts/bench/dashboard.ts) over a
 * schema already loaded (by `npm run etl`, the app, or `npm run bench -- --keep`): on a server
 * given by URL, or on the embedded PostgreSQL in a data folder (default the CLI's,
 * .healthtech/postgres). Reads only. On the embedded server, each query's server CPU is reported
 * beside its wall time; on a server given by URL too when --pid-file names its postmaster.pid (a
 * cluster of this machine that serves nobody else, or its figures count their queries too).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../electron/db/connection';
import { dataFolder } from '../electron/db/embedded/dataFolder';
import { renderDashboardTimings, timeDashboard } from './bench/dashboard';
import { postmasterPid, serverRunMs } from './bench/serverCpu';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'db-url': { type: 'string' },
      'data-dir': { type: 'string' },
      'pid-file': { type: 'string' },
      schema: { type: 'string', default: 'healthtech' },
      repeats: { type: 'string', default: '5' },
      only: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const repeats = Number(values.repeats);
  if (!Number.isInteger(repeats) || repeats < 1) {
    process.stderr.write('bench:dashboard: --repeats must be a whole number ≥ 1\n');
    return 2;
  }
  const dataDir = path.resolve(values['data-dir'] ?? path.join('.healthtech', 'postgres'));
  const db = await openDatabase(values['db-url'] ? { url: values['db-url'], embeddedDataDir: '' } : { embeddedDataDir: dataDir });
  try {
    const version = (await db.pool.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '?';
    // The embedded server's CPU is ours alone to read; a server given by URL may serve others too,
    // so its CPU is read only when asked for.
    const pidFile = values['db-url'] ? values['pid-file'] : path.join(dataFolder(dataDir).pgdata, 'postmaster.pid');
    const postmaster = pidFile === undefined ? undefined : postmasterPid(pidFile);
    const serverCpu = postmaster === undefined ? {} : { serverCpu: () => serverRunMs(postmaster) };
    const timings = await timeDashboard(db, values.schema, { repeats, ...serverCpu, ...(values.only ? { only: values.only.split(',') } : {}) });
    process.stdout.write(values.json ? `${JSON.stringify({ server: version, repeats, timings })}\n` : `PostgreSQL ${version}, schema ${values.schema}, ${repeats} repeats\n${renderDashboardTimings(timings)}\n`);
    return 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench:dashboard: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
