import { defineConfig } from 'vitest/config';

/**
 * Two projects, one `npm test`:
 * - `unit`: pure tests next to the code (no database, no build): `npm run test:unit` runs them in
 *   seconds, for a fast feedback loop;
 * - `integration`: everything that needs a real PostgreSQL or the built bundles (the CLI, the
 *   reading worker), under test/ plus the two co-located suites listed below; its global setup
 *   builds the bundles once and starts one embedded server for the run.
 */
const NEEDS_SERVER_OR_BUILD = ['electron/db/embeddedPostgres.test.ts', 'electron/etl/worker/runInWorker.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['electron/**/*.test.ts', 'shared/**/*.test.ts', 'scripts/**/*.test.ts', 'renderer/**/*.test.ts'],
          exclude: ['**/node_modules/**', ...NEEDS_SERVER_OR_BUILD],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts', ...NEEDS_SERVER_OR_BUILD],
          globalSetup: ['test/support/globalSetup.ts'],
        },
      },
    ],
  },
});
