/**
 * The preload, run against the in-memory Electron stand-in: it exposes one fixed object, passes on
 * only the contract's bridge channels, never lets the page name a path for `files/identify`, and
 * subscribes only to the contract's events.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { BRIDGE_CHANNELS, EVENT_NAMES } from '../shared/channelNames';
import type { Bridge } from '../shared/contract';
import { createFakeElectron, type FakeElectron } from '../test/support/fakeElectron';

let fake: FakeElectron;
let bridge: Bridge;

beforeAll(async () => {
  vi.resetModules();
  fake = createFakeElectron({ isPackaged: true, paths: {}, appPath: '/' });
  vi.doMock('electron', () => fake.module);
  await import('./preload');
  vi.doUnmock('electron');
  bridge = fake.record.exposed.get('healthtech') as Bridge;
});

describe('the preload', () => {
  it('exposes exactly one object, window.healthtech, with invoke, identifyDropped and on', () => {
    expect([...fake.record.exposed.keys()]).toEqual(['healthtech']);
    expect(Object.keys(bridge).sort()).toEqual(['identifyDropped', 'invoke', 'on']);
  });

  it('passes on the bridge channels and refuses anything else without reaching main', async () => {
    for (const channel of BRIDGE_CHANNELS) {
      fake.record.rendererInvokes.length = 0;
      await bridge.invoke(channel, {} as never);
      expect(fake.record.rendererInvokes).toEqual([{ channel, request: {} }]);
    }
    fake.record.rendererInvokes.length = 0;
    for (const channel of ['files/identify', 'fs/readFile', '__proto__', 'settings/get\u0000']) {
      const result = await bridge.invoke(channel as never, { paths: ['/etc/passwd'] } as never);
      expect(result, channel).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    }
    expect(fake.record.rendererInvokes).toEqual([]);
  });

  it('turns dropped File objects into paths itself (at most ten), never taking a path from the page', async () => {
    const files = Array.from({ length: 12 }, (_, i) => ({ path: `/home/analyst/book${i}.xlsx`, name: `book${i}.xlsx` })) as unknown as File[];
    fake.record.rendererInvokes.length = 0;
    await bridge.identifyDropped(files);
    expect(fake.record.rendererInvokes).toEqual([{ channel: 'files/identify', request: { paths: files.slice(0, 10).map((f) => (f as unknown as { path: string }).path) } }]);
    fake.record.rendererInvokes.length = 0;
    const notFiles = await bridge.identifyDropped([{ name: 'x' }] as unknown as File[]);
    expect(notFiles).toMatchObject({ ok: false, error: { code: 'not_a_file' } });
    expect(fake.record.rendererInvokes).toEqual([]);
  });

  it('subscribes to the contract events only, and unsubscribes', () => {
    const ipcRenderer = fake.module.ipcRenderer;
    for (const name of EVENT_NAMES) {
      const seen: unknown[] = [];
      const off = bridge.on(name, (payload) => seen.push(payload));
      ipcRenderer.emit(name, {}, { n: 1 });
      off();
      ipcRenderer.emit(name, {}, { n: 2 });
      expect(seen, name).toEqual([{ n: 1 }]);
    }
    expect(() => bridge.on('app/info' as never, () => undefined)).toThrow(/Not an event/);
    expect(ipcRenderer.listenerCount('app/info')).toBe(0);
  });
});
