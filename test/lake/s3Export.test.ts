/**
 * The S3 path against a real S3-compatible server (s3rver on 127.0.0.1): the run's layout
 * uploaded and checked object by object, manifest and _SUCCESS last and current.json after them;
 * exporting the same run again sends nothing; a connection cut midway leaves no _SUCCESS and no
 * current.json moved, with an error that says what was uploaded; a missing bucket, no credentials
 * and a wrong endpoint are each told apart before anything is written, the database untouched.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportError } from '../../electron/etl/errors';
import { withClient } from '../../electron/db/withClient';
import { exportRun, type LakeExport } from '../../electron/lake/exportRun';
import { writeDataset } from '../../electron/lake/writeDataset';
import type { Manifest } from '../../electron/lake/manifest';
import { checksums, freshDatabase, load, prepareSamples, SCHEMA, type Harness } from '../db/harness';
import { testServers } from '../support/database';
import { awsEnv, S3RVER_CREDENTIALS, startFaultyProxy, startS3Server, useEnv, type S3Server } from '../support/s3Server';

let s3: S3Server;
let restoreEnv: () => void;
let work: string;

beforeAll(async () => {
  restoreEnv = useEnv(awsEnv(S3RVER_CREDENTIALS));
  s3 = await startS3Server(['lake']);
  work = await mkdtemp(path.join(os.tmpdir(), 'lake-s3-'));
});

afterAll(async () => {
  await s3?.close();
  restoreEnv?.();
  await rm(work, { recursive: true, force: true });
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe.each(testServers())('S3 export ($name PostgreSQL)', ({ url }) => {
  let h: Harness;
  let first: LakeExport;

  beforeAll(async () => {
    h = await freshDatabase(url);
    await load(h, await prepareSamples());
  });
  afterAll(async () => {
    await h?.close();
  });

  const exportTo = (s3Url: string, extra: { endpoint?: string; maxAttempts?: number; parquetDir?: string } = {}) =>
    exportRun({
      write: (options) => withClient(h.target, 'exporting', (client) => writeDataset(client, options)),
      target: { ...(extra.parquetDir ? { parquetDir: extra.parquetDir } : {}), s3: { url: s3Url, endpoint: extra.endpoint ?? s3.endpoint, maxAttempts: extra.maxAttempts ?? 3 } },
      schema: SCHEMA,
      runId: 'latest',
      appVersion: 'test',
    });

  it('uploads the run prefix with every file checked, manifest and _SUCCESS last, then current.json', async () => {
    first = await exportTo(`s3://lake/${h.db.name}/lake`);
    const prefix = `${h.db.name}/lake/run_id=${first.runId}/`;
    expect(first.s3?.prefix).toBe(`s3://lake/${prefix}`);
    const keys = await s3.keys('lake', `${h.db.name}/lake/`);
    const manifest = JSON.parse(await s3.text('lake', `${prefix}manifest.json`)) as Manifest;
    expect(keys).toEqual(
      [...manifest.files.map((f) => `${prefix}${f.path}`), `${prefix}manifest.json`, `${prefix}_SUCCESS`, `${h.db.name}/lake/current.json`].sort(),
    );
    for (const file of manifest.files) expect({ path: file.path, sha256: sha256(await s3.bytes('lake', `${prefix}${file.path}`)) }).toEqual({ path: file.path, sha256: file.sha256 });
    expect(manifest.files.some((f) => /^appointments\/year=2025\/month=10\/part-00000-run\d+\.parquet$/.test(f.path))).toBe(true);
    const pointer = JSON.parse(await s3.text('lake', `${h.db.name}/lake/current.json`));
    expect(pointer).toMatchObject({ run_id: first.runId, prefix: `run_id=${first.runId}/` });
    expect(await s3.text('lake', `${prefix}warehouse/athena.sql`)).toContain(`LOCATION 's3://lake/${prefix}appointments/'`);
    // No local folder was asked for: the temporary one is gone.
    expect(first.localDir).toBeNull();
  });

  it('exporting the same run again is idempotent: nothing is sent, nothing changes', async () => {
    const before = await Promise.all((await s3.keys('lake', `${h.db.name}/lake/`)).map(async (key) => [key, sha256(await s3.bytes('lake', key))]));
    const again = await exportTo(`s3://lake/${h.db.name}/lake`);
    expect(again.runId).toBe(first.runId);
    expect(again.s3?.skipped).toBe(again.s3?.objects);
    const after = await Promise.all((await s3.keys('lake', `${h.db.name}/lake/`)).map(async (key) => [key, sha256(await s3.bytes('lake', key))]));
    expect(after).toEqual(before);
  });

  it('a connection cut mid-upload leaves no _SUCCESS, current.json on the previous run, and says what was uploaded', async () => {
    // A new run of the same files, uploaded through a proxy that cuts the fourth upload's connection.
    const second = await load(h, await prepareSamples());
    const proxy = await startFaultyProxy(s3.endpoint, 3);
    try {
      const failure = await exportTo(`s3://lake/${h.db.name}/lake`, { endpoint: proxy.endpoint, maxAttempts: 1 }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ExportError);
      const error = failure as ExportError;
      expect(error.code).toBe('s3_upload_failed');
      expect(error.message).toMatch(
        new RegExp(`^Upload to s3://lake/${h.db.name}/lake/run_id=${second.runId}/ stopped at \\S+ after 3 of \\d+ files \\(.+\\)\\. No _SUCCESS marker and no current\\.json were written`),
      );
      expect(error.message).not.toContain('\n');
      expect((error.detail.uploaded as string[]).length).toBe(3);
      const keys = await s3.keys('lake', `${h.db.name}/lake/run_id=${second.runId}/`);
      expect(keys.length).toBe(3);
      expect(keys.some((k) => k.endsWith('_SUCCESS') || k.endsWith('manifest.json'))).toBe(false);
      expect(JSON.parse(await s3.text('lake', `${h.db.name}/lake/current.json`))).toMatchObject({ run_id: first.runId });
    } finally {
      await proxy.close();
    }
    // Run again without the fault: it finishes, sending only what was missing.
    const finished = await exportTo(`s3://lake/${h.db.name}/lake`);
    expect(finished.runId).toBe(second.runId);
    expect(finished.s3?.skipped).toBe(3);
    expect(JSON.parse(await s3.text('lake', `${h.db.name}/lake/current.json`))).toMatchObject({ run_id: second.runId });
    expect(await s3.keys('lake', `${h.db.name}/lake/run_id=${second.runId}/_SUCCESS`)).toHaveLength(1);
  });

  it('tells a missing bucket, missing credentials and a wrong endpoint apart, before writing anything or touching the database', async () => {
    const before = await checksums(h.admin);
    const runs = async () => (await h.admin.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.etl_runs`)).rows[0];
    const runsBefore = await runs();
    const folder = path.join(work, `${h.db.name}-parquet`);
    const failureOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as ExportError);

    const noBucket = await failureOf(exportTo('s3://no-such-bucket/x', { parquetDir: folder }));
    expect([noBucket?.code, noBucket?.message]).toEqual(['s3_bucket_missing', `The S3 bucket "no-such-bucket" does not exist at ${s3.endpoint}: create it, or correct the s3:// URL.`]);

    const restore = useEnv(awsEnv(null));
    let noCredentials: ExportError | undefined;
    try {
      noCredentials = await failureOf(exportTo('s3://lake/x', { parquetDir: folder }));
    } finally {
      restore();
    }
    expect(noCredentials?.code).toBe('s3_credentials');
    expect(noCredentials?.message).toMatch(/^No AWS credentials were found: set AWS_ACCESS_KEY_ID/);

    const wrongKeys = useEnv(awsEnv({ AWS_ACCESS_KEY_ID: 'WRONG', AWS_SECRET_ACCESS_KEY: 'WRONG' }));
    let refused: ExportError | undefined;
    try {
      refused = await failureOf(exportTo('s3://lake/x', { parquetDir: folder }));
    } finally {
      wrongKeys();
    }
    expect(refused?.code).toBe('s3_credentials');
    expect(refused?.message).toMatch(/refused the AWS credentials for bucket "lake"/);

    // A port nothing listens on (taken from a closed server).
    const closed = await startFaultyProxy(s3.endpoint, 0);
    await closed.close();
    const wrongEndpoint = await failureOf(exportTo('s3://lake/x', { parquetDir: folder, endpoint: closed.endpoint, maxAttempts: 1 }));
    expect(wrongEndpoint?.code).toBe('s3_endpoint');
    expect(wrongEndpoint?.message).toMatch(new RegExp(`^Cannot reach S3 at ${closed.endpoint} for bucket "lake": .*ECONNREFUSED`));

    for (const error of [noBucket, noCredentials, refused, wrongEndpoint]) expect(error?.message).not.toContain('\n');
    // Nothing was written locally (the folder check leaves nothing behind), nothing changed in the database.
    expect(existsSync(folder) ? await readdir(folder) : []).toEqual([]);
    expect(await checksums(h.admin)).toEqual(before);
    expect(await runs()).toEqual(runsBefore);
  });
});
