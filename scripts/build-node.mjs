// Bundles the Node-side entry points (CLI, tools, later the Electron main/preload/worker) with
// esbuild. Dependencies stay external: they are installed next to the bundle by npm or packed
// by electron-builder, and some (embedded PostgreSQL binaries) must stay on disk as real files.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const entries = {
  cli: 'electron/cli/main.ts',
  'etl-worker': 'electron/etl/worker/etlWorker.ts',
  bench: 'scripts/bench.ts',
  'generate-samples': 'scripts/generate-samples.ts',
};

const entryPoints = Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(file)));

/** `import text from './file.sql?raw'` embeds the file as a string, as Vite does. */
const rawText = {
  name: 'raw-text',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /\?raw$/ }, (args) => ({
      path: path.resolve(args.resolveDir, args.path.replace(/\?raw$/, '')),
      namespace: 'raw-text',
    }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'raw-text' }, (args) => ({
      contents: readFileSync(args.path, 'utf8'),
      loader: 'text',
      watchFiles: [args.path],
    }));
  },
};

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

await build({
  plugins: [rawText],
  define: { __APP_VERSION__: JSON.stringify(version) },
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
