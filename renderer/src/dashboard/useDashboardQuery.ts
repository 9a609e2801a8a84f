/**
 * One dashboard figure fetched for the current filter: the latest answer wins (an older request
 * that comes back late is dropped), the last data stays on screen while a new filter is computed,
 * and an error keeps its ErrorData for the message. `request: null` waits (no filter yet).
 *
 * The state object is the same between renders until it changes (so memoised cards skip renders
 * caused by other figures), and an arriving answer is rendered as a transition: React renders it
 * in slices, between which clicks and typing are handled, instead of one long task per chart.
 */
import { startTransition, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { BridgeChannel, ErrorData, RequestOf, ResponseOf } from '../../../shared/contract';
import { call, toErrorData } from '../api';

/** Answers asked for ahead of the component that shows them (prefetch), by channel, version and request. */
const early = new Map<string, Promise<unknown>>();
/** An early answer not taken within this time is dropped (its component asked for something else). */
const EARLY_MS = 30_000;
const earlyKey = (channel: string, version: number, key: string) => `${channel} ${version} ${key}`;

/**
 * Asks for a figure before the component that shows it is there: that component's first request
 * for the same channel, version and request takes this answer instead of asking again.
 */
export function prefetch<C extends BridgeChannel>(channel: C, request: RequestOf<C>, version: number): void {
  const key = earlyKey(channel, version, JSON.stringify(request));
  if (early.has(key)) return;
  const answer = call(channel, request);
  // Never left unhandled when nobody takes it; whoever takes it sees the rejection.
  answer.catch(() => undefined);
  early.set(key, answer);
  window.setTimeout(() => {
    if (early.get(key) === answer) early.delete(key);
  }, EARLY_MS);
}

function take<C extends BridgeChannel>(channel: C, version: number, key: string): Promise<ResponseOf<C>> | undefined {
  const id = earlyKey(channel, version, key);
  const answer = early.get(id);
  if (answer) early.delete(id);
  return answer as Promise<ResponseOf<C>> | undefined;
}

/**
 * Answers rendered one card at a time: each waits until the one before it was committed (its
 * effects ran, after the paint), so every card's first drawing and layout is a task of its own.
 * Answers arriving together (on opening at a million rows: the leaderboard, the trend, the
 * specialties and the segments within a few ms) were one render and commit of every card, a
 * 170 ms task; a card whose answer arrives alone is rendered at once as before.
 */
const turns: ((done: () => void) => void)[] = [];
let turnTaken = false;
/** A turn not handed on by then (its render never committed: the card left the screen) ends anyway. */
const TURN_MS = 250;

function inTurn(render: (done: () => void) => void): void {
  turns.push(render);
  if (!turnTaken) nextTurn();
}

function nextTurn(): void {
  const render = turns.shift();
  turnTaken = render !== undefined;
  if (!render) return;
  let over = false;
  const done = () => {
    if (over) return;
    over = true;
    window.clearTimeout(timer);
    // The next card in a task of its own, after this one's effects.
    window.setTimeout(nextTurn, 0);
  };
  const timer = window.setTimeout(done, TURN_MS);
  render(done);
}

export interface QueryState<T> {
  data: T | null;
  error: ErrorData | null;
  loading: boolean;
  retry: () => void;
}

/**
 * `urgent`: render the answer at once rather than as a transition. For the few figures that come
 * first (the context, the key figures): transitions share one lane, so a key figure rendered as
 * one would wait for the charts arriving with it.
 */
export function useDashboardQuery<C extends BridgeChannel>(
  channel: C,
  request: RequestOf<C> | null,
  version: number,
  urgent = false,
  /**
   * false holds the request back (the card shows its loading state): on opening, the key figures
   * go first, alone on the database and its connections, and the charts follow once they arrived.
   */
  go = true,
): QueryState<ResponseOf<C>> {
  const key = request === null ? null : JSON.stringify(request);
  // Which request (and data version) the state answers: a card whose request changed is loading
  // from the render that changed it, not only from the effect that sends it (effects of a deferred
  // render can run later, and meanwhile the previous figures showed as if they were the new ones).
  const asked = key === null ? null : `${version} ${key}`;
  const [state, setState] = useState<{ data: ResponseOf<C> | null; error: ErrorData | null; loading: boolean; answers: string | null }>({
    data: null,
    error: null,
    loading: request !== null,
    answers: null,
  });
  const [attempt, setAttempt] = useState(0);
  const sequence = useRef(0);
  /** Hands the turn on once this card's answer is on screen (see inTurn). */
  const rendered = useRef<(() => void) | null>(null);
  useEffect(() => {
    const done = rendered.current;
    rendered.current = null;
    done?.();
  }, [state]);

  useEffect(() => {
    if (key === null || !go) return undefined;
    const mine = ++sequence.current;
    setState((now) => ({ ...now, loading: true }));
    (take(channel, version, key) ?? call(channel, JSON.parse(key) as RequestOf<C>))
      .then((data) => {
        if (sequence.current !== mine) return;
        const answered = { data, error: null, loading: false, answers: `${version} ${key}` };
        if (urgent) setState(answered);
        else
          inTurn((done) => {
            if (sequence.current !== mine) {
              done();
              return;
            }
            rendered.current = done;
            startTransition(() => setState(answered));
          });
      })
      .catch((reason: unknown) => {
        if (sequence.current === mine) startTransition(() => setState((now) => ({ data: now.data, error: toErrorData(reason), loading: false, answers: `${version} ${key}` })));
      });
    return () => {
      // A newer request (or leaving the screen) makes this answer stale.
      if (sequence.current === mine) sequence.current++;
    };
  }, [channel, key, version, attempt, urgent, go]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  const { answers, ...shown } = state;
  const loading = shown.loading || (asked !== null && answers !== asked);
  return useMemo(() => ({ ...shown, loading, retry }), [shown.data, shown.error, loading, retry]);
}
