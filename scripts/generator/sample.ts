/**
 * The bundled sample workbooks (`samples/`): a fixed seed, ~15 doctors and 250 appointment rows in
 * October 2025, with at least one example of every dirt kind that is on by default.
 */
import type { GenerateOptions } from './generateWorkbooks';

export const SAMPLE_SEED = 20251024;

export const SAMPLE_OPTIONS: Readonly<Omit<GenerateOptions, 'outDir'>> = Object.freeze({
  seed: SAMPLE_SEED,
  appointments: 250,
  doctors: 15,
  slashDateOrder: 'mdy',
  dateRange: { from: '2025-10-01', to: '2025-10-31' },
});
