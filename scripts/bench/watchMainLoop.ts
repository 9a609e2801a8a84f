import { mainThreadCpuNs } from './mainThreadCpu';

export interface LoopBlock {
  /** The longest lateness of the 5 ms timer (wall): on a loaded machine mostly the wait for a core. */
  blockMs: number;
  /** The main thread's CPU within the longest gap between ticks: the block itself. Process CPU where the thread's clock is missing. */
  blockCpuMs: number;
}

/**
 * Watches this process's event loop with a 5 ms timer until stopped. `onTick` runs on every tick
 * (bench:preview samples RSS there). Used by `bench:preview` and the large-preview end-to-end spec,
 * so both report a block the same way.
 */
export function watchMainLoop(onTick?: () => void): { stop(): LoopBlock } {
  let longest = 0;
  let longestCpu = 0;
  let expected = performance.now() + 5;
  let threadNs = mainThreadCpuNs();
  let cpu = process.cpuUsage();
  let timer: NodeJS.Timeout;
  const gapCpu = () => {
    if (threadNs !== undefined) {
      const now = mainThreadCpuNs() as number;
      const used = (now - threadNs) / 1e6;
      threadNs = now;
      return used;
    }
    const used = process.cpuUsage(cpu);
    cpu = process.cpuUsage();
    return (used.user + used.system) / 1000;
  };
  const tick = () => {
    const now = performance.now();
    longest = Math.max(longest, now - expected);
    longestCpu = Math.max(longestCpu, gapCpu());
    onTick?.();
    expected = now + 5;
    timer = setTimeout(tick, 5);
  };
  timer = setTimeout(tick, 5);
  return {
    stop() {
      clearTimeout(timer);
      longest = Math.max(longest, performance.now() - expected);
      longestCpu = Math.max(longestCpu, gapCpu());
      return { blockMs: Math.round(longest), blockCpuMs: Math.round(longestCpu) };
    },
  };
}
