import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const parquetWriterVersion = JSON.parse(readFileSync('node_modules/hyparquet-writer/package.json', 'utf8')).version as string;

/**
 * Two projects, one `npm test`:
 * - `unit`: pure tests next to the code (no database, no build): `npm run test:unit` runs them in
 *   seconds, for a fast feedback loop;
 * - `integration`: everything that needs a real PostgreSQL or the built bundles (the CLI, the
 *   reading worker), under test/ plus the two co-located suites listed below; its global setup
 *   builds the bundles once and starts one embedded server for the run.
 */
const NEEDS_SERVER_OR_BUILD = [
  'electron/db/embeddedPostgres.test.ts',
  'electron/etl/worker/runInWorker.test.ts',
  // Not a server, but real racing processes for ~20 s: too slow for the quick loop.
  'electron/db/embedded/dataFolder.test.ts',
];
/** Needs the built app: `npm run test:packaging` runs it after `npm run build` (vitest.packaging.config.ts). */
const AFTER_BUILD = ['test/packaging/shippedFiles.test.ts'];

export default defineConfig({
  // As scripts/build-node.mjs defines it for the bundles.
  define: { __HYPARQUET_WRITER_VERSION__: JSON.stringify(parquetWriterVersion) },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // Threads start faster than forked processes, and these tests share no process state
          // (no chdir, no database, no real worker): on a 2-core machine the whole project runs in
          // about half the time of one fork per file.
          pool: 'threads',
          include: ['electron/**/*.test.ts', 'shared/**/*.test.ts', 'scripts/**/*.test.ts', 'renderer/**/*.test.ts'],
          exclude: ['**/node_modules/**', ...NEEDS_SERVER_OR_BUILD],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts', ...NEEDS_SERVER_OR_BUILD],
          exclude: ['**/node_modules/**', ...AFTER_BUILD],
          globalSetup: ['test/support/globalSetup.ts'],
        },
      },
    ],
  },
});
