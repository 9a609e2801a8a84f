/**
 * Helpers for tests that need PostgreSQL. The same suite runs against every server in
 * `testServers()`: the embedded one always, an external one when `TEST_DATABASE_URL` is set.
 * Each test (or file) gets its own database from `createTestDatabase`, so files can run in
 * parallel against one server without seeing each other's tables.
 *
 *   describe.each(testServers())('load on $name PostgreSQL', ({ url }) => {
 *     let db: TestDatabase;
 *     beforeAll(async () => { db = await createTestDatabase(url); });
 *     afterAll(() => db.drop());
 *     ...
 *   });
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export interface TestServer {
  name: 'embedded' | 'external';
  url: string;
}

export interface TestDatabase {
  /** URL of the fresh database (same credentials as the server URL). */
  url: string;
  /** Name of the database, for assertions and messages. */
  name: string;
  /** Ends its sessions and drops it; safe to call twice. */
  drop(): Promise<void>;
}

/** The servers to run database suites against (global setup prints once when external is skipped). */
export function testServers(): TestServer[] {
  const servers: TestServer[] = [{ name: 'embedded', url: inject('embeddedPgUrl') }];
  const external = inject('externalPgUrl');
  if (external !== '') servers.push({ name: 'external', url: external });
  return servers;
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function withClient<T>(url: string, task: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'healthtech-etl tests' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await task(client);
  } finally {
    await client.end();
  }
}

/** Creates a uniquely named, empty database on the server (works on PostgreSQL 13+). */
export async function createTestDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `healthtech_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  // template0: a pristine database, and no conflict with sessions connected to template1.
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE template0`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let dropped: Promise<void> | undefined;
  return {
    url: url.toString(),
    name,
    drop: () =>
      (dropped ??= withClient(serverUrl, async (client) => {
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
        await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
      })),
  };
}
