/**
 * The load: plan (what would change against what is loaded now) → confirmation → run with
 * progress → outcome. Lives above the screens so a load keeps going, and keeps its result, when
 * the person looks at another screen meanwhile.
 */
import { useCallback, useRef, useState } from 'react';
import type { ErrorData, LoadOutcome, LoadPlan, LoadProgress } from '../../../shared/contract';
import { call, isCancelled, toErrorData, useEvent } from '../api';

export type LoadState =
  | { status: 'idle' }
  | { status: 'planning'; previewId: string }
  | { status: 'confirm'; plan: LoadPlan }
  | { status: 'running'; plan: LoadPlan; progress: LoadProgress | null; cancelling: boolean }
  | { status: 'succeeded'; plan: LoadPlan; outcome: LoadOutcome }
  | { status: 'cancelled'; plan: LoadPlan }
  | { status: 'failed'; stage: 'plan' | 'load'; error: ErrorData; plan: LoadPlan | null };

export interface LoadFlow {
  state: LoadState;
  plan(previewId: string): Promise<void>;
  confirm(): Promise<void>;
  dismiss(): void;
  cancel(): void;
}

export function useLoad(onLoaded: (outcome: LoadOutcome) => void): LoadFlow {
  const [state, setState] = useState<LoadState>({ status: 'idle' });
  const current = useRef<LoadState>(state);
  const frame = useRef<number | null>(null);
  const latestProgress = useRef<LoadProgress | null>(null);

  const update = useCallback((next: LoadState) => {
    current.current = next;
    setState(next);
  }, []);

  useEvent('load/progress', (progress) => {
    if (current.current.status !== 'running' || progress.step === 'plan') return;
    latestProgress.current = progress;
    frame.current ??= requestAnimationFrame(() => {
      frame.current = null;
      const now = current.current;
      if (now.status === 'running') update({ ...now, progress: latestProgress.current });
    });
  });

  const plan = useCallback(
    async (previewId: string) => {
      if (current.current.status === 'running' || current.current.status === 'planning') return;
      update({ status: 'planning', previewId });
      // The person may have closed the dialog meanwhile: then the answer is dropped.
      const stillWanted = () => current.current.status === 'planning';
      try {
        const result = await call('load/plan', { previewId });
        if (stillWanted()) update({ status: 'confirm', plan: result });
      } catch (error) {
        if (stillWanted()) update({ status: 'failed', stage: 'plan', error: toErrorData(error), plan: null });
      }
    },
    [update],
  );

  const confirm = useCallback(async () => {
    const now = current.current;
    if (now.status !== 'confirm') return;
    const { plan: chosen } = now;
    latestProgress.current = null;
    update({ status: 'running', plan: chosen, progress: null, cancelling: false });
    try {
      const outcome = await call('load/run', { previewId: chosen.previewId });
      update({ status: 'succeeded', plan: chosen, outcome });
      onLoaded(outcome);
    } catch (error) {
      update(isCancelled(error) ? { status: 'cancelled', plan: chosen } : { status: 'failed', stage: 'load', error: toErrorData(error), plan: chosen });
    }
  }, [update, onLoaded]);

  const dismiss = useCallback(() => {
    if (current.current.status === 'confirm' || current.current.status === 'planning') update({ status: 'idle' });
  }, [update]);

  const cancel = useCallback(() => {
    const now = current.current;
    if (now.status !== 'running' || now.cancelling) return;
    update({ ...now, cancelling: true });
    call('load/cancel', {}).catch(() => undefined);
  }, [update]);

  return { state, plan, confirm, dismiss, cancel };
}
