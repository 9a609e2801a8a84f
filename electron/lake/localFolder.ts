/** The export folder: checked before anything runs, written only through a temporary folder. */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ExportError } from '../etl/errors';

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exceeded',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a file of that name is in the way',
  ENAMETOOLONG: 'the path is too long',
};

export function folderError(dir: string, error: unknown, doing = 'write'): ExportError {
  const code = (error as NodeJS.ErrnoException)?.code ?? '';
  const reason = REASONS[code] ?? (error as Error)?.message ?? String(error);
  return new ExportError('export_folder_unwritable', `Cannot ${doing} the Parquet folder ${dir}: ${reason}. Choose another folder (--parquet_dir, or Settings).`, {
    setting: 'parquet_dir',
    path: dir,
    errno: code,
  });
}

/** Creates the folder if needed and proves a file can be written there; before any load or read. */
export async function checkFolderWritable(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    const probe = path.join(dir, `.healthtech-write-test-${randomBytes(4).toString('hex')}`);
    await writeFile(probe, '', { flag: 'wx' });
    await unlink(probe);
  } catch (error) {
    throw folderError(dir, error);
  }
}

/** Flushes a folder's entries to disk where the OS allows it (renames survive a power cut). */
export async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close().catch(() => undefined);
}

/**
 * Flushes files and folders to disk, several at a time: a run can hold thousands of small
 * partition files, and one fsync after another costs milliseconds each, while the file system
 * commits concurrent ones together. Files are opened for writing because Windows flushes only
 * handles that may write; folders as syncFolder does.
 */
export async function syncPaths(files: readonly string[], folders: readonly string[], concurrency = 16): Promise<void> {
  const work: (() => Promise<void>)[] = [
    ...files.map((file) => async () => {
      const handle = await open(file, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }),
    ...folders.map((folder) => () => syncFolder(folder)),
  ];
  let next = 0;
  const lane = async () => {
    while (next < work.length) {
      const job = work[next++] as () => Promise<void>;
      await job();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, work.length) }, lane));
}

/**
 * Moves a finished temporary folder to `finalDir`. A previous export of the same run is moved
 * aside first and removed after, so at every instant `finalDir` is either the old complete run or
 * the new complete one.
 */
export async function replaceFolder(tempDir: string, finalDir: string): Promise<void> {
  const aside = `${path.join(path.dirname(finalDir), `.${path.basename(finalDir)}.old-`)}${randomBytes(4).toString('hex')}`;
  const hadOld = await rename(finalDir, aside).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
  await rename(tempDir, finalDir);
  await syncFolder(path.dirname(finalDir));
  if (hadOld) await rm(aside, { recursive: true, force: true });
}

/** Writes a small file atomically (temporary name, then rename). */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const temp = `${file}.tmp-${randomBytes(4).toString('hex')}`;
  const handle = await open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
}
