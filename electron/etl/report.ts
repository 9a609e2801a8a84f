/**
 * The preview report: everything the cleaning decided, as one plain value that exists before any
 * write. The CLI prints it, the app shows it, the load checks against it, and tests compare it.
 * Its types live in shared/domain.ts so the renderer shares them.
 */
import type { FileCounts } from './types';

export type { DateOrderReport, FileCounts, FileReport, PreviewReport, RunCounts, SuspiciousDate } from './types';

export function reconciles(counts: FileCounts): boolean {
  return counts.read === counts.kept + counts.rejected + counts.repeatedHeaders + counts.blankRows;
}
