/**
 * Builds hostile and broken .xlsx files for tests: repacks a real workbook with parts replaced,
 * added or removed (yauzl to read, yazl to write), or writes arbitrary zips.
 */
import { writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import yauzl from 'yauzl';
import yazl from 'yazl';

export async function readZipEntries(file: string): Promise<Map<string, Buffer>> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false });
  const entries = new Map<string, Buffer>();
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        zip
          .openReadStreamPromise(entry)
          .then(async (stream) => {
            const chunks: Buffer[] = [];
            for await (const chunk of stream) chunks.push(chunk as Buffer);
            if (!entry.fileName.endsWith('/')) entries.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          })
          .catch(reject);
      });
      zip.on('end', () => resolve());
      zip.on('error', reject);
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  return entries;
}

export type ZipPart = { name: string; data: Buffer | string; compress?: boolean };

export async function writeZip(file: string, parts: ZipPart[]): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const part of parts) {
    zip.addBuffer(typeof part.data === 'string' ? Buffer.from(part.data) : part.data, part.name, { compress: part.compress ?? true });
  }
  zip.end();
  const out = createWriteStream(file);
  zip.outputStream.pipe(out);
  await once(out, 'finish');
}

/** Repacks `source` into `target`, replacing or adding parts (null removes a part). */
export async function repackXlsx(source: string, target: string, changes: Record<string, Buffer | string | null>, order?: (names: string[]) => string[]): Promise<void> {
  const entries = await readZipEntries(source);
  for (const [name, data] of Object.entries(changes)) {
    if (data === null) entries.delete(name);
    else entries.set(name, typeof data === 'string' ? Buffer.from(data) : data);
  }
  const names = order ? order([...entries.keys()]) : [...entries.keys()];
  await writeZip(
    target,
    names.map((name) => ({ name, data: entries.get(name) as Buffer })),
  );
}

export async function writeBytes(file: string, data: Buffer | string): Promise<void> {
  await writeFile(file, data);
}
