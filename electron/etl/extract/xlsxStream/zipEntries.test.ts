import { mkdtemp, rm, truncate } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeZip } from '../../../../test/support/zipTools';
import { isEtlError } from '../../errors';
import { pumpEntry } from './zipEntries';

/** Bytes deflate cannot shrink, so the compressed part spans several of pumpEntry's 1 MiB reads. */
function noise(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

async function openEntries(file: string): Promise<{ zip: yauzl.ZipFile; entries: Map<string, yauzl.Entry> }> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true });
  const entries = new Map<string, yauzl.Entry>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.set(entry.fileName, entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });
  return { zip, entries };
}

async function pumped(zip: yauzl.ZipFile, entry: yauzl.Entry, file: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await pumpEntry(zip, entry, (chunk) => chunks.push(Buffer.from(chunk)), { file, maxBytes: 64 * 1024 ** 2 });
  return Buffer.concat(chunks);
}

describe('pumpEntry reads the stored bytes from the file in large pieces', () => {
  let dir: string;
  const parts = {
    deflated: Buffer.concat([noise(3 * 1024 * 1024 + 17, 1), Buffer.alloc(200_000, 0x41)]),
    stored: noise(2 * 1024 * 1024 + 5, 2),
    small: Buffer.from('<worksheet/>'),
    empty: Buffer.alloc(0),
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'zip-entries-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('parts larger than one read, compressed or stored, and small and empty ones, come out byte for byte', async () => {
    const file = path.join(dir, 'parts.zip');
    await writeZip(file, [
      { name: 'a/deflated.bin', data: parts.deflated, compress: true },
      { name: 'a/stored.bin', data: parts.stored, compress: false },
      { name: 'small.xml', data: parts.small },
      { name: 'empty.xml', data: parts.empty },
    ]);
    const { zip, entries } = await openEntries(file);
    try {
      expect((entries.get('a/deflated.bin') as yauzl.Entry).compressedSize).toBeGreaterThan(2 * 1024 * 1024);
      expect((await pumped(zip, entries.get('a/deflated.bin') as yauzl.Entry, file)).equals(parts.deflated)).toBe(true);
      expect((await pumped(zip, entries.get('a/stored.bin') as yauzl.Entry, file)).equals(parts.stored)).toBe(true);
      expect((await pumped(zip, entries.get('small.xml') as yauzl.Entry, file)).equals(parts.small)).toBe(true);
      expect((await pumped(zip, entries.get('empty.xml') as yauzl.Entry, file)).length).toBe(0);
    } finally {
      zip.close();
    }
  });

  it('a file cut short after it was opened is reported as damaged, never read as fewer bytes', async () => {
    for (const compress of [true, false]) {
      const file = path.join(dir, `cut-${compress}.zip`);
      await writeZip(file, [{ name: 'part.bin', data: parts.stored, compress }]);
      const { zip, entries } = await openEntries(file);
      try {
        // The central directory was read at open; the part's bytes are read only now.
        await truncate(file, 1024 * 1024 + 100);
        const error: unknown = await pumped(zip, entries.get('part.bin') as yauzl.Entry, file).then(
          () => null,
          (thrown: unknown) => thrown,
        );
        expect(isEtlError(error) && error.code).toBe('corrupt_workbook');
        expect((error as Error).message).toMatch(/cut-(true|false)\.zip: the part part\.bin is damaged/);
      } finally {
        zip.close();
      }
    }
  });
});
