/**
 * A real S3-compatible server for the tests (s3rver, from npm), on 127.0.0.1 and a free port, with
 * its files in a temporary folder; and a proxy in front of it that can break connections after a
 * number of uploads, to fault an export midway. Everything listens on loopback only and is closed
 * by the test that started it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/** s3rver accepts these keys (it checks signatures): the tests set them as the AWS chain's environment. */
export const S3RVER_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };

/**
 * An AWS environment that reaches nothing outside this machine: the keys given (or none), no
 * profile files, and the instance-metadata lookup off (it would otherwise ask 169.254.169.254).
 */
export function awsEnv(keys: Record<string, string> | null): Record<string, string | undefined> {
  return {
    AWS_ACCESS_KEY_ID: keys?.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: keys?.AWS_SECRET_ACCESS_KEY,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: undefined,
    AWS_ENDPOINT_URL_S3: undefined,
    AWS_CONFIG_FILE: path.join(os.tmpdir(), 'healthtech-no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(os.tmpdir(), 'healthtech-no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
    AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** Applies an environment to this process (for in-process exports); returns a function restoring it. */
export function useEnv(env: Record<string, string | undefined>): () => void {
  const before = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(env);
  return () => apply(before);
}

export interface S3Server {
  endpoint: string;
  client: S3Client;
  /** Keys under a prefix, sorted. */
  keys(bucket: string, prefix?: string): Promise<string[]>;
  text(bucket: string, key: string): Promise<string>;
  bytes(bucket: string, key: string): Promise<Buffer>;
  close(): Promise<void>;
}

export async function startS3Server(buckets: string[]): Promise<S3Server> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'healthtech-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const bytes = async (bucket: string, key: string) => {
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
  };
  return {
    endpoint,
    client,
    async keys(bucket, prefix = '') {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
        keys.push(...(page.Contents ?? []).map((c) => c.Key as string));
        token = page.NextContinuationToken;
      } while (token);
      return keys.sort();
    },
    bytes,
    text: async (bucket, key) => (await bytes(bucket, key)).toString('utf8'),
    async close() {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

export interface FaultyProxy {
  endpoint: string;
  /** PUT requests that reached the store. */
  puts(): number;
  /** Every request that reached the store, as `METHOD /path?query`. */
  requests(): string[];
  close(): Promise<void>;
}

/** Forwards to `target` (recording the requests), but after `okPuts` uploads cuts every further upload's connection. */
export async function startFaultyProxy(target: string, okPuts: number): Promise<FaultyProxy> {
  const upstream = new URL(target);
  let puts = 0;
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    if (req.method === 'PUT' || req.method === 'POST') {
      if (puts >= okPuts) {
        req.socket.destroy();
        return;
      }
      puts += 1;
    }
    requests.push(`${req.method} ${req.url}`);
    const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    puts: () => puts,
    requests: () => [...requests],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
