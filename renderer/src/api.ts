/**
 * The renderer's only way to the main process: `window.healthtech` (the preload's fixed bridge,
 * or the test bridge), typed by shared/contract. `call` answers the value or throws an AppError
 * that carries the ErrorData: show `message` to people, use `kind`/`code` for logic.
 */
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { Bridge, BridgeChannel, ErrorData, EventName, Events, IdentifiedFile, RequestOf, ResponseOf, Result } from '../../shared/contract';

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly data: ErrorData;

  constructor(data: ErrorData) {
    super(data.message);
    this.data = data;
  }

  get code(): string {
    return this.data.code;
  }

  get kind(): ErrorData['kind'] {
    return this.data.kind;
  }
}

export function getBridge(): Bridge | undefined {
  return window.healthtech;
}

function requireBridge(): Bridge {
  const bridge = window.healthtech;
  if (!bridge) throw new AppError({ kind: 'internal', code: 'no_bridge', message: 'The app’s connection to its background process is missing.', detail: {} });
  return bridge;
}

/** Any thrown value as ErrorData (a failed transport, a bug), so screens only ever show `message`. */
export function toErrorData(error: unknown): ErrorData {
  if (error instanceof AppError) return error.data;
  const message = error instanceof Error && error.message ? error.message : 'Something went wrong.';
  return { kind: 'internal', code: 'unexpected', message, detail: {} };
}

function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new AppError(result.error);
  return result.value;
}

export async function call<C extends BridgeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  let result: Result<ResponseOf<C>>;
  try {
    result = await requireBridge().invoke(channel, request);
  } catch (error) {
    throw new AppError(toErrorData(error));
  }
  return unwrap(result);
}

/** Dropped files: the bridge (never the renderer) finds their paths and identifies them. */
export async function identifyDropped(files: readonly File[]): Promise<IdentifiedFile[]> {
  let result: Result<IdentifiedFile[]>;
  try {
    result = await requireBridge().identifyDropped(files);
  } catch (error) {
    throw new AppError(toErrorData(error));
  }
  return unwrap(result);
}

export function isCancelled(error: unknown): boolean {
  return error instanceof AppError && error.kind === 'cancelled';
}

/** Subscribes to a main → renderer event for the component's lifetime; the latest handler is used. */
export function useEvent<E extends EventName>(event: E, handler: (payload: Events[E]) => void): void {
  const latest = useRef(handler);
  useLayoutEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    const bridge = getBridge();
    if (!bridge) return undefined;
    return bridge.on(event, (payload) => latest.current(payload));
  }, [event]);
}
