/** Round axis ticks for counts (and rates on a second axis). */

/** The smallest round whole step (1, 2, 2.5 or 5 times a power of ten) that covers `max` in `n` steps. */
function niceStep(max: number, n: number): number {
  const rough = Math.max(1, max) / n;
  const power = 10 ** Math.floor(Math.log10(rough));
  for (const m of [1, 2, 2.5, 3, 5, 10]) {
    const step = m * power;
    if (step >= rough && Number.isInteger(step)) return step;
  }
  return 10 * power;
}

/**
 * Ticks for the two value axes with the same number of steps, so the grid lines (drawn for the
 * counts) also fall on round rates: 4 or 5 steps, whichever wastes less room above the tallest bar.
 */
export function axisTicks(maxCount: number, maxRate: number): { counts: number[]; rates: number[] } {
  const options = [4, 5].map((n) => {
    const step = niceStep(maxCount, n);
    const rateStep = [0.05, 0.1, 0.2, 0.25].find((r) => r * n >= maxRate - 1e-9 && r * n <= 1 + 1e-9) ?? 1 / n;
    return { n, top: step * n, step, rateStep };
  });
  const best = options.reduce((a, b) => (b.top < a.top ? b : a));
  const steps = Array.from({ length: best.n + 1 }, (_, i) => i);
  return { counts: steps.map((i) => i * best.step), rates: steps.map((i) => Math.round(i * best.rateStep * 1000) / 1000) };
}

/** Ticks from 0 to a round count at least `max`, in 4 or 5 round steps. */
export function countTicks(max: number): number[] {
  return axisTicks(max, 0).counts;
}

/**
 * The category ticks labelled on a time axis of `periods`: every k-th period, counted back from
 * the last, so that each label has `labelPx` of the `plotPx` wide plot, chosen without measuring
 * any label in the DOM (recharts, which drew the chart before, did: a forced layout per label,
 * ~250 ms for a few hundred periods).
 */
export function periodTicks(periods: readonly string[], plotPx: number, labelPx = 90): string[] {
  const room = Math.max(2, Math.floor(plotPx / labelPx));
  const every = Math.max(1, Math.ceil(periods.length / room));
  const last = periods.length - 1;
  return periods.filter((_, i) => (last - i) % every === 0);
}
