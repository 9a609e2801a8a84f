/**
 * The exceljs oracle on a workbook whose first sheet it skips: exceljs spools each sheet that
 * precedes sharedStrings.xml to a temp file and deletes the file as soon as the caller moves past
 * the sheet. Here every open of such a file is held back, as on a busy machine, so the deletion
 * always comes first: the skipped sheet's stream then fails with ENOENT, which used to surface as
 * an uncaught exception in whichever test was running (seen in the differential reader tests).
 */
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorkbooks } from '../../scripts/generator/generateWorkbooks';
import { readSheetWithExceljs } from './readSheetWithExceljs';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'oracle-spool-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the exceljs oracle', () => {
  it('skips a spooled sheet whose temp file is gone before its stream opens, and reads the sheet asked for', async () => {
    const { appointmentsPath } = await generateWorkbooks({ seed: 4, appointments: 300, doctors: 10, extraSheetsFirst: true, outDir: dir });
    const open = fs.open;
    const spoolOpens: string[] = [];
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    // Reads of exceljs's spool files (tmp-<pid>-…) wait 50 ms before opening.
    (fs as { open: unknown }).open = (file: fs.PathLike, ...rest: unknown[]) => {
      const name = String(file);
      const spooled = path.basename(name).startsWith(`tmp-${process.pid}-`) && rest[0] === 'r';
      if (spooled) spoolOpens.push(name);
      const go = () => (open as (...args: unknown[]) => void)(file, ...rest);
      if (spooled) setTimeout(go, 50);
      else go();
    };
    try {
      let rows = 0;
      const info = await readSheetWithExceljs(appointmentsPath, () => rows++, { sheet: 'Appointments' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(info.sheet).toBe('Appointments');
      expect(rows).toBeGreaterThan(250);
      // Both sheets were spooled and opened late (the README sheet skipped, then the one read).
      expect(spoolOpens.length).toBe(2);
      expect(uncaught).toEqual([]);
    } finally {
      (fs as { open: unknown }).open = open;
      process.off('uncaughtException', onUncaught);
    }
  });
});
