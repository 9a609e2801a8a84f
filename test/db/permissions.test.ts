/**
 * Loads run as roles that may not do everything (SPEC §5, §10; a shared server, RDS). A load builds
 * new tables beside the live ones and swaps them in, so it needs to create tables in the schema
 * and to own the tables it replaces; without either, it stops before building anything, with a
 * message that says which right is missing and how to grant it, and changes nothing. Grants other
 * roles have on the tables, and the tables' owner, survive a reload; a view someone built on the
 * tables stops the load with a message naming it, instead of being dropped or left pointing at
 * old data.
 */
import { ROLLUP_TABLES } from '../../electron/db/schema';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPool, serverLabel } from '../../electron/db/connection';
import { loadRun } from '../../electron/db/load';
import { DatabaseError } from '../../electron/etl/errors';
import { testServers } from '../support/database';
import { SCHEMA, appointmentRows, checksums, expectNoLeftovers, expectedAppointments, freshDatabase, load, prepareSamples, runs, tablesBesideLive, type Harness } from './harness';

async function onServer(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, application_name: 'healthtech-etl tests' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe.each(testServers())('permissions on $name PostgreSQL', ({ url }) => {
  let h: Harness;
  const suffix = randomBytes(4).toString('hex');
  const roles = { loader: `ht_loader_${suffix}`, owner: `ht_owner_${suffix}`, reader: `ht_reader_${suffix}` };
  const password = `pw-${randomBytes(8).toString('hex')}`;
  let loaderPool: pg.Pool | undefined;

  /** Loads as the loader role, through a pool of its own. */
  function loadAsLoader(schema = SCHEMA) {
    const loaderUrl = new URL(h.db.url);
    loaderUrl.username = roles.loader;
    loaderUrl.password = password;
    loaderPool ??= createPool(loaderUrl.toString());
    return prepareSamples().then((run) => loadRun({ pool: loaderPool as pg.Pool, label: serverLabel(loaderUrl.toString()) }, run, { schema, source: 'cli' }));
  }

  beforeEach(async () => {
    h = await freshDatabase(url);
    await load(h, await prepareSamples());
    // The tables belong to an owner role; the loader may write them, as a typical grant would have it.
    await h.admin.query(`
      CREATE ROLE ${roles.owner} NOLOGIN;
      CREATE ROLE ${roles.reader} NOLOGIN;
      CREATE ROLE ${roles.loader} LOGIN PASSWORD '${password}';
      GRANT CONNECT ON DATABASE "${h.db.name}" TO ${roles.loader};
      GRANT USAGE, CREATE ON SCHEMA ${SCHEMA} TO ${roles.owner};
      ALTER TABLE ${SCHEMA}.doctors OWNER TO ${roles.owner};
      ALTER TABLE ${SCHEMA}.appointments OWNER TO ${roles.owner};
      ALTER TABLE ${SCHEMA}.rejected_rows OWNER TO ${roles.owner};
      ${ROLLUP_TABLES.map((table) => `ALTER TABLE ${SCHEMA}.${table} OWNER TO ${roles.owner};`).join('\n      ')}
      GRANT USAGE ON SCHEMA ${SCHEMA} TO ${roles.loader};
      GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES ON ALL TABLES IN SCHEMA ${SCHEMA} TO ${roles.loader};
      GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${SCHEMA} TO ${roles.loader};
      GRANT SELECT ON ${SCHEMA}.appointments, ${SCHEMA}.doctors TO ${roles.reader};`);
  });
  afterEach(async () => {
    await loaderPool?.end();
    loaderPool = undefined;
    await h.close();
    await onServer(url, `DROP ROLE IF EXISTS ${roles.loader}; DROP ROLE IF EXISTS ${roles.reader}; DROP ROLE IF EXISTS ${roles.owner};`);
  });

  it('a role that cannot create tables in the schema: a clear db_permission, nothing built, nothing changed, recorded', async () => {
    const before = await checksums(h.admin);

    const error = await loadAsLoader().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toMatchObject({ code: 'db_permission', sqlstate: '42501' });
    expect((error as Error).message).toBe(
      `User "${roles.loader}" may not create tables in schema "${SCHEMA}" on ${h.label.where}. A load builds the new tables beside the loaded ones and then swaps them in, ` +
        `so it needs that right: GRANT CREATE ON SCHEMA "${SCHEMA}" TO "${roles.loader}". Nothing was changed.`,
    );
    expect(await checksums(h.admin)).toEqual(before);
    expect((await runs(h.admin))[0]).toMatchObject({ outcome: 'failed', error_code: 'db_permission', error: (error as Error).message });
    expect(await tablesBesideLive(h.admin)).toEqual([]);
  });

  it('a role that cannot create the schema: a clear db_permission naming the schema', async () => {
    const error = await loadAsLoader('clinic_elsewhere').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toMatchObject({ code: 'db_permission', sqlstate: '42501', message: expect.stringContaining(`User "${roles.loader}" may not create schema "clinic_elsewhere"`) });
    const { rows } = await h.admin.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'clinic_elsewhere'`);
    expect(rows).toEqual([]);
  });

  it('a role that may create tables but does not own the live ones: a clear db_permission naming them and their owner', async () => {
    await h.admin.query(`GRANT CREATE ON SCHEMA ${SCHEMA} TO ${roles.loader}`);
    const before = await checksums(h.admin);

    const error = await loadAsLoader().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toMatchObject({ code: 'db_permission' });
    expect((error as Error).message).toContain(
      `User "${roles.loader}" does not own tables ${SCHEMA}.doctors (owner "${roles.owner}"), ${SCHEMA}.appointments (owner "${roles.owner}"), ${SCHEMA}.rejected_rows (owner "${roles.owner}")`,
    );
    expect(await checksums(h.admin)).toEqual(before);
    expect(await tablesBesideLive(h.admin)).toEqual([]);
  });

  it("a member of the owning role loads; the new tables keep the owner and the other roles' grants", async () => {
    await h.admin.query(`GRANT CREATE ON SCHEMA ${SCHEMA} TO ${roles.loader}; GRANT ${roles.owner} TO ${roles.loader};`);
    const samples = await prepareSamples();

    const result = await loadAsLoader();

    expect((await runs(h.admin))[0]).toMatchObject({ run_id: result.runId, outcome: 'succeeded' });
    expect(await appointmentRows(h.admin)).toEqual(expectedAppointments(samples));
    const { rows } = await h.admin.query<{ table: string; owner: string; reader_selects: boolean }>(
      `SELECT c.relname AS table, pg_get_userbyid(c.relowner) AS owner, has_table_privilege($1, c.oid, 'SELECT') AS reader_selects
         FROM pg_class c WHERE c.relnamespace = $2::regnamespace AND c.relname IN ('doctors', 'appointments', 'rejected_rows') ORDER BY 1`,
      [roles.reader, SCHEMA],
    );
    expect(rows).toEqual([
      { table: 'appointments', owner: roles.owner, reader_selects: true },
      { table: 'doctors', owner: roles.owner, reader_selects: true },
      { table: 'rejected_rows', owner: roles.owner, reader_selects: false },
    ]);
    expect(await tablesBesideLive(h.admin)).toEqual([]);
  });

  it('a view built on the tables stops the load with a message naming it; without the view the load goes through', async () => {
    await h.admin.query(`CREATE VIEW ${SCHEMA}.confirmed_bookings AS SELECT * FROM ${SCHEMA}.appointments WHERE status = 'confirmed'`);
    const before = await checksums(h.admin);
    const samples = await prepareSamples();

    const error = await load(h, samples).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toMatchObject({ code: 'db_dependents', message: expect.stringContaining(`Other objects use the loaded tables in schema "${SCHEMA}": view ${SCHEMA}.confirmed_bookings.`) });
    expect(await checksums(h.admin)).toEqual(before);
    expect((await runs(h.admin))[0]).toMatchObject({ outcome: 'failed', error_code: 'db_dependents' });
    await expectNoLeftovers(h);

    await h.admin.query(`DROP VIEW ${SCHEMA}.confirmed_bookings`);
    await load(h, samples);
    await expectNoLeftovers(h);
  });
});
