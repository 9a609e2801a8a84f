/**
 * The S3 path against a real S3-compatible server (s3rver on 127.0.0.1): the run's layout
 * uploaded and checked object by object, manifest and _SUCCESS last and current.json after them;
 * exporting the same run again sends nothing; a connection cut midway leaves no _SUCCESS and no
 * current.json moved, with an error that says what was uploaded; a missing bucket, no credentials
 * and a wrong endpoint are each told apart before anything is written, the database untouched.
 */
import { createHash, randomBytes } from 'node:crypto';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportError } from '../../electron/etl/errors';
import { withClient } from '../../electron/db/withClient';
import { exportRun, type LakeExport } from '../../electron/lake/exportRun';
import { MANIFEST_FORMAT, manifestText, type Manifest } from '../../electron/lake/manifest';
import { createS3Target } from '../../electron/lake/s3Target';
import { uploadRun } from '../../electron/lake/uploadRun';
import { writeDataset, type LakeProgress, type WrittenRun } from '../../electron/lake/writeDataset';
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

const sha256 = (bytes: Buffer | Uint8Array) => createHash('sha256').update(bytes).digest('hex');

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

describe('multipart upload (s3rver)', () => {
  /** A run folder as writeDataset leaves it, with one data file of `size` random bytes (they do not compress). */
  async function runFolderWithLargeFile(size: number): Promise<WrittenRun> {
    const root = await mkdtemp(path.join(work, 'multipart-'));
    const runId = 77;
    const runDir = path.join(root, `run_id=${runId}`);
    const relative = `appointments/year=2025/month=10/part-00000-run${runId}.parquet`;
    const data = randomBytes(size);
    await mkdir(path.dirname(path.join(runDir, relative)), { recursive: true });
    await writeFile(path.join(runDir, relative), data);
    const manifest = { format: MANIFEST_FORMAT, run_id: runId, files: [{ path: relative, table: 'appointments', rows: 1, bytes: size, sha256: sha256(data) }] } as unknown as Manifest;
    const text = manifestText(manifest);
    await writeFile(path.join(runDir, 'manifest.json'), text);
    await writeFile(path.join(runDir, '_SUCCESS'), '');
    await writeFile(path.join(root, 'current.json'), JSON.stringify({ run_id: runId, prefix: `run_id=${runId}/`, manifest: `run_id=${runId}/manifest.json`, manifest_sha256: sha256(Buffer.from(text)) }));
    return { runId, root, runDir, manifest, manifestSha256: sha256(Buffer.from(text)), ms: 0 };
  }

  it('sends a file above the part size in parts, checks it against the stored checksum or ETag, skips it next time, and sends it again when the stored copy differs', async () => {
    const partSize = 5 * 1024 * 1024;
    // Two full parts and a short third one.
    const written = await runFolderWithLargeFile(2 * partSize + 123_457);
    const file = written.manifest.files[0] as Manifest['files'][number];
    const key = `multipart/run_id=${written.runId}/${file.path}`;
    // Through a proxy that records what the store was asked.
    const proxy = await startFaultyProxy(s3.endpoint, Number.MAX_SAFE_INTEGER);
    const target = createS3Target({ url: 's3://lake/multipart', endpoint: proxy.endpoint, maxAttempts: 1 });
    const progress: LakeProgress[] = [];
    try {
      const first = await uploadRun(written, target, { partSize, onProgress: (p) => progress.push(p) });
      expect({ objects: first.objects, skipped: first.skipped }).toEqual({ objects: 4, skipped: 0 });
      expect(sha256(await s3.bytes('lake', key))).toBe(file.sha256);
      // A multipart upload of three parts: created, three parts sent, completed.
      const asked = proxy.requests().filter((request) => request.includes(path.basename(file.path)) && !request.startsWith('HEAD '));
      expect(asked.filter((request) => /^POST .*\?uploads/.test(request))).toHaveLength(1);
      expect(asked.filter((request) => /^PUT .*partNumber=\d/.test(request)).map((request) => /partNumber=(\d+)/.exec(request)?.[1]).sort()).toEqual(['1', '2', '3']);
      expect(asked.filter((request) => /^POST .*uploadId=/.test(request))).toHaveLength(1);
      // S3 itself answers a multipart object's ETag as the MD5 of its parts' MD5s ("…-3"), which the
      // check accepts; s3rver keeps the whole object's MD5 instead, which the check accepts too.
      const head = await s3.client.send(new HeadObjectCommand({ Bucket: 'lake', Key: key, ChecksumMode: 'ENABLED' }));
      expect(head.ETag?.replace(/"/g, '')).toBe(createHash('md5').update(await s3.bytes('lake', key)).digest('hex'));
      expect(head.ContentLength).toBe(file.bytes);
      // Progress counted the parts as they went, up to every byte of the run.
      const uploads = progress.filter((p) => p.current.endsWith(file.path)).map((p) => p.done);
      expect(new Set(uploads).size).toBeGreaterThanOrEqual(2);
      expect(progress.at(-1)?.done).toBe(progress.at(-1)?.total);

      const again = await uploadRun(written, target, { partSize });
      expect(again.skipped).toBe(4);

      // The stored copy replaced by other bytes of the same length: the check sees it and sends the file again.
      await s3.client.send(new PutObjectCommand({ Bucket: 'lake', Key: key, Body: randomBytes(file.bytes) }));
      const repaired = await uploadRun(written, target, { partSize });
      expect(repaired.skipped).toBe(3);
      expect(sha256(await s3.bytes('lake', key))).toBe(file.sha256);
    } finally {
      target.client.destroy();
      await proxy.close();
    }
  });
});
