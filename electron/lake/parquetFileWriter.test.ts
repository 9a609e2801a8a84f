import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LakeColumn } from './columns';
import { ParquetFileWriter } from './parquetFileWriter';
import { WriteBehind } from './writeBehind';

const COLUMNS: LakeColumn[] = [
  { name: 'booking_id', kind: 'int64', required: true, pgType: 'bigint', select: 'booking_id' },
  { name: 'booking_date', kind: 'date', required: true, pgType: 'date', select: 'booking_date' },
  { name: 'status', kind: 'text', required: true, pgType: 'text', select: 'status' },
  { name: 'source_row', kind: 'int32', required: false, pgType: 'integer', select: 'source_row' },
];
const OPTIONS = { metadata: { 'healthtech.run_id': '7' }, createdBy: 'test' };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'parquet-file-writer-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeRows(file: string, rows: number, behind: WriteBehind, groups: { rowGroupRows?: number; rowGroupMemory?: number } = {}) {
  const writer = await ParquetFileWriter.create(file, COLUMNS, { ...OPTIONS, ...groups }, behind);
  for (let i = 0; i < rows; i++) {
    const groupWritten = writer.add([String(9_007_199_254_740_993n + BigInt(i)), String(20_000 + (i % 40)), i % 3 ? 'confirmed' : 'cancelled', i % 5 ? String(i + 2) : null]);
    if (groupWritten) await groupWritten;
  }
  return writer.finish();
}

describe('ParquetFileWriter', () => {
  it('writes the bytes it hashed, in its folders, whether the file is one small write or many row groups', async () => {
    const behind = new WriteBehind(2);
    const small = path.join(dir, 'appointments', 'year=2399', 'month=1', 'part-00000.parquet');
    const large = path.join(dir, 'appointments', 'year=2025', 'month=10', 'part-00000.parquet');
    const smallWritten = await writeRows(small, 3, behind);
    // Three row groups of some 0.7 MB each (2.2 MB): two writes of gathered chunks, the encoder one batch ahead.
    const largeWritten = await writeRows(large, 300_000, behind, { rowGroupRows: 100_000 });
    await behind.drain();
    for (const [file, written] of [
      [small, smallWritten],
      [large, largeWritten],
    ] as const) {
      const bytes = await readFile(file);
      expect({ bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }).toEqual({ bytes: written.bytes, sha256: written.sha256 });
      expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
      expect(bytes.subarray(-4).toString()).toBe('PAR1');
    }
    expect(smallWritten).toMatchObject({ rows: 3, rowGroups: 1 });
    expect(largeWritten).toMatchObject({ rows: 300_000, rowGroups: 3 });
  });

  it('ends a row group early when its decoded values would take more memory than allowed', async () => {
    const behind = new WriteBehind();
    // About 60 bytes per row decoded (two numbers, a date, a short text, a nullable number).
    const written = await writeRows(path.join(dir, 'rejected_rows', 'part-00000.parquet'), 1000, behind, { rowGroupMemory: 12_000 });
    await behind.drain();
    expect(written.rows).toBe(1000);
    expect(written.rowGroups).toBeGreaterThanOrEqual(4);
    expect(written.rowGroups).toBeLessThanOrEqual(6);
  });

  it('reports a file that cannot be created through the write-behind, after the encoder moved on', async () => {
    const blocker = path.join(dir, 'a-file');
    await writeFile(blocker, 'not a folder');
    const behind = new WriteBehind();
    await writeRows(path.join(blocker, 'month=1', 'part-00000.parquet'), 2, behind);
    await expect(behind.drain()).rejects.toMatchObject({ code: 'ENOTDIR' });
  });
});
