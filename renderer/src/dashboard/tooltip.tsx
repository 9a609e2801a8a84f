import { formatCount } from '../format';
import { formatRate } from './format';

/** The data point under the pointer, from recharts' tooltip props (null when none is active). */
export interface TipProps {
  active?: boolean | undefined;
  payload?: ReadonlyArray<{ payload?: unknown }> | undefined;
}

export function tipData<T>(props: TipProps): T | null {
  if (!props.active) return null;
  return (props.payload?.[0]?.payload as T | undefined) ?? null;
}

/** A bar's bookings by status and its cancellation rate, as a tooltip lists them. */
export function StatusFigures({ figures }: { figures: { confirmed: number; cancelled: number; cancellationRate: number } }) {
  return (
    <dl className="dash-tooltip-figures">
      <dt>Confirmed</dt>
      <dd>{formatCount(figures.confirmed)}</dd>
      <dt>Cancelled</dt>
      <dd>{formatCount(figures.cancelled)}</dd>
      <dt>Cancellation rate</dt>
      <dd>{formatRate(figures.cancellationRate)}</dd>
    </dl>
  );
}
