/** The data point under the pointer, from recharts' tooltip props (null when none is active). */
export interface TipProps {
  active?: boolean | undefined;
  payload?: ReadonlyArray<{ payload?: unknown }> | undefined;
}

export function tipData<T>(props: TipProps): T | null {
  if (!props.active) return null;
  return (props.payload?.[0]?.payload as T | undefined) ?? null;
}
