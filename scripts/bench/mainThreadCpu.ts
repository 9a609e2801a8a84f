import { readFileSync } from 'node:fs';

/**
 * CPU time of this process's main thread alone, in ns (Linux: the first field of its schedstat),
 * so a block of the event loop is measured without the worker's, the collector helpers' or the
 * machine's other load; undefined elsewhere (callers then fall back to the process's CPU time).
 * Used by `bench:preview` and the large-preview end-to-end spec.
 */
export function mainThreadCpuNs(): number | undefined {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return undefined;
  }
}
