/**
 * The data-lake export: run with progress → outcome. Lives above the screens, like the load, so
 * an export keeps its progress and its result when the person opens Settings or the dashboard
 * meanwhile, and coming back never offers to start a second one while the first still runs.
 */
import { useCallback, useRef, useState } from 'react';
import type { ErrorData, LakeExportOutcome, LakeProgress } from '../../../shared/contract';
import { call, isCancelled, toErrorData, useEvent } from '../api';

export type LakeExportState =
  | { status: 'idle' }
  | { status: 'running'; progress: LakeProgress | null; cancelling: boolean }
  | { status: 'done'; outcome: LakeExportOutcome }
  | { status: 'cancelled' }
  | { status: 'failed'; error: ErrorData };

export interface LakeExportFlow {
  state: LakeExportState;
  start(): Promise<void>;
  cancel(): void;
}

export function useLakeExport(): LakeExportFlow {
  const [state, setState] = useState<LakeExportState>({ status: 'idle' });
  const current = useRef<LakeExportState>(state);
  const frame = useRef<number | null>(null);
  const latestProgress = useRef<LakeProgress | null>(null);

  const update = useCallback((next: LakeExportState) => {
    current.current = next;
    setState(next);
  }, []);

  // At most one render per frame, however often the worker reports.
  useEvent('lake/progress', (progress) => {
    if (current.current.status !== 'running') return;
    latestProgress.current = progress;
    frame.current ??= requestAnimationFrame(() => {
      frame.current = null;
      const now = current.current;
      if (now.status === 'running') update({ ...now, progress: latestProgress.current });
    });
  });

  const start = useCallback(async () => {
    if (current.current.status === 'running') return;
    latestProgress.current = null;
    update({ status: 'running', progress: null, cancelling: false });
    try {
      update({ status: 'done', outcome: await call('lake/export', {}) });
    } catch (error) {
      update(isCancelled(error) ? { status: 'cancelled' } : { status: 'failed', error: toErrorData(error) });
    }
  }, [update]);

  const cancel = useCallback(() => {
    const now = current.current;
    if (now.status !== 'running' || now.cancelling) return;
    update({ ...now, cancelling: true });
    void call('lake/cancel', {}).catch(() => undefined);
  }, [update]);

  return { state, start, cancel };
}
