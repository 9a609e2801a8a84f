/** `s3://bucket/prefix` as given on the command line or in Settings, checked before anything runs. */
import { UsageError } from '../etl/errors';

export interface S3Location {
  bucket: string;
  /** Key prefix without leading or trailing '/', possibly ''. */
  prefix: string;
}

export function parseS3Url(text: string, setting = 's3_url'): S3Location {
  const trimmed = text.trim();
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/i.exec(trimmed);
  if (!match) throw new UsageError('invalid_s3_url', `${setting} must look like s3://bucket/prefix, not "${trimmed}".`, { setting });
  const bucket = match[1] as string;
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes('..')) {
    throw new UsageError('invalid_s3_url', `"${bucket}" is not a valid S3 bucket name (3–63 lowercase letters, digits, dots, hyphens).`, { setting });
  }
  const prefix = (match[2] ?? '')
    .split('/')
    .filter((part) => part !== '')
    .join('/');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(prefix) || prefix.split('/').some((part) => part === '.' || part === '..')) {
    throw new UsageError('invalid_s3_url', `The S3 prefix "${prefix}" contains control characters or "." / ".." parts.`, { setting });
  }
  return { bucket, prefix };
}

export function s3Url(location: S3Location, key = ''): string {
  const path = [location.prefix, key].filter((part) => part !== '').join('/');
  return `s3://${location.bucket}/${path}`;
}

/** Object key of a path relative to the target root. */
export function s3Key(location: S3Location, relative: string): string {
  return location.prefix ? `${location.prefix}/${relative}` : relative;
}
