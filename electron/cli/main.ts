/**
 * `healthtech-etl` entry point: wires the real process (argv, env, streams, Ctrl-C) to runCli and
 * exits with its code. Ctrl-C cancels cleanly (the load rolls back); a second Ctrl-C exits at once.
 */
import path from 'node:path';
import { runCli } from './runCli';

declare const __APP_VERSION__: string | undefined;

const controller = new AbortController();
let interrupted = false;
const onSignal = (signal: NodeJS.Signals) => {
  if (interrupted) process.exit(130);
  interrupted = true;
  process.stderr.write(`\nhealthtech-etl: ${signal} received, cancelling (press Ctrl-C again to quit now)\n`);
  controller.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

// The bundle lives in dist/node/; the samples ship at the package root.
const packageRoot = path.resolve(__dirname, '..', '..');

runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  ...(process.stderr.isTTY ? { tty: process.stderr } : {}),
  cwd: process.cwd(),
  env: process.env,
  samplesDir: path.join(packageRoot, 'samples'),
  version: typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : 'dev',
  signal: controller.signal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`healthtech-etl: unexpected failure: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
