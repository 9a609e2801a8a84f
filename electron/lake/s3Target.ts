/**
 * The S3 side: a client built from the standard AWS chain only (environment, shared config and
 * credentials files, SSO, container and instance roles — healthtech-etl never asks for, stores or
 * logs a key), with a region and an endpoint override for S3-compatible stores; and the failures
 * people can fix, each told apart: no bucket, no or refused credentials, an endpoint that does not
 * answer as S3.
 */
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { ExportError, UsageError } from '../etl/errors';
import { parseS3Url, s3Url, type S3Location } from './s3Location';

export interface S3TargetOptions {
  /** s3://bucket/prefix */
  url: string;
  /** Default: the chain's (AWS_REGION, the profile), or us-east-1 with an endpoint override. */
  region?: string;
  /** An S3-compatible endpoint (MinIO, Ceph, LocalStack…); path-style addressing is then used. */
  endpoint?: string;
  /** Attempts per request, retries included (the SDK's default is 3). */
  maxAttempts?: number;
}

export interface S3Target {
  client: S3Client;
  location: S3Location;
  /** For messages: where the bucket was looked for. */
  where: string;
}

export function createS3Target(options: S3TargetOptions): S3Target {
  const location = parseS3Url(options.url);
  if (options.endpoint !== undefined && !/^https?:\/\/[^/\s]+/i.test(options.endpoint)) {
    throw new UsageError('invalid_s3_endpoint', `The S3 endpoint must be an http(s) URL such as https://minio.example.com:9000, not "${options.endpoint}".`, {
      setting: 's3_endpoint',
    });
  }
  // The SDK warns on every Node below 22 that its releases after January 2027 will need Node 22;
  // that says nothing a person running this tool can act on (Electron ships Node 22+), so the
  // warning is not passed on to the CLI's stderr.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const region = options.region ?? (options.endpoint ? (process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1') : undefined);
  const client = new S3Client({
    ...(region ? { region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    maxAttempts: options.maxAttempts ?? 3,
    // A wrong host or port fails within seconds instead of the OS's minutes-long connect timeout.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 120_000 },
  });
  const where = options.endpoint ? options.endpoint : `AWS S3${region ? ` (${region})` : ''}`;
  return { client, location, where };
}

/** Proves the bucket exists and the credentials are accepted, before anything is loaded or written. */
export async function checkS3Target(target: S3Target, signal?: AbortSignal): Promise<void> {
  try {
    await target.client.send(new HeadBucketCommand({ Bucket: target.location.bucket }), signal ? { abortSignal: signal } : {});
  } catch (error) {
    throw s3Failure(error, target, 'check');
  }
}

const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED']);
const REFUSED = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'ExpiredToken', 'InvalidToken', 'TokenRefreshRequired', 'Forbidden']);

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * What went wrong with S3, for people: `stage` is 'check' for the first request (where a network
 * failure means a wrong endpoint) and 'upload' after it (where it means the upload broke off).
 */
export function s3Failure(error: unknown, target: S3Target, stage: 'check' | 'upload'): ExportError {
  const e = (error ?? {}) as SdkError;
  const name = e.name ?? '';
  const status = e.$metadata?.httpStatusCode;
  const bucket = target.location.bucket;
  const detail = { bucket, where: target.where, sdkError: name, status: status ?? null };
  const cause = (e.message ?? String(error)).split('\n')[0]?.slice(0, 200) ?? '';
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(cause)) {
    return new ExportError(
      's3_credentials',
      'No AWS credentials were found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, choose a profile with AWS_PROFILE, or sign in with "aws sso login" (healthtech-etl never stores keys).',
      detail,
    );
  }
  if (REFUSED.has(name) || status === 403) {
    return new ExportError('s3_credentials', `S3 at ${target.where} refused the AWS credentials for bucket "${bucket}" (${name || `HTTP ${status}`}): check the keys, their expiry and the bucket policy.`, detail);
  }
  if (name === 'NoSuchBucket' || (stage === 'check' && (name === 'NotFound' || status === 404))) {
    return new ExportError('s3_bucket_missing', `The S3 bucket "${bucket}" does not exist at ${target.where}: create it, or correct the s3:// URL.`, detail);
  }
  if (status === 301 || name === 'PermanentRedirect') {
    return new ExportError('s3_endpoint', `The bucket "${bucket}" is in another region than ${target.where}: give its region (--s3_region or AWS_REGION).`, detail);
  }
  if (/region is missing/i.test(cause)) {
    return new ExportError('s3_endpoint', 'No AWS region is configured: set AWS_REGION, a region in the AWS profile, or --s3_region.', detail);
  }
  const network = NETWORK.has(e.code ?? '') || NETWORK.has(name) || name === 'TimeoutError' || /socket hang up|getaddrinfo|connect E/i.test(cause);
  if (stage === 'check') {
    const why = network ? cause : `it did not answer as S3 does (${name || `HTTP ${status}`}: ${cause})`;
    return new ExportError('s3_endpoint', `Cannot reach S3 at ${target.where} for bucket "${bucket}": ${why}. Check the endpoint and the network.`, detail);
  }
  return new ExportError('s3_upload_failed', `${name || 'Error'}${status ? ` (HTTP ${status})` : ''}: ${cause}`, { ...detail, network });
}

export function describeTarget(target: S3Target, relative = ''): string {
  return s3Url(target.location, relative);
}
