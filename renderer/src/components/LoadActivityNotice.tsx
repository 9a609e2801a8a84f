/**
 * Says that a newer load is under way (from this app, another one or the command line) and that
 * what is shown is still the run loaded before; the screen reads again by itself once it commits.
 */
import type { LoadActivity } from '../../../shared/contract';
import { formatTimestamp } from '../format';
import { SpinnerIcon } from './Icons';

export function LoadActivityNotice({ activity }: { activity: LoadActivity | null }) {
  const running = activity?.running;
  if (!activity || !running) return null;
  const from = running.source === 'cli' ? 'the command line' : 'the app';
  return (
    <p className="notice notice-info" role="status" data-testid="newer-load" data-run-id={running.runId}>
      <SpinnerIcon />
      <span>
        A newer load is in progress (run {running.runId}, from {from}, started {formatTimestamp(running.startedAt)}).{' '}
        {activity.liveRunId !== null ? `This shows run ${activity.liveRunId} until it commits, then refreshes by itself.` : 'This fills in by itself once it commits.'}
      </span>
    </p>
  );
}
