/**
 * A load in a process of its own, as another app or the CLI would run it: it prepares the files,
 * loads them, says on stdout when it reaches a chosen point, and then freezes there (as a hung or
 * dying app would) until the test kills it — or, with `hold: false`, carries on to the end.
 * The points: mid-COPY of the appointments, mid-way through the index builds, the start of the
 * swap, and after the commit (the replaced tables not yet dropped). At the swap it never freezes:
 * the swap and its commit are one message to the server, so there is no moment inside it where
 * the client could hang; the test kills it while the server works on (or waits in) the swap.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { build } from 'esbuild';

export type FreezePoint = 'mid-copy' | 'mid-index' | 'swap' | 'after-commit';

export const CHUNK_ROWS = 10_000;

/** Builds the loader script (once per test file) into `dir`. */
export async function buildLoader(dir: string): Promise<string> {
  const script = path.join(dir, 'loader.cjs');
  await build({
    stdin: {
      contents: `
        import { writeSync } from 'node:fs';
        import { createPool, serverLabel } from './electron/db/connection';
        import { loadRun } from './electron/db/load';
        import { prepareRun } from './electron/etl/prepareRun';
        const url = process.env.LOADER_DB_URL as string; // not in argv, where ps would show the password
        const point = process.env.LOADER_FREEZE_AT as string;
        const hold = process.env.LOADER_HOLD !== 'false';
        const [doctors, appointments, runDate] = process.argv.slice(2) as [string, string, string];
        const reached = (p: { step: string; rows: number; total: number }) =>
          point === 'mid-copy' ? p.step === 'copy_appointments' && p.rows >= ${CHUNK_ROWS} && p.rows < p.total
          : point === 'mid-index' ? p.step === 'index' && p.rows === 2
          : point === 'swap' ? p.step === 'swap'
          : point === 'after-commit' ? p.step === 'finish'
          : false;
        let said = false;
        (async () => {
          const run = await prepareRun({ doctors: { path: doctors }, appointments: { path: appointments }, runDate });
          const pool = createPool(url);
          const result = await loadRun({ pool, label: serverLabel(url) }, run, {
            schema: 'healthtech',
            source: 'cli',
            onProgress: (p) => {
              if (said || !reached(p)) return;
              said = true;
              writeSync(1, point + '\\n'); // synchronous: the line is out before the thread stops
              if (hold && point !== 'swap') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // frozen until killed
            },
          });
          process.stdout.write('finished ' + result.runId + '\\n');
          await pool.end();
        })().catch((error) => { process.stdout.write('failed ' + String(error) + '\\n'); process.exit(1); });
      `,
      resolveDir: path.resolve(__dirname, '..', '..'),
      loader: 'ts',
      sourcefile: 'loader.ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['pg-native'],
    outfile: script,
    logLevel: 'silent',
  });
  return script;
}

export interface LoaderProcess {
  child: ChildProcess;
  /** Resolves with the first line the loader prints (the freeze point, or "finished …"/"failed …"). */
  firstLine: Promise<string>;
  /** Resolves with every line once the process has exited, and the signal that ended it. */
  exited: Promise<{ signal: NodeJS.Signals | null; lines: string[] }>;
  kill(): Promise<NodeJS.Signals | null>;
}

export function startLoader(
  script: string,
  files: { doctorsPath: string; appointmentsPath: string },
  options: { url: string; runDate: string; freezeAt: FreezePoint; hold?: boolean },
): LoaderProcess {
  const child = spawn(process.execPath, [script, files.doctorsPath, files.appointmentsPath, options.runDate], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, LOADER_DB_URL: options.url, LOADER_FREEZE_AT: options.freezeAt, LOADER_HOLD: options.hold === false ? 'false' : 'true' },
  });
  const lines: string[] = [];
  let first: (line: string) => void = () => undefined;
  const firstLine = new Promise<string>((resolve) => (first = resolve));
  readline.createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    lines.push(line);
    if (lines.length === 1) first(line);
  });
  const exited = new Promise<{ signal: NodeJS.Signals | null; lines: string[] }>((resolve) =>
    child.once('exit', (_code, signal) => {
      first(lines[0] ?? `exited ${String(signal ?? _code)}`);
      resolve({ signal, lines });
    }),
  );
  return {
    child,
    firstLine,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return (await exited).signal;
    },
  };
}
