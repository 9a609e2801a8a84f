/**
 * Uploads a written run folder to S3 under the same layout (AWS SDK v3; lib-storage switches to a
 * multipart upload above one part). Order is the promise readers rely on: the data files, the
 * warehouse SQL, then manifest.json, then _SUCCESS, and only then current.json at the root, so a
 * run prefix without _SUCCESS is never complete and current.json never points at one.
 *
 * Every object is checked after its upload against our own hashes: the store's SHA-256 checksum
 * when it keeps one (S3 verifies the one we send on receipt), else its ETag (the MD5 of the
 * object, or of its parts' MD5s after a multipart upload), else the object is read back and
 * hashed. An object already there with the same content is not sent again, so exporting a run a
 * second time, or finishing one that broke off, only sends what is missing.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { CancelledError, ExportError } from '../etl/errors';
import { silentLogger, type Logger } from '../etl/logger';
import { CURRENT_POINTER, MANIFEST, SUCCESS, runDirName, type CurrentPointer } from './layout';
import type { Manifest } from './manifest';
import { describeTarget, s3Failure, type S3Target } from './s3Target';
import { s3Key } from './s3Location';
import type { LakeProgress, WrittenRun } from './writeDataset';

export const PART_SIZE = 16 * 1024 * 1024;
const PARALLEL_FILES = 4;

export interface UploadHooks {
  signal?: AbortSignal;
  onProgress?: (progress: LakeProgress) => void;
  logger?: Logger;
  /** Multipart part size (S3's minimum is 5 MiB); tests lower nothing below that. */
  partSize?: number;
}

export interface UploadedRun {
  runId: number;
  /** s3://bucket/prefix/run_id=N/ */
  prefix: string;
  /** s3://bucket/prefix/current.json */
  pointer: string;
  objects: number;
  /** Objects that were already there with the same content. */
  skipped: number;
  bytes: number;
  ms: number;
}

interface LocalObject {
  relative: string;
  file: string;
  bytes: number;
  sha256: string;
}

