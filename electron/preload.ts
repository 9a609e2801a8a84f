/**
 * The preload: one fixed object on window.healthtech, exactly the contract's bridge. Channel and
 * event names are checked against the fixed lists; dropped files become paths here (the renderer
 * never names a path itself); Node and Electron stay out of the page.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { BRIDGE_CHANNELS, EVENT_NAMES, type BridgeChannel, type EventName } from '../shared/channelNames';
import type { Bridge, Events, IdentifiedFile, Result } from '../shared/contract';

const channels = new Set<string>(BRIDGE_CHANNELS);
const events = new Set<string>(EVENT_NAMES);

const refuse = (what: string) => Promise.resolve({ ok: false as const, error: { kind: 'usage' as const, code: 'unknown_channel', message: `Not available: ${what}`, detail: {} } });

const invoke = ((channel: BridgeChannel, request: unknown) => {
  if (!channels.has(channel)) return refuse(String(channel));
  return ipcRenderer.invoke(channel, request);
}) as Bridge['invoke'];

const bridge = {
  invoke,
  identifyDropped(files: readonly File[]): Promise<Result<IdentifiedFile[]>> {
    const paths = Array.from(files, (file) => webUtils.getPathForFile(file)).filter((p) => p !== '');
    if (paths.length === 0) {
      return Promise.resolve({ ok: false, error: { kind: 'input', code: 'not_a_file', message: 'Drop workbook files from your computer (.xlsx).', detail: {} } });
    }
    return ipcRenderer.invoke('files/identify', { paths: paths.slice(0, 10) });
  },
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    if (!events.has(event)) throw new Error(`Not an event: ${String(event)}`);
    const wrapped = (_event: unknown, payload: Events[E]) => listener(payload);
    ipcRenderer.on(event, wrapped);
    return () => ipcRenderer.removeListener(event, wrapped);
  },
} satisfies Bridge;

contextBridge.exposeInMainWorld('healthtech', bridge);
