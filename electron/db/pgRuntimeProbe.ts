/**
 * pg 8 asks at load whether it runs in a Cloudflare Worker: without `navigator.userAgent` (Node
 * 20 has no `navigator`; Node 21+ has one) it builds a fetch `Response` to find out, and that
 * loads Node's bundled undici, which nothing else in a run uses: ~40–60 ms of the main thread at
 * every start (CLI profile, Node 20, busy 2-core machine). Imported by pgModule.ts just before pg,
 * this gives it the answer Node 21+ gives, for the length of pg's load only.
 */
const lent = typeof (globalThis as { navigator?: unknown }).navigator === 'undefined';
if (lent) {
  Object.defineProperty(globalThis, 'navigator', { value: { userAgent: `Node.js/${process.versions.node.split('.')[0]}` }, configurable: true, writable: true });
}

/** Takes the stand-in back once pg is loaded, so no other library sees a `navigator` in Node 20. */
export function returnNavigator(): void {
  if (lent) delete (globalThis as { navigator?: unknown }).navigator;
}
