/**
 * A seeded mutation fuzzer over the inflated XML of real workbooks (the writer corpus and the
 * hand-edited variants). Each case mutates one part (bytes flipped, cut, repeated or spliced with
 * XML-ish fragments), re-zips it properly (so the zip is valid and the XML scanner is what gets
 * exercised), and reads every sheet in a worker thread with a time bound and a heap limit. Every
 * case must end in rows or a typed error (InputFileError) whose one-line message names the file;
 * never a hang, a crash, an untyped error or a blown heap.
 *
 * XLSX_FUZZ_CASES sets the number of cases (default 300), XLSX_FUZZ_SEED the seed (default 20251021).
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readZipEntries, writeZip } from '../support/zipTools';
import type { FuzzAnswer } from './fuzzWorker';

const CASES = Number(process.env.XLSX_FUZZ_CASES ?? 300);
const SEED = Number(process.env.XLSX_FUZZ_SEED ?? 20251021);
/** Per case; the machine is shared, so generous: a hang is minutes, not seconds. */
const CASE_TIMEOUT_MS = 20_000;
const HEAP_LIMIT_MB = 256;

const FRAGMENTS = [
  '<', '>', '&', '&amp;', '&#0;', '&#x1F600;', '&nbsp;', '<![CDATA[x]]>', '<!-- c -->', '<?pi x?>', '</row>', '<row>', '<row r="2">',
  '<c r="ZZ1"><v>1</v></c>', '<c t="s"><v>99999</v></c>', '<c t="q"><v>1</v></c>', '<c r="XFE1"><v>1</v></c>', '<f>A1</f>', '<v>abc</v>', '<v></v>',
  '<t xml:space="preserve"> </t>', '<t>_x000D_</t>', '_x005F_x000D_', '_x00', '<is><t>x</t></is>', '<x:c xmlns:x="urn:x"><x:v>7</x:v></x:c>', 'xmlns:y="urn:y"',
  '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice Requires="q">', '</mc:Choice></mc:AlternateContent>',
  ' s="99"', ' s="-1"', ' t="s"', ' t="str"', ' r="A0"', ' customFormat="1"', '"', "'", '\u00e9', '\uFFFD', '99999999999999999999999', '1e400', '\r\n',
];

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

function mutate(data: Buffer, next: () => number): { data: Buffer; what: string } {
  const at = Math.floor(next() * data.length);
  const span = 1 + Math.floor(next() * 40);
  switch (Math.floor(next() * 6)) {
    case 0: {
      const out = Buffer.from(data);
      const value = Math.floor(next() * 256);
      out[at] = value;
      return { data: out, what: `byte ${at} := ${value}` };
    }
    case 1:
      return { data: Buffer.concat([data.subarray(0, at), data.subarray(Math.min(data.length, at + span))]), what: `delete ${span} at ${at}` };
    case 2:
      return { data: Buffer.concat([data.subarray(0, at + span), data.subarray(at, Math.min(data.length, at + span)), data.subarray(at + span)]), what: `repeat ${span} at ${at}` };
    case 3: {
      const fragment = FRAGMENTS[Math.floor(next() * FRAGMENTS.length)] as string;
      return { data: Buffer.concat([data.subarray(0, at), Buffer.from(fragment, 'utf8'), data.subarray(at)]), what: `insert ${JSON.stringify(fragment)} at ${at}` };
    }
    case 4: {
      // Splice at a tag boundary: the mutation most likely to stay well-formed and reach the reader's rules.
      const lt = data.indexOf(0x3c, at);
      const where = lt === -1 ? at : lt;
      const fragment = FRAGMENTS[Math.floor(next() * FRAGMENTS.length)] as string;
      return { data: Buffer.concat([data.subarray(0, where), Buffer.from(fragment, 'utf8'), data.subarray(where)]), what: `insert ${JSON.stringify(fragment)} before the tag at ${where}` };
    }
    default:
      return { data: data.subarray(0, at), what: `cut at ${at}` };
  }
}

let dir: string;
let workerFile: string;
let worker: Worker | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'xlsx-fuzz-'));
  workerFile = path.join(dir, 'fuzzWorker.cjs');
  await build({ entryPoints: [path.join(__dirname, 'fuzzWorker.ts')], outfile: workerFile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
});
afterAll(async () => {
  await worker?.terminate();
  await rm(dir, { recursive: true, force: true });
});

