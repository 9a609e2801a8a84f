/**
 * Flags of `npm run bench`. Pure: no file system, no process, so the rules (defaults, the guard that
 * keeps the bench away from the CLI's database folder) are unit-tested.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';

export const BENCH_USAGE = `Usage: npm run bench -- --rows N [options]
Measures the real pipeline (read, clean, load, answers) on generated dirty workbooks of N
appointment rows, against the embedded PostgreSQL in a data folder of its own.

  --rows N          appointment rows below the header (required; 1000000, 1_000_000, 100k and 1m all work)
  --seed S          generator seed (default 1); workbooks are cached per seed, rows and generator version
  --runs R          repeat the pipeline R times (not the generation) and report min/median/max (default 1)
  --keep            keep the loaded tables in the bench database afterwards (default: drop the bench schema)
  --json            print one JSON object on stdout instead of the table (progress goes to stderr)
  --data-dir DIR    bench database folder (default .healthtech/bench/pg; never the CLI's)
  --cache-dir DIR   where generated workbooks are cached (default .healthtech/bench)
  --reload-over M   before each run, load a different data set of M rows (seed S+1), then measure
                    the run's load as a reload over it, with a reader counting the tables every
                    20 ms on a session of its own: how long reads wait, and what each one saw
  --profile         record a CPU profile of the runs (.cpuprofile in <cache-dir>/profiles) and print
                    the top self-time functions per phase (the profiler slows the run a little)
  -h, --help        this text
`;

export interface BenchOptions {
  rows: number;
  seed: number;
  runs: number;
  keep: boolean;
  json: boolean;
  profile: boolean;
  /** Rows of the data set each run reloads over (with the reader probe); undefined: no probe. */
  reloadOver: number | undefined;
  /** Resolved. */
  dataDir: string;
  /** Resolved. */
  cacheDir: string;
}

export type BenchRequest = { kind: 'help' } | { kind: 'run'; options: BenchOptions };

export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

/** `1000000`, `1_000_000`, `1,000,000`, `100k`, `1m` → a non-negative integer; anything else → null. */
export function parseCount(text: string): number | null {
  const match = /^(\d+(?:[_,]\d{3})*)([km])?$/i.exec(text.trim());
  if (!match) return null;
  const base = Number((match[1] as string).replace(/[_,]/g, ''));
  const scale = match[2] === undefined ? 1 : match[2].toLowerCase() === 'k' ? 1_000 : 1_000_000;
  const value = base * scale;
  return Number.isSafeInteger(value) ? value : null;
}

/**
 * @param cliDataDirs the folders the CLI would use for its own database (its default and
 *   HEALTHTECH_DATA_DIR): the bench empties and drops tables, so it must never point there.
 */
export function parseBenchArgs(argv: readonly string[], cwd: string, cliDataDirs: readonly string[]): BenchRequest {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        rows: { type: 'string' },
        seed: { type: 'string' },
        runs: { type: 'string' },
        keep: { type: 'boolean' },
        json: { type: 'boolean' },
        profile: { type: 'boolean' },
        'reload-over': { type: 'string' },
        'data-dir': { type: 'string' },
        'cache-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (error) {
    throw new BenchUsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) return { kind: 'help' };

  const count = (name: string, min: number, fallback?: number): number => {
    const text = values[name];
    if (text === undefined) {
      if (fallback === undefined) throw new BenchUsageError(`--${name} is required`);
      return fallback;
    }
    const value = parseCount(String(text));
    if (value === null || value < min) throw new BenchUsageError(`--${name} needs an integer ≥ ${min}, got "${String(text)}"`);
    return value;
  };
  const rows = count('rows', 1);
  const seed = count('seed', 0, 1);
  const runs = count('runs', 1, 1);
  const reloadOver = values['reload-over'] === undefined ? undefined : count('reload-over', 1);

  const dataDir = path.resolve(cwd, (values['data-dir'] as string | undefined) ?? path.join('.healthtech', 'bench', 'pg'));
  const cacheDir = path.resolve(cwd, (values['cache-dir'] as string | undefined) ?? path.join('.healthtech', 'bench'));
  for (const cliDir of cliDataDirs) {
    const resolved = path.resolve(cwd, cliDir);
    if (isSameOrInside(dataDir, resolved) || isSameOrInside(resolved, dataDir)) {
      throw new BenchUsageError(`--data-dir ${dataDir} overlaps the CLI's database folder ${resolved}; the bench needs a folder of its own`);
    }
  }
  if (isSameOrInside(dataDir, cacheDir) && dataDir !== path.join(cacheDir, 'pg')) {
    // Only the default layout (<cache>/pg) may share a parent: a cache folder named like the
    // database would be regenerated over it.
    const name = path.relative(cacheDir, dataDir).split(path.sep)[0] ?? '';
    if (/^\d+-\d+$/.test(name) || name === 'profiles') throw new BenchUsageError(`--data-dir ${dataDir} collides with the workbook cache in ${cacheDir}`);
  }

  return {
    kind: 'run',
    options: {
      rows,
      seed,
      runs,
      keep: values.keep === true,
      json: values.json === true,
      profile: values.profile === true,
      reloadOver,
      dataDir,
      cacheDir,
    },
  };
}

function isSameOrInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
