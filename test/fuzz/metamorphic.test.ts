/**
 * Metamorphic tests: rewrites that do not change what a workbook means (pretty-printing, namespace
 * prefixes, attribute order and quotes, CDATA, character references, UTF-16, stored instead of
 * deflated entries, any chunking) must give exactly the same rows, sheet by sheet, for every file
 * of the writer corpus. Seeded; XLSX_METAMORPHIC_CASES raises the number of combined rewrites.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectWorkbook } from '../../electron/etl/extract/inspectWorkbook';
import { readWorksheet, type WorksheetReadOptions } from '../../electron/etl/extract/xlsxStream/readWorksheet';
import type { RawCell } from '../../electron/etl/types';
import { asUtf16, characterReferences, prefixElements, prettyPrint, reorderAttributes, textAsCdata } from '../support/xmlRewrites';
import { readZipEntries, writeZip } from '../support/zipTools';

const WRITERS = ['exceljs', 'sheetjs', 'openpyxl', 'xlsxwriter', 'libreoffice'];
const FILES = WRITERS.flatMap((w) => ['doctors', 'appointments'].map((k) => path.join(__dirname, '..', 'fixtures', 'writers', `${w}-${k}.xlsx`)));
const CASES = Number(process.env.XLSX_METAMORPHIC_CASES ?? 40);

type Rewrite = (xml: string) => string | Buffer;
const REWRITES: Record<string, Rewrite> = {
  pretty: prettyPrint,
  prefix: (xml) => prefixElements(xml),
  attributes: (xml) => reorderAttributes(xml, false),
  quotes: (xml) => reorderAttributes(xml, true),
  cdata: textAsCdata,
  references: (xml) => characterReferences(xml, 3),
  utf16: (xml) => asUtf16(xml),
  utf16be: (xml) => asUtf16(xml, true),
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'xlsx-metamorphic-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Rows = Record<string, [number, RawCell[]][]>;

async function allRows(file: string, options: WorksheetReadOptions = {}): Promise<Rows> {
  const out: Rows = {};
  for (const { name } of (await inspectWorkbook(file)).sheets) {
    const rows: [number, RawCell[]][] = [];
    await readWorksheet(file, (row, cells) => rows.push([row, cells]), { ...options, sheet: name });
    out[name] = rows;
  }
  return out;
}

let counter = 0;
/** `file` with `rewrites` applied, in order, to every XML part; entries stored when `stored`. */
async function rewritten(file: string, rewrites: string[], stored: boolean): Promise<string> {
  const parts = await readZipEntries(file);
  const target = path.join(dir, `${++counter}-${path.basename(file)}`);
  await writeZip(
    target,
    [...parts].map(([name, data]) => {
      if (!/\.(xml|rels)$/.test(name)) return { name, data, compress: !stored };
      let xml: string | Buffer = data.toString('utf8');
      for (const rewrite of rewrites) {
        if (typeof xml !== 'string') break;
        // Prefixes only make sense for SpreadsheetML parts; the rest keep their default namespace.
        xml = (REWRITES[rewrite] as Rewrite)(xml);
      }
      return { name, data: typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml, compress: !stored };
    }),
  );
  return target;
}

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('rewrites that keep the meaning keep the rows', () => {
  for (const name of Object.keys(REWRITES)) {
    it(`${name}, on every file of the writer corpus`, async () => {
      for (const file of FILES) {
        const expected = await allRows(file);
        expect(await allRows(await rewritten(file, [name], false)), `${name}: ${path.basename(file)}`).toEqual(expected);
      }
    });
  }

  it('stored instead of deflated entries, read in tiny chunks', async () => {
    for (const file of FILES) {
      const expected = await allRows(file);
      expect(await allRows(await rewritten(file, [], true), { inflateChunkBytes: 64, maxSinkBytes: 7 }), path.basename(file)).toEqual(expected);
    }
  });

  it(`${CASES} seeded combinations (seed ${process.env.XLSX_METAMORPHIC_SEED ?? 7})`, async () => {
    const next = random(Number(process.env.XLSX_METAMORPHIC_SEED ?? 7));
    const names = Object.keys(REWRITES).filter((n) => !n.startsWith('utf16'));
    for (let i = 0; i < CASES; i++) {
      const file = FILES[Math.floor(next() * FILES.length)] as string;
      const chosen = names.filter(() => next() < 0.5);
      if (next() < 0.3) chosen.push(next() < 0.5 ? 'utf16' : 'utf16be');
      const stored = next() < 0.3;
      const chunk = next() < 0.3 ? { inflateChunkBytes: 64, maxSinkBytes: 1 + Math.floor(next() * 40) } : {};
      const expected = await allRows(file);
      expect(await allRows(await rewritten(file, chosen, stored), chunk), `case ${i}: ${path.basename(file)} with ${chosen.join('+') || 'nothing'}${stored ? ', stored' : ''}`).toEqual(expected);
    }
  });
});
