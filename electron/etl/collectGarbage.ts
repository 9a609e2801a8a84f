/**
 * A full collection on demand, for the few places where a large amount of memory has just become
 * unreachable and would otherwise be held until V8 had its own reason to collect (a heap of a few
 * MiB gives it none for a long while, whatever the ArrayBuffers outside it hold).
 * Safe: the flag only puts `gc` on the globals of contexts created afterwards (the one below), not
 * on the thread's own; `--expose-gc` cannot be given to a worker alone (a Worker's execArgv takes
 * no V8 options), nor to the packaged app's main process.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
