/**
 * The sheet reader reads the usual cell shapes in one pass (SheetRowsHandler.fastElement) and
 * leaves everything else to the generic scanner path. These tests hold the two to the same
 * answer: on every workbook of the fixture corpus and on generated ones, at every chunking, and
 * on seeded mutations aimed at cells (attributes, white space, entities, CDATA, prefixes,
 * namespace declarations, xml:space, formulas, cuts), the rows — or the error — must be identical
 * with the fast path on and off.
 *
 * XLSX_FAST_CELL_CASES sets the number of mutation cases (default 200), XLSX_FUZZ_SEED the seed.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectWorkbook } from '../../electron/etl/extract/inspectWorkbook';
import { readSheet } from '../../electron/etl/extract/readSheet';
import type { WorksheetReadOptions } from '../../electron/etl/extract/xlsxStream/readWorksheet';
import type { RawCell } from '../../electron/etl/types';
import { generateWorkbooks } from '../../scripts/generator/generateWorkbooks';
import { createRandom } from '../../scripts/generator/random';
import { readZipEntries, writeZip } from '../support/zipTools';

const CASES = Number(process.env.XLSX_FAST_CELL_CASES ?? 200);
const SEED = Number(process.env.XLSX_FUZZ_SEED ?? 20251021);

let dir: string;
const files: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'fast-cells-'));
  const fixtures = path.join(__dirname, '..', 'fixtures');
  for (const folder of ['writers', 'variants']) {
    for (const name of await readdir(path.join(fixtures, folder))) if (name.endsWith('.xlsx')) files.push(path.join(fixtures, folder, name));
  }
  const generated = await generateWorkbooks({ seed: 11, appointments: 1500, doctors: 30, outDir: path.join(dir, 'generated') });
  files.push(generated.doctorsPath, generated.appointmentsPath, 'samples/doctors.xlsx', 'samples/appointments.xlsx');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Outcome = { rows: [number, RawCell[]][] } | { error: string };

async function readAll(file: string, options: WorksheetReadOptions): Promise<Outcome> {
  const rows: [number, RawCell[]][] = [];
  try {
    for (const { name } of (await inspectWorkbook(file)).sheets) {
      await readSheet(file, (row, cells) => void rows.push([row, cells]), { ...options, sheet: name });
    }
    return { rows };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

/** Both paths, same options otherwise: the outcomes must be equal. */
async function expectSame(file: string, options: WorksheetReadOptions, label: string): Promise<Outcome> {
  const fast = await readAll(file, options);
  const generic = await readAll(file, { ...options, genericCells: true });
  expect(fast, label).toEqual(generic);
  return fast;
}

describe('the one-pass cell reader and the generic scanner agree', () => {
  it('on every workbook of the corpus and generated ones, whole and at small chunk sizes', async () => {
    for (const file of files) {
      const whole = await expectSame(file, {}, path.basename(file));
      expect('rows' in whole, path.basename(file)).toBe(true);
      for (const inflateChunkBytes of [64, 331]) {
        await expectSame(file, { inflateChunkBytes, maxSinkBytes: inflateChunkBytes === 64 ? 7 : 97 }, `${path.basename(file)} in ${inflateChunkBytes}-byte chunks`);
      }
    }
  }, 600_000);

  it(`on seeded mutations aimed at cells (${CASES} cases, seed ${SEED})`, async () => {
    const stream = createRandom(SEED);
    const next = () => stream.next();
    const sheets = await sheetParts();
    const outcomes = { rows: 0, errors: 0 };
    for (let i = 0; i < CASES; i++) {
      const { file, part, parts } = sheets[Math.floor(next() * sheets.length)] as (typeof sheets)[number];
      let data = parts.get(part) as Buffer;
      const steps: string[] = [];
      for (let m = 0, count = 1 + Math.floor(next() * 3); m < count; m++) {
        const mutation = mutateCell(data, next);
        data = mutation.data;
        steps.push(mutation.what);
      }
      const copy = new Map(parts);
      copy.set(part, data);
      const out = path.join(dir, `case-${i}.xlsx`);
      await writeZip(out, [...copy].map(([name, bytes]) => ({ name, data: bytes })));
      const label = `case ${i} (seed ${SEED}): ${path.basename(file)}, ${part}: ${steps.join('; ')}`;
      const chunking = next() < 0.3 ? { inflateChunkBytes: 64, maxSinkBytes: 1 + Math.floor(next() * 40) } : {};
      const outcome = await expectSame(out, chunking, label);
      if ('rows' in outcome) outcomes.rows++;
      else outcomes.errors++;
      await rm(out, { force: true });
    }
    // Both kinds of outcome must occur, or the mutations test nothing.
    expect(outcomes.rows, JSON.stringify(outcomes)).toBeGreaterThan(CASES / 10);
    expect(outcomes.errors, JSON.stringify(outcomes)).toBeGreaterThan(CASES / 20);
  }, 600_000);
});

async function sheetParts(): Promise<{ file: string; part: string; parts: Map<string, Buffer> }[]> {
  const found: { file: string; part: string; parts: Map<string, Buffer> }[] = [];
  for (const file of files) {
    const parts = await readZipEntries(file);
    for (const part of parts.keys()) {
      // Big generated sheets make slow cases; the corpus's sheets hold every shape already.
      if (/^xl\/worksheets\/.*\.xml$/.test(part) && (parts.get(part) as Buffer).length < 400_000) found.push({ file, part, parts });
    }
  }
  return found;
}

