/**
 * An in-memory stand-in for the few Electron objects the shell uses (app, BrowserWindow,
 * webContents, session, protocol, ipcMain, Menu, dialog, safeStorage; contextBridge, ipcRenderer
 * and webUtils for the preload), so electron/main/* and electron/preload.ts can run in Node and be
 * held to what they do. Electron's binary cannot be downloaded here; the Playwright `_electron`
 * specs cover the real thing where it can.
 *
 * Each object does what Electron documents, including the defaults that make the shell's own
 * settings matter: without a window-open handler a window opens, without a permission handler a
 * permission is granted, a navigation goes ahead unless a 'will-navigate' listener prevents it,
 * every new WebContents is announced with app 'web-contents-created', an IPC channel without a
 * handler is an error. Test helpers (navigate, openWindow, requestPermission, invoke, fetch…)
 * play the part of the renderer, a web page or the OS.
 */
import { EventEmitter } from 'node:events';

export interface FakeEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}

function event(extra: Record<string, unknown> = {}): FakeEvent & Record<string, unknown> {
  const e = {
    ...extra,
    defaultPrevented: false,
    preventDefault() {
      e.defaultPrevented = true;
    },
  };
  return e;
}

export interface SenderFrame {
  url: string;
  parent: unknown;
}

type WindowOpenHandler = (details: { url: string; frameName: string; features: string; disposition: string }) => { action: 'allow' | 'deny' };
type PermissionRequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void, details: Record<string, unknown>) => void;
type PermissionCheckHandler = (contents: unknown, permission: string, origin: string, details: Record<string, unknown>) => boolean;
type IpcListener = (event: { senderFrame: SenderFrame | null; sender: FakeWebContents }, ...args: unknown[]) => unknown;

export class FakeWebContents extends EventEmitter {
  private static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  windowOpenHandler: WindowOpenHandler | undefined;
  readonly sent: { channel: string; payload: unknown }[] = [];
  url = '';
  destroyed = false;

  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }

  async loadURL(url: string): Promise<void> {
    this.url = url;
  }

  /** The page (or a link in it) navigates: true when the navigation went ahead. */
  navigate(url: string): boolean {
    const e = event({ url });
    this.emit('will-navigate', e, url);
    if (!e.defaultPrevented) this.url = url;
    return !e.defaultPrevented;
  }

  /** A server redirect during a navigation: true when it went ahead. */
  redirect(url: string): boolean {
    const e = event({ url });
    this.emit('will-redirect', e, url);
    return !e.defaultPrevented;
  }

  /** window.open() or a target=_blank link: what Electron would do. */
  openWindow(url: string): 'allow' | 'deny' {
    if (!this.windowOpenHandler) return 'allow';
    return this.windowOpenHandler({ url, frameName: '', features: '', disposition: 'new-window' }).action;
  }

  /** A <webview> about to attach: true when it would attach. */
  attachWebview(src: string): boolean {
    const e = event();
    const webPreferences: Record<string, unknown> = {};
    this.emit('will-attach-webview', e, webPreferences, { src });
    return !e.defaultPrevented;
  }
}

export class FakeSession {
  permissionRequestHandler: PermissionRequestHandler | undefined;
  permissionCheckHandler: PermissionCheckHandler | undefined;

  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    this.permissionRequestHandler = handler ?? undefined;
  }

  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    this.permissionCheckHandler = handler ?? undefined;
  }

  /** A page asks for a permission (camera, notifications, …): Electron grants it when no handler is set. */
  requestPermission(contents: FakeWebContents, permission: string): Promise<boolean> {
    if (!this.permissionRequestHandler) return Promise.resolve(true);
    return new Promise((resolve) => this.permissionRequestHandler?.(contents, permission, resolve, { requestingUrl: contents.url }));
  }

  checkPermission(contents: FakeWebContents, permission: string, origin: string): boolean {
    return this.permissionCheckHandler ? this.permissionCheckHandler(contents, permission, origin, {}) : true;
  }
}

export interface FakeElectronOptions {
  isPackaged: boolean;
  /** What app.getPath returns, by name (userData, documents, …). */
  paths: Record<string, string>;
  appPath: string;
  /** requestSingleInstanceLock's answer: false for a second instance. */
  primaryInstance?: boolean;
  /** What safeStorage reports (Linux without a keyring: 'basic_text'). */
  storageBackend?: string;
  /** What the next open dialogs answer (file paths; empty: cancelled). */
  openDialogAnswers?: string[][];
}

