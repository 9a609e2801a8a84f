/**
 * The preview the analyst is looking at: read and cleaned in the ETL worker (progress as events,
 * cancellable), kept in the main process until replaced, and served a page at a time. Only files
 * the person picked or dropped (or the bundled samples) may be read.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { ParsedRequestOf, PreviewRows, PreviewSummary } from '../../shared/contract';
import { collectGarbage } from '../etl/collectGarbage';
import { CancelledError, UsageError } from '../etl/errors';
import type { Logger } from '../etl/logger';
import { prepareInWorker, type PreparedInWorker } from '../etl/worker/runInWorker';
import type { EventSink } from './platform';
import { PreviewRowsIndex } from './previewRows';

export interface Preview {
  id: string;
  prepared: PreparedInWorker;
  rows: PreviewRowsIndex;
}

export class PreviewSession {
  private current: Preview | undefined;
  private running: AbortController | undefined;
  /** Whether a run was started before: from then on a new run first frees what the last one left. */
  private ran = false;
  private readonly allowed = new Set<string>();

  constructor(
    private readonly emit: EventSink,
    private readonly logger: Logger,
  ) {}

  /** Files become readable once the person chose or dropped them. */
  allow(file: string): void {
    this.allowed.add(path.resolve(file));
  }

  async run(request: ParsedRequestOf<'preview/run'>): Promise<PreviewSummary> {
    for (const file of [request.doctors.path, request.appointments.path]) {
      if (!this.allowed.has(path.resolve(file))) {
        throw new UsageError('file_not_chosen', `${path.basename(file)} was not chosen in this session; drop it or pick it again.`, { setting: 'file' });
      }
    }
    this.running?.abort();
    // The screen leaves the previous preview as soon as a new one starts: let its rows go now, so
    // a re-run holds one preview at its peak, not two (a million-row preview is 95–180 MiB).
    this.current = undefined;
    // Its buffers live outside the JavaScript heap, which stays a few MiB: nothing made V8
    // collect before the new run's worker had allocated beside them, so the run peaked with
    // both, and the allocator kept the holes they left (settled RSS after the same preview again
    // climbed 271 → 426 → 496 MiB at a million rows). Collected now, their memory is reused by
    // the new run instead. (Also after a cancelled run: its result may have arrived meanwhile.)
    if (this.ran) collectGarbage();
    this.ran = true;
    const controller = new AbortController();
    this.running = controller;
    try {
      const prepared = await prepareInWorker(
        {
          doctors: { path: request.doctors.path, ...(request.doctors.sheet ? { sheet: request.doctors.sheet } : {}) },
          appointments: { path: request.appointments.path, ...(request.appointments.sheet ? { sheet: request.appointments.sheet } : {}) },
          dateOrder: request.dateOrder,
          suspiciousPolicy: request.suspiciousPolicy,
          ...(request.runDate ? { runDate: request.runDate } : {}),
        },
        { signal: controller.signal, logger: this.logger, onProgress: (progress) => this.emit('preview/progress', progress) },
      );
      if (controller.signal.aborted) throw new CancelledError();
      // One preview at a time: the previous one's rows are released here.
      this.current = { id: `p${randomBytes(8).toString('hex')}`, prepared, rows: new PreviewRowsIndex(prepared.lists, prepared.report.placeholders, prepared.fixes) };
      return summarise(this.current);
    } finally {
      if (this.running === controller) this.running = undefined;
    }
  }

  cancel(): boolean {
    if (!this.running) return false;
    this.running.abort();
    return true;
  }

  get(previewId: string): Preview {
    if (!this.current || this.current.id !== previewId) {
      throw new UsageError('preview_gone', 'That preview is no longer current; run the preview again.', { setting: 'preview' });
    }
    return this.current;
  }

  rows(request: ParsedRequestOf<'preview/rows'>): Promise<PreviewRows> {
    return this.get(request.previewId).rows.page(request.table, request.offset, request.limit, request.filter ?? {});
  }
}

export function summarise(preview: Preview): PreviewSummary {
  const { report, lists, fixes } = preview.prepared;
  const { rejectedByReason, ...rest } = report;
  const fixesByRule: PreviewSummary['fixesByRule'] = {};
  for (const group of report.fixGroups) fixesByRule[group.rule] = (fixesByRule[group.rule] ?? 0) + group.count;
  return {
    ...rest,
    previewId: preview.id,
    totals: {
      rejected: lists.rejectedCount,
      duplicates: rejectedByReason.duplicate ?? 0,
      fixes: fixes.size,
      suspicious: lists.suspiciousCount,
      placeholders: report.placeholders.length,
    },
    rejectedByReason: rejectedByReason as PreviewSummary['rejectedByReason'],
    fixesByRule,
  };
}
