import { describe, expect, it } from 'vitest';
import { parseS3Url, s3Key, s3Url } from './s3Location';

describe('s3:// URLs', () => {
  it('splits bucket and prefix, tidying slashes', () => {
    expect(parseS3Url('s3://my-lake/healthtech/')).toEqual({ bucket: 'my-lake', prefix: 'healthtech' });
    expect(parseS3Url(' s3://my.lake//a//b ')).toEqual({ bucket: 'my.lake', prefix: 'a/b' });
    expect(parseS3Url('s3://lake')).toEqual({ bucket: 'lake', prefix: '' });
  });

  it('refuses what is not an S3 location, naming the setting', () => {
    expect(() => parseS3Url('https://lake/x')).toThrow(/s3_url must look like s3:\/\/bucket\/prefix/);
    expect(() => parseS3Url('s3://Bad_Bucket/x')).toThrow(/not a valid S3 bucket name/);
    expect(() => parseS3Url('s3://lake/a/../b')).toThrow(/"\." \/ "\.\." parts/);
  });

  it('builds keys and URLs under the prefix', () => {
    const location = parseS3Url('s3://lake/hx');
    expect(s3Key(location, 'run_id=4/_SUCCESS')).toBe('hx/run_id=4/_SUCCESS');
    expect(s3Url(location, 'run_id=4/')).toBe('s3://lake/hx/run_id=4/');
    expect(s3Key(parseS3Url('s3://lake'), 'current.json')).toBe('current.json');
  });
});
