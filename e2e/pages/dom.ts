/**
 * The few browser types that code running in the page (page.evaluate) needs. The e2e folder is
 * type-checked with tsconfig.node.json, which has no DOM library on purpose (Node code must not
 * see browser globals), so page functions reach the browser's globals through these minimal
 * shapes: `const { document } = globalThis as unknown as BrowserGlobals;`.
 */
export interface DomElement {
  readonly classList: { contains(name: string): boolean };
  readonly textContent: string | null;
  readonly firstChild: { readonly textContent: string | null } | null;
  readonly offsetHeight: number;
  readonly scrollHeight: number;
  scrollTop: number;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  getBoundingClientRect(): { top: number; height: number; width: number };
  querySelector(selectors: string): DomElement | null;
  querySelectorAll(selectors: string): Iterable<DomElement> & ArrayLike<DomElement>;
  closest(selectors: string): DomElement | null;
  dispatchEvent(event: unknown): boolean;
}

export interface DomOption extends DomElement {
  readonly value: string;
}

export interface DomSelect extends DomElement {
  readonly selectedOptions: ArrayLike<DomOption>;
}

export interface BrowserGlobals {
  document: DomElement & {
    body: DomElement;
    fonts: { ready: Promise<unknown> };
    readonly activeElement: unknown;
    addEventListener(type: string, listener: (event: { target: unknown }) => void, options?: { capture?: boolean }): void;
  };
  performance: { now(): number };
  requestAnimationFrame(callback: () => void): number;
  MutationObserver: new (callback: () => void) => {
    observe(target: DomElement, options: { childList?: boolean; subtree?: boolean; characterData?: boolean; attributes?: boolean; attributeFilter?: string[] }): void;
    disconnect(): void;
  };
  DataTransfer: new () => { items: { add(file: unknown): unknown } };
  File: new (parts: unknown[], name: string, options?: { type?: string }) => unknown;
  Event: new (type: string) => unknown;
  atob(data: string): string;
}