function freshWorker(): Worker {
  return new Worker(workerFile, { resourceLimits: { maxOldGenerationSizeMb: HEAP_LIMIT_MB, maxYoungGenerationSizeMb: 32 } });
}

/** Reads `file` in the worker: its answer, or what went wrong with the worker itself. */
function readInWorker(file: string): Promise<FuzzAnswer | { ok: false; typed: false; name: 'hang' | 'worker died'; code: string; message: string }> {
  worker ??= freshWorker();
  const current = worker;
  return new Promise((resolve) => {
    const done = (answer: Parameters<typeof resolve>[0], restart: boolean) => {
      clearTimeout(timer);
      current.off('message', onMessage);
      current.off('error', onError);
      if (restart) {
        void current.terminate();
        worker = undefined;
      }
      resolve(answer);
    };
    const onMessage = (answer: FuzzAnswer) => done(answer, false);
    const onError = (error: Error) => done({ ok: false, typed: false, name: 'worker died', code: (error as NodeJS.ErrnoException).code ?? '', message: error.message }, true);
    const timer = setTimeout(() => done({ ok: false, typed: false, name: 'hang', code: '', message: `no answer within ${CASE_TIMEOUT_MS} ms` }, true), CASE_TIMEOUT_MS);
    current.on('message', onMessage);
    current.on('error', onError);
    current.postMessage(file);
  });
}

async function bases(): Promise<string[]> {
  const fixtures = path.join(__dirname, '..', 'fixtures');
  const writers = (await readdir(path.join(fixtures, 'writers'))).filter((f) => f.endsWith('.xlsx')).map((f) => path.join(fixtures, 'writers', f));
  const variants = (await readdir(path.join(fixtures, 'variants'))).filter((f) => f.endsWith('.xlsx')).map((f) => path.join(fixtures, 'variants', f));
  return [...writers, ...variants];
}

describe(`mutation fuzzer (${CASES} cases, seed ${SEED})`, () => {
  it('every mutated workbook ends in rows or a typed one-line error naming the file, within the time and memory bounds', async () => {
    const next = random(SEED);
    const files = await bases();
    const outcomes = { rows: 0, errors: 0 };
    const codes = new Map<string, number>();
    for (let i = 0; i < CASES; i++) {
      const base = files[Math.floor(next() * files.length)] as string;
      const parts = await readZipEntries(base);
      const xmlParts = [...parts.keys()].filter((name) => /\.(xml|rels)$/.test(name) && !name.startsWith('docProps/') && !name.includes('theme'));
      const part = xmlParts[Math.floor(next() * xmlParts.length)] as string;
      let data = parts.get(part) as Buffer;
      const steps: string[] = [];
      for (let m = 0, count = 1 + Math.floor(next() * 3); m < count; m++) {
        const mutation = mutate(data, next);
        data = mutation.data;
        steps.push(mutation.what);
      }
      parts.set(part, data);
      const file = path.join(dir, `case-${i}.xlsx`);
      await writeZip(file, [...parts].map(([name, bytes]) => ({ name, data: bytes })));
      const answer = await readInWorker(file);
      const label = `case ${i} (seed ${SEED}): ${path.basename(base)}, ${part}: ${steps.join('; ')}`;
      if (answer.ok) {
        outcomes.rows++;
      } else {
        outcomes.errors++;
        codes.set(answer.code, (codes.get(answer.code) ?? 0) + 1);
        expect(answer.typed, `${label}: ${answer.name}: ${answer.message}`).toBe(true);
        expect(answer.name, label).toBe('InputFileError');
        expect(answer.message, label).toContain(`case-${i}.xlsx`);
        expect(answer.message, label).not.toMatch(/[\r\n]/);
        expect(answer.message.length, label).toBeLessThan(600);
      }
      await rm(file, { force: true });
    }
    // Some mutations must survive to the reader's rules and some must be refused, or the fuzzer tests nothing.
    expect(outcomes.rows, JSON.stringify(outcomes)).toBeGreaterThan(CASES / 20);
    expect(outcomes.errors, JSON.stringify(outcomes)).toBeGreaterThan(CASES / 20);
    process.stdout.write(`fuzz: ${CASES} cases, ${outcomes.rows} read, ${outcomes.errors} refused (${[...codes].map(([c, n]) => `${c} ${n}`).join(', ')})\n`);
  }, 600_000);
});
