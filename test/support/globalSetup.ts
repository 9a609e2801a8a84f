/**
 * Vitest global setup: one embedded PostgreSQL for the whole run, in a fresh temporary folder,
 * removed at the end. Tests reach it through `inject('embeddedPgUrl')` (see database.ts), and an
 * external server through `TEST_DATABASE_URL` when one is given.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../electron/db/embeddedPostgres';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the run's embedded server (secret: never print it unredacted). */
    embeddedPgUrl: string;
    /** `TEST_DATABASE_URL`, or '' when the external suite is skipped. */
    externalPgUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Tests that spawn the CLI or the reading worker run the bundles; build them fresh once.
  execFileSync(process.execPath, ['scripts/build-node.mjs'], { cwd: path.resolve(__dirname, '..', '..'), stdio: 'inherit' });
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'healthtech-test-pg-'));
  let server;
  try {
    server = await startEmbeddedPostgres({ dataDir, startTimeoutMs: 60_000 });
  } catch (error) {
    await fs.rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const externalPgUrl = process.env.TEST_DATABASE_URL ?? '';
  project.provide('embeddedPgUrl', server.connectionString);
  project.provide('externalPgUrl', externalPgUrl);
  if (externalPgUrl === '') {
    // Once per run, here rather than in every test file that asks for the servers.
    process.stdout.write('external PostgreSQL suite skipped: TEST_DATABASE_URL not set\n');
  }

  return async () => {
    try {
      await server.stop();
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  };
}
