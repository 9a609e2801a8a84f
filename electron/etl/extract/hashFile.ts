import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Worker } from 'node:worker_threads';

/**
 * SHA-256 of a file, streamed; recorded in etl_runs so a run can be traced to the exact files.
 * Hashed on a thread of its own: on the reading thread, hashing a 37 MB workbook took ~0.2 s of
 * the read's CPU (the appointments read is one JS thread and the run waits for it, CPU profile of
 * the CLI at a million rows), while the machine's other core mostly waits. The thread costs more
 * CPU in all (its start, ~0.1 s) but not on the read's path. Its code is a few lines of Node's own
 * modules, given as text so it needs no bundle of its own.
 */
export async function hashFile(file: string): Promise<string> {
  let worker: Worker;
  try {
    worker = new Worker(HASH_THREAD, { eval: true, workerData: file });
  } catch {
    return hashHere(file);
  }
  return new Promise<string>((resolve, reject) => {
    worker.once('message', (message: { sha256?: string; error?: string }) => {
      if (message.sha256 !== undefined) resolve(message.sha256);
      else reject(new Error(message.error ?? 'hashing failed'));
    });
    worker.once('error', reject);
    worker.once('exit', () => reject(new Error('the hashing thread stopped')));
  });
}

/** The same hash on the calling thread. */
async function hashHere(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const HASH_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { createReadStream } = require('node:fs');
(async () => {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(workerData, { highWaterMark: 1024 * 1024 })) hash.update(chunk);
  parentPort.postMessage({ sha256: hash.digest('hex') });
})().catch((error) => parentPort.postMessage({ error: String(error && error.message) }));
`;
