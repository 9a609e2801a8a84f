// Bundles the Node-side entry points (CLI, tools, later the Electron main/preload/worker) with
// esbuild. Dependencies stay external: they are installed next to the bundle by npm or packed
// by electron-builder, and some (embedded PostgreSQL binaries) must stay on disk as real files.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const entries = {
  cli: 'electron/cli/main.ts',
  bench: 'scripts/bench.ts',
  'generate-samples': 'scripts/generate-samples.ts',
};

const entryPoints = Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(file)));

await build({
  entryPoints,
  outdir: 'dist/node',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