/** Mutations at or inside a `<c` element, where the two paths could part ways. */
const INSIDE_TAG = [' t="s"', ' t="str"', ' t="inlineStr"', ' t="n"', ' t="b"', ' t="e"', ' t="d"', ' s="1"', ' s="0"', ' r="B1"', ' r="A0"', " r='C9'", ' x="&amp;"', ' r="A&#49;"',
  ' xmlns="urn:other"', ' xmlns:a="urn:a"', ' a:b="c"', '\t', '\n', '  ', ' cm="1"', ' vm="1"', ' ph="1"', ' x="<"', ' =""', ' r=A1'];
const AFTER_TAG = ['<v>1</v>', '<v>abc</v>', '<v></v>', '<v/>', '<v xml:space="preserve"> 2 </v>', '<f>A1</f>', '<f/>', '<is><t>x</t></is>', '<is><t xml:space="preserve"> y </t></is>',
  '<is><t xml:space="default"> y </t></is>', '<is><t xml:space="bogus">y</t></is>', '<is><r><t>a</t></r><r><t>b</t></r></is>', '<is><t>_x000D_</t></is>', ' ', '\n  ', '<!-- c -->',
  '<![CDATA[7]]>', '<x:v xmlns:x="urn:x">7</x:v>', '<extLst/>', '</c>', '<c>', '&amp;', '&#x41;', '\r\n'];

function mutateCell(data: Buffer, next: () => number): { data: Buffer; what: string } {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T;
  const starts: number[] = [];
  for (let at = data.indexOf('<c'); at !== -1 && starts.length < 5000; at = data.indexOf('<c', at + 2)) starts.push(at);
  if (starts.length === 0) return { data: data.subarray(0, Math.floor(next() * data.length)), what: 'cut (no cells)' };
  const cell = pick(starts);
  const tagEnd = data.indexOf('>', cell);
  const cellEnd = data.indexOf('</c>', cell);
  switch (Math.floor(next() * 8)) {
    case 0: {
      const fragment = pick(INSIDE_TAG);
      const at = data[tagEnd - 1] === 0x2f ? tagEnd - 1 : tagEnd;
      return { data: splice(data, at, 0, fragment), what: `${JSON.stringify(fragment)} in the tag at ${cell}` };
    }
    case 1: {
      const fragment = pick(AFTER_TAG);
      return { data: splice(data, tagEnd + 1, 0, fragment), what: `${JSON.stringify(fragment)} after the tag at ${cell}` };
    }
    case 2: {
      if (cellEnd === -1) return { data, what: 'nothing' };
      const fragment = pick(AFTER_TAG);
      return { data: splice(data, cellEnd, 0, fragment), what: `${JSON.stringify(fragment)} before </c> at ${cellEnd}` };
    }
    case 3: {
      // Replace the cell's type and content (a type that fits the content, or not).
      if (cellEnd === -1 || cellEnd < tagEnd || data[tagEnd - 1] === 0x2f) return { data, what: 'nothing' };
      const fragment = pick(AFTER_TAG);
      const type = pick(['inlineStr', 'inlineStr', 's', 'str', 'n', 'b', 'e', 'd', '']);
      const tag = data.toString('latin1', cell, tagEnd).replace(/\st=("[^"]*"|'[^']*')/, '');
      const retyped = `${tag}${type ? ` t="${type}"` : ''}>${fragment}`;
      return { data: splice(data, cell, cellEnd - cell, retyped), what: `cell := ${JSON.stringify(retyped)} at ${cell}` };
    }
    case 4: {
      // A byte inside the cell flipped to something XML cares about.
      const at = cell + Math.floor(next() * Math.max(1, (cellEnd === -1 ? tagEnd : cellEnd + 4) - cell));
      const value = pick([0x20, 0x3c, 0x3e, 0x2f, 0x22, 0x27, 0x26, 0x3d, 0x3a, 0x0a, 0x41, 0x76, 0x63]);
      const out = Buffer.from(data);
      out[at] = value;
      return { data: out, what: `byte ${at} := ${value}` };
    }
    case 6:
    case 5: {
      if (next() < 0.5) {
        const fragment = pick(AFTER_TAG);
        return { data: splice(data, tagEnd + 1, 0, fragment), what: `${JSON.stringify(fragment)} after the tag at ${cell}` };
      }
      // A prefix on the cell's element names.
      const bound = data.indexOf('xmlns="') !== -1;
      return bound && cellEnd !== -1
        ? { data: splice(splice(data, cellEnd + 2, 0, 'x:'), cell + 1, 0, 'x:'), what: `x:c (unbound prefix) at ${cell}` }
        : { data: data.subarray(0, cell + 3), what: `cut at ${cell + 3}` };
    }
    case 7: {
      // Cut inside or just after the cell.
      const at = cell + Math.floor(next() * 40);
      return { data: data.subarray(0, at), what: `cut at ${at}` };
    }
    default:
      return { data, what: 'nothing' };
  }
}

function splice(data: Buffer, at: number, remove: number, text: string): Buffer {
  return Buffer.concat([data.subarray(0, at), Buffer.from(text, 'utf8'), data.subarray(at + remove)]);
}