export async function uploadRun(written: WrittenRun, target: S3Target, hooks: UploadHooks = {}): Promise<UploadedRun> {
  const started = Date.now();
  const logger = hooks.logger ?? silentLogger;
  const partSize = Math.max(5 * 1024 * 1024, hooks.partSize ?? PART_SIZE);
  const runPrefix = runDirName(written.runId);
  const manifest: Manifest = written.manifest;
  const inRun = (relative: string): LocalObject => {
    const entry = manifest.files.find((f) => f.path === relative);
    return { relative: `${runPrefix}/${relative}`, file: path.join(written.runDir, relative), bytes: entry?.bytes ?? 0, sha256: entry?.sha256 ?? '' };
  };
  const data = manifest.files.filter((f) => f.table !== 'warehouse').map((f) => inRun(f.path));
  const sql = manifest.files.filter((f) => f.table === 'warehouse').map((f) => inRun(f.path));
  const last = await Promise.all([MANIFEST, SUCCESS].map((name) => localObject(path.join(written.runDir, name), `${runPrefix}/${name}`)));
  const pointerFile = path.join(written.root, CURRENT_POINTER);
  const pointer = await localObject(pointerFile, CURRENT_POINTER);
  const pointed = JSON.parse(await readFile(pointerFile, 'utf8')) as CurrentPointer;
  if (pointed.run_id !== written.runId) throw new ExportError('s3_upload_failed', `${pointerFile} points at run ${pointed.run_id}, not ${written.runId}; export again.`);

  const all = [...data, ...sql, ...last, pointer];
  const total = all.reduce((sum, o) => sum + o.bytes, 0);
  const sent = new Map<string, number>();
  const report = (current: string) => hooks.onProgress?.({ phase: 'upload', done: [...sent.values()].reduce((a, b) => a + b, 0), total, unit: 'bytes', current });
  const uploaded: string[] = [];
  let skipped = 0;

  const put = async (object: LocalObject) => {
    if (hooks.signal?.aborted) throw new CancelledError('Export cancelled during the upload.');
    const key = s3Key(target.location, object.relative);
    const verdict = await verify(target, key, object, partSize, hooks.signal).catch(() => 'absent' as const);
    if (verdict === 'same') {
      skipped += 1;
    } else {
      const upload = new Upload({
        client: target.client,
        params: { Bucket: target.location.bucket, Key: key, Body: object.bytes > partSize ? createReadStream(object.file) : await readFile(object.file), ChecksumAlgorithm: 'SHA256', ContentType: contentType(object.relative) },
        partSize,
        queueSize: 2,
        leavePartsOnError: false,
      });
      const onAbort = () => void upload.abort().catch(() => undefined);
      hooks.signal?.addEventListener('abort', onAbort, { once: true });
      upload.on('httpUploadProgress', (progress) => {
        sent.set(key, progress.loaded ?? 0);
        report(object.relative);
      });
      try {
        await upload.done();
      } finally {
        hooks.signal?.removeEventListener('abort', onAbort);
      }
      if (hooks.signal?.aborted) throw new CancelledError('Export cancelled during the upload.');
      const check = await verify(target, key, object, partSize, hooks.signal);
      if (check !== 'same') {
        throw new ExportError('s3_upload_failed', `the stored object differs from the file (${check}) — the upload was damaged on the way`, { key });
      }
    }
    sent.set(key, object.bytes);
    uploaded.push(object.relative);
    report(object.relative);
  };

  const stage = async (objects: LocalObject[], parallel: number) => {
    let next = 0;
    const failures: unknown[] = [];
    const worker = async () => {
      while (next < objects.length && failures.length === 0) {
        const object = objects[next++] as LocalObject;
        try {
          await put(object);
        } catch (error) {
          failures.push({ error, object });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, objects.length) }, worker));
    if (failures.length > 0) throw failures[0];
  };

  try {
    await stage(data, PARALLEL_FILES);
    await stage(sql, PARALLEL_FILES);
    // One at a time from here: manifest, then _SUCCESS, then the pointer.
    for (const object of [...last, pointer]) await stage([object], 1);
  } catch (failure) {
    const { error, object } = failure as { error: unknown; object: LocalObject };
    if (error instanceof CancelledError || hooks.signal?.aborted) throw new CancelledError(`Export cancelled during the upload: ${uploaded.length} of ${all.length} files were uploaded to ${describeTarget(target, `${runPrefix}/`)}; no _SUCCESS or current.json was written.`);
    const cause = error instanceof ExportError && error.code !== 's3_upload_failed' ? error : s3Failure(error, target, 'upload');
    const wroteSuccess = uploaded.includes(`${runPrefix}/${SUCCESS}`);
    logger.log('error', 'upload stopped', { run_id: written.runId, uploaded: uploaded.length, of: all.length, failed: object.relative });
    if (uploaded.length > 0) logger.log('info', `uploaded before the failure: ${uploaded.join(', ')}`);
    throw new ExportError(
      cause.code === 's3_upload_failed' ? 's3_upload_failed' : cause.code,
      `Upload to ${describeTarget(target, `${runPrefix}/`)} stopped at ${object.relative} after ${uploaded.length} of ${all.length} files (${cause.message.replace(/\.$/, '')}). ` +
        (wroteSuccess ? 'The run is complete there, but current.json was not moved to it. ' : 'No _SUCCESS marker and no current.json were written, so readers ignore this partial run. ') +
        'Run the export again to finish it (files already there are skipped).',
      { ...cause.detail, uploaded, failed: object.relative, runPrefix: describeTarget(target, `${runPrefix}/`) },
    );
  }

  const result: UploadedRun = {
    runId: written.runId,
    prefix: describeTarget(target, `${runPrefix}/`),
    pointer: describeTarget(target, CURRENT_POINTER),
    objects: all.length,
    skipped,
    bytes: total,
    ms: Date.now() - started,
  };
  logger.log('info', 'parquet export uploaded', { run_id: written.runId, objects: result.objects, skipped, bytes: total, ms: result.ms });
  return result;
}

