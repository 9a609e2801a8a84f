/**
 * The test bridge's window.healthtech: the same Bridge interface the Electron preload exposes,
 * carried over HTTP to the bridge server, which runs the very same handler table. Dropped files
 * are uploaded (a browser has no file paths) and then identified through `files/identify`, just
 * as the preload does with the paths Electron gives it. Every call carries the token the bridge
 * put in the page.
 */
import type { Bridge, Events, IdentifiedFile, Result } from '../../shared/contract';
import type { EventName } from '../../shared/channelNames';

/** This start's token, which the bridge put in the page it served (see server.ts). */
const token = document.querySelector<HTMLMetaElement>('meta[name="healthtech-bridge-token"]')?.content ?? '';

const listeners = new Map<string, Set<(payload: unknown) => void>>();
const source = new EventSource(`/__events?token=${encodeURIComponent(token)}`);
source.onmessage = (message: MessageEvent<string>) => {
  const { event, payload } = JSON.parse(message.data) as { event: string; payload: unknown };
  for (const listener of listeners.get(event) ?? []) listener(payload);
};

async function post<T>(url: string, body: BodyInit, type: string): Promise<T> {
  const response = await fetch(url, { method: 'POST', body, headers: { 'Content-Type': type, 'X-Bridge-Token': token } });
  return (await response.json()) as T;
}

const bridge: Bridge = {
  invoke: ((channel: string, request: unknown) => post(`/__invoke/${channel}`, JSON.stringify(request ?? {}), 'application/json')) as Bridge['invoke'],
  async identifyDropped(files: readonly File[]): Promise<Result<IdentifiedFile[]>> {
    const paths: string[] = [];
    for (const file of files) {
      const { path } = await post<{ path: string }>(`/__upload?name=${encodeURIComponent(file.name)}`, file, 'application/octet-stream');
      paths.push(path);
    }
    return post(`/__invoke/files/identify`, JSON.stringify({ paths }), 'application/json');
  },
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    const wrapped = listener as (payload: unknown) => void;
    set.add(wrapped);
    return () => set.delete(wrapped);
  },
};

window.healthtech = bridge;
