/**
 * Generated workbooks, cached per seed, row count and generator version in
 * `<cacheDir>/<seed>-<rows>/` (a million rows take ~25 s to generate; the bench measures the
 * pipeline, not the generator).
 *
 * The generator version is a fingerprint of its source files and of the exceljs version that writes
 * the bytes: editing the generator invalidates the cache without anyone bumping a number. A folder
 * is only used when its manifest matches and both files have the recorded sizes; a new one is
 * written beside it and renamed into place, so an interrupted generation never leaves a half file
 * that looks cached.
 *
 * Generation runs in a child process (the same bundle, see bench.ts), so its garbage and heap
 * growth never show up in the pipeline's memory figures.
 */
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Bump when the manifest layout or what is cached changes. */
const CACHE_FORMAT = 1;
const MANIFEST = 'manifest.json';
const DOCTORS_FILE = 'doctors.xlsx';
const APPOINTMENTS_FILE = 'appointments.xlsx';

export interface GenerateRequest {
  seed: number;
  rows: number;
  outDir: string;
}

/** What the child reports back (a summary of the generator's stats). */
export interface GenerateResult {
  doctorsPath: string;
  appointmentsPath: string;
  doctorRows: number;
  appointmentRows: number;
  ms: number;
}

export interface CachedWorkbooks {
  dir: string;
  doctorsPath: string;
  appointmentsPath: string;
  doctorsBytes: number;
  appointmentsBytes: number;
  /** Data rows below the header, as the generator wrote them. */
  doctorRows: number;
  appointmentRows: number;
  /** True when an existing folder was used; `generationMs` is then the time recorded when it was made. */
  reused: boolean;
  generationMs: number;
  generator: string;
}

interface Manifest {
  format: number;
  generator: string;
  seed: number;
  rows: number;
  generationMs: number;
  createdAt: string;
  doctorRows: number;
  appointmentRows: number;
  files: { doctors: { name: string; bytes: number }; appointments: { name: string; bytes: number } };
}

/**
 * SHA-256 over the generator's non-test sources and the installed exceljs version. Without the
 * sources (a bundle copied elsewhere) the cache still works, keyed as 'sources-unavailable'.
 */
export function generatorFingerprint(projectRoot: string): string {
  const hash = createHash('sha256');
  const dir = path.join(projectRoot, 'scripts', 'generator');
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
      .sort();
  } catch {
    return 'sources-unavailable';
  }
  if (files.length === 0) return 'sources-unavailable';
  for (const name of files) {
    hash.update(`${name}\u0000`);
    hash.update(readFileSync(path.join(dir, name)));
    hash.update('\u0000');
  }
  try {
    const exceljs = JSON.parse(readFileSync(path.join(projectRoot, 'node_modules', 'exceljs', 'package.json'), 'utf8')) as { version?: string };
    hash.update(`exceljs@${exceljs.version ?? '?'}`);
  } catch {
    hash.update('exceljs@?');
  }
  return hash.digest('hex').slice(0, 16);
}

export function cacheFolder(cacheDir: string, seed: number, rows: number): string {
  return path.join(cacheDir, `${seed}-${rows}`);
}

export async function obtainWorkbooks(
  options: { cacheDir: string; seed: number; rows: number; projectRoot: string; entryScript: string },
  log: (line: string) => void,
): Promise<CachedWorkbooks> {
  const generator = generatorFingerprint(options.projectRoot);
  const dir = cacheFolder(options.cacheDir, options.seed, options.rows);
  const cached = await readValidManifest(dir, generator, options.seed, options.rows);
  if (cached) return describe(dir, cached, true);

  await mkdir(options.cacheDir, { recursive: true });
  const staging = `${dir}.tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  log(`generating ${options.rows.toLocaleString('en-US')} appointment rows (seed ${options.seed}) in ${dir} …`);
  try {
    const result = await generateInChild(options.entryScript, { seed: options.seed, rows: options.rows, outDir: staging });
    const manifest: Manifest = {
      format: CACHE_FORMAT,
      generator,
      seed: options.seed,
      rows: options.rows,
      generationMs: result.ms,
      createdAt: new Date().toISOString(),
      doctorRows: result.doctorRows,
      appointmentRows: result.appointmentRows,
      files: {
        doctors: { name: DOCTORS_FILE, bytes: (await stat(path.join(staging, DOCTORS_FILE))).size },
        appointments: { name: APPOINTMENTS_FILE, bytes: (await stat(path.join(staging, APPOINTMENTS_FILE))).size },
      },
    };
    await writeFile(path.join(staging, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
    return describe(dir, manifest, false);
  } catch (error) {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
}

async function readValidManifest(dir: string, generator: string, seed: number, rows: number): Promise<Manifest | undefined> {
  const file = path.join(dir, MANIFEST);
  if (!existsSync(file)) return undefined;
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(file, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
  if (manifest.format !== CACHE_FORMAT || manifest.generator !== generator || manifest.seed !== seed || manifest.rows !== rows) return undefined;
  for (const entry of [manifest.files.doctors, manifest.files.appointments]) {
    try {
      if ((await stat(path.join(dir, entry.name))).size !== entry.bytes) return undefined;
    } catch {
      return undefined;
    }
  }
  return manifest;
}

function describe(dir: string, manifest: Manifest, reused: boolean): CachedWorkbooks {
  return {
    dir,
    doctorsPath: path.join(dir, manifest.files.doctors.name),
    appointmentsPath: path.join(dir, manifest.files.appointments.name),
    doctorsBytes: manifest.files.doctors.bytes,
    appointmentsBytes: manifest.files.appointments.bytes,
    doctorRows: manifest.doctorRows,
    appointmentRows: manifest.appointmentRows,
    reused,
    generationMs: manifest.generationMs,
    generator: manifest.generator,
  };
}

/** Marker argument that makes the bench bundle act as the generator child (see bench.ts). */
export const GENERATE_CHILD_FLAG = '--internal-generate-child';

function generateInChild(entryScript: string, request: GenerateRequest): Promise<GenerateResult> {
  return new Promise((resolve, reject) => {
    // No inherited execArgv: a --cpu-prof or --inspect of the bench must not apply to the generator.
    const child = fork(entryScript, [GENERATE_CHILD_FLAG, JSON.stringify(request)], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: GenerateResult | undefined;
    child.on('message', (message) => {
      result = message as GenerateResult;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0 && result) resolve(result);
      else reject(new Error(`workbook generation failed (exit ${code ?? signal ?? '?'})`));
    });
  });
}