export function createFakeElectron(options: FakeElectronOptions) {
  const appEvents = new EventEmitter();
  const paths = { ...options.paths };
  let resolveReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });
  const record = {
    sandboxEnabled: false,
    setPathCalls: [] as [string, string][],
    exitCodes: [] as number[],
    quitCalls: 0,
    applicationMenu: undefined as { template: unknown[] } | undefined,
    privilegedSchemes: [] as unknown[],
    openExternal: [] as string[],
    exposed: new Map<string, unknown>(),
    rendererInvokes: [] as { channel: string; request: unknown }[],
    /** Set when a window was created before app.enableSandbox(). */
    windowBeforeSandbox: false,
  };
  const windows: FakeBrowserWindow[] = [];
  const protocolHandlers = new Map<string, (request: Request) => Promise<Response> | Response>();
  const ipcHandlers = new Map<string, IpcListener>();
  const defaultSession = new FakeSession();
  const openDialogAnswers = [...(options.openDialogAnswers ?? [])];

  // Not an EventEmitter subclass: its static side would leak into this function's declared type.
  class FakeBrowserWindow {
    readonly webContents = new FakeWebContents();
    readonly events = new EventEmitter();
    visible = false;
    minimized = false;
    focused = false;

    constructor(readonly options: { webPreferences?: Record<string, unknown> } & Record<string, unknown>) {
      if (!record.sandboxEnabled) record.windowBeforeSandbox = true;
      windows.push(this);
      appEvents.emit('web-contents-created', event(), this.webContents);
    }

    static getAllWindows(): FakeBrowserWindow[] {
      return windows.filter((w) => !w.webContents.destroyed);
    }

    static getFocusedWindow(): FakeBrowserWindow | null {
      return windows.find((w) => w.focused) ?? null;
    }

    loadURL(url: string): Promise<void> {
      return this.webContents.loadURL(url);
    }

    once(name: string, listener: (...args: unknown[]) => void): this {
      this.events.once(name, listener);
      return this;
    }

    show(): void {
      this.visible = true;
    }

    isMinimized(): boolean {
      return this.minimized;
    }

    restore(): void {
      this.minimized = false;
    }

    focus(): void {
      this.focused = true;
    }
  }

  const app = Object.assign(appEvents, {
    isPackaged: options.isPackaged,
    enableSandbox() {
      record.sandboxEnabled = true;
    },
    setPath(name: string, value: string) {
      record.setPathCalls.push([name, value]);
      paths[name] = value;
    },
    getPath(name: string) {
      const value = paths[name];
      if (!value) throw new Error(`Failed to get '${name}' path`);
      return value;
    },
    getAppPath: () => options.appPath,
    getVersion: () => '0.0.0-test',
    requestSingleInstanceLock: () => options.primaryInstance ?? true,
    whenReady: () => ready,
    exit(code = 0) {
      record.exitCodes.push(code);
    },
    quit() {
      record.quitCalls += 1;
    },
  });

  const module = {
    app,
    BrowserWindow: FakeBrowserWindow,
    Menu: {
      buildFromTemplate: (template: unknown[]) => ({ template }),
      setApplicationMenu(menu: { template: unknown[] } | null) {
        record.applicationMenu = menu ?? undefined;
      },
    },
    session: { defaultSession },
    protocol: {
      registerSchemesAsPrivileged(schemes: unknown[]) {
        record.privilegedSchemes.push(...schemes);
      },
      handle(scheme: string, handler: (request: Request) => Promise<Response> | Response) {
        if (protocolHandlers.has(scheme)) throw new Error(`scheme ${scheme} already handled`);
        protocolHandlers.set(scheme, handler);
      },
    },
    ipcMain: {
      handle(channel: string, listener: IpcListener) {
        if (ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
        ipcHandlers.set(channel, listener);
      },
    },
    dialog: {
      showOpenDialog: async () => {
        const filePaths = openDialogAnswers.shift() ?? [];
        return { canceled: filePaths.length === 0, filePaths };
      },
      showSaveDialog: async () => ({ canceled: true, filePath: '' }),
    },
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => options.storageBackend ?? 'gnome_libsecret',
      encryptString: (text: string) => Buffer.from(`enc:${Buffer.from(text).toString('base64')}`),
      decryptString: (data: Buffer) => Buffer.from(data.toString().replace(/^enc:/, ''), 'base64').toString(),
    },
    shell: {
      openExternal: async (url: string) => {
        record.openExternal.push(url);
      },
    },
    // The preload's side.
    contextBridge: {
      exposeInMainWorld(key: string, api: unknown) {
        if (record.exposed.has(key)) throw new Error(`Cannot bind an API on top of an existing property on the window object: ${key}`);
        record.exposed.set(key, api);
      },
    },
    ipcRenderer: Object.assign(new EventEmitter(), {
      invoke: async (channel: string, request: unknown) => {
        record.rendererInvokes.push({ channel, request });
        return { ok: true, value: { echoed: channel } };
      },
    }),
    webUtils: { getPathForFile: (file: { path?: string }) => file.path ?? '' },
  };

  return {
    module,
    record,
    windows,
    defaultSession,
    appEvents,
    /** The app becomes ready (app.whenReady resolves). */
    ready: () => resolveReady(),
    /** A request to one of the app's custom schemes, as the renderer (or a page) would make it. */
    async fetch(url: string, init: { method?: string } = {}): Promise<Response> {
      const scheme = url.slice(0, url.indexOf(':'));
      const handler = protocolHandlers.get(scheme);
      if (!handler) throw new Error(`no handler for ${scheme}:`);
      // Electron hands over the URL as the page asked for it; a plain object keeps it unparsed.
      return handler({ url, method: init.method ?? 'GET' } as Request);
    },
    /** ipcRenderer.invoke from a frame: what the renderer would get back. */
    async invoke(channel: string, request: unknown, senderFrame: SenderFrame | null, sender: FakeWebContents = windows[0]?.webContents ?? new FakeWebContents()): Promise<unknown> {
      const listener = ipcHandlers.get(channel);
      if (!listener) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
      return listener({ senderFrame, sender }, request);
    },
    ipcChannels: () => [...ipcHandlers.keys()],
  };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;