async function localObject(file: string, relative: string): Promise<LocalObject> {
  const bytes = await readFile(file);
  return { relative, file, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

function contentType(relative: string): string {
  if (relative.endsWith('.parquet')) return 'application/vnd.apache.parquet';
  if (relative.endsWith('.json')) return 'application/json';
  if (relative.endsWith('.sql')) return 'application/sql';
  return 'application/octet-stream';
}

/** Hashes of the file whole and per multipart part, as S3 derives its ETag and composite checksum. */
async function fileDigests(file: string, partSize: number) {
  const whole = { md5: createHash('md5'), sha256: createHash('sha256') };
  const parts: { md5: Buffer; sha256: Buffer }[] = [];
  let part = { md5: createHash('md5'), sha256: createHash('sha256'), size: 0 };
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    whole.md5.update(chunk);
    whole.sha256.update(chunk);
    for (let offset = 0; offset < chunk.length; ) {
      const take = Math.min(partSize - part.size, chunk.length - offset);
      const slice = chunk.subarray(offset, offset + take);
      part.md5.update(slice);
      part.sha256.update(slice);
      part.size += take;
      offset += take;
      if (part.size === partSize) {
        parts.push({ md5: part.md5.digest(), sha256: part.sha256.digest() });
        part = { md5: createHash('md5'), sha256: createHash('sha256'), size: 0 };
      }
    }
  }
  if (part.size > 0 || parts.length === 0) parts.push({ md5: part.md5.digest(), sha256: part.sha256.digest() });
  const md5 = whole.md5.digest('hex');
  const sha256 = whole.sha256.digest('base64');
  const multipartEtag = `${createHash('md5').update(Buffer.concat(parts.map((p) => p.md5))).digest('hex')}-${parts.length}`;
  const compositeSha256 = `${createHash('sha256').update(Buffer.concat(parts.map((p) => p.sha256))).digest('base64')}-${parts.length}`;
  return { md5, sha256, multipartEtag, compositeSha256 };
}

/** 'same' when the stored object has exactly our bytes; otherwise why not. */
async function verify(target: S3Target, key: string, object: LocalObject, partSize: number, signal?: AbortSignal): Promise<'same' | 'absent' | string> {
  const options = signal ? { abortSignal: signal } : {};
  let head;
  try {
    head = await target.client.send(new HeadObjectCommand({ Bucket: target.location.bucket, Key: key, ChecksumMode: 'ENABLED' }), options);
  } catch (error) {
    if ((error as SdkLike).$metadata?.httpStatusCode === 404 || (error as SdkLike).name === 'NotFound') return 'absent';
    throw error;
  }
  if (head.ContentLength !== object.bytes) return `size ${head.ContentLength ?? '?'} ≠ ${object.bytes}`;
  const digests = await fileDigests(object.file, partSize);
  if (head.ChecksumSHA256) return head.ChecksumSHA256 === digests.sha256 || head.ChecksumSHA256 === digests.compositeSha256 ? 'same' : 'SHA-256 differs';
  const etag = (head.ETag ?? '').replace(/"/g, '');
  if (etag === digests.md5 || etag === digests.multipartEtag) return 'same';
  // An ETag that is no MD5 (e.g. SSE-KMS encryption): read the object back and hash it.
  const got = await target.client.send(new GetObjectCommand({ Bucket: target.location.bucket, Key: key }), options);
  const hash = createHash('sha256');
  for await (const chunk of got.Body as AsyncIterable<Uint8Array>) hash.update(chunk);
  return hash.digest('hex') === object.sha256 ? 'same' : 'content differs';
}

interface SdkLike {
  name?: string;
  $metadata?: { httpStatusCode?: number };
}
