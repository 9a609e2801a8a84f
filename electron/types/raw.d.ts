// Text files imported with `?raw` are embedded as strings: by Vite/Vitest natively, and by the
// esbuild plugin in scripts/build-node.mjs for the bundled CLI and main process.
declare module '*?raw' {
  const text: string;
  export default text;
}
