// Bundles the Node-side entry points with esbuild:
// - the CLI, tools and the Electron main process keep their npm dependencies external (installed
//   next to the bundle by npm, or packed by electron-builder; the embedded PostgreSQL binaries must
//   stay real files on disk);
// - the ETL worker is self-contained, so a packaged app can run it from outside the asar archive;
// - the preload bundles everything but `electron`: a sandboxed preload cannot require packages;
// - the test bridge's hand-run server goes to dist/e2e, away from what is packaged.
//
// `--if-stale` skips the build when no input changed since the last one (`npm run etl` runs the
// built CLI directly then, instead of paying ~1.5 s of bundling on every call): the inputs esbuild
// reported last time, and the lock file, are compared by modification time with the stamp.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const STAMP = 'dist/node/.inputs.json';

function upToDate() {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return false;
  }
  const changedSince = (file) => {
    try {
      return statSync(file).mtimeMs > stamp.builtAt;
    } catch {
      return true; // gone: build again and let esbuild say what is missing
    }
  };
  return stamp.outputs.every(existsSync) && ![...stamp.inputs, 'package-lock.json', 'scripts/build-node.mjs'].some(changedSince);
}

if (process.argv.includes('--if-stale') && upToDate()) process.exit(0);

const { build } = await import('esbuild');
const startedAt = Date.now();

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
// Named in the Parquet files' created_by and the manifest (hyparquet-writer does not export it).
const parquetWriterVersion = JSON.parse(readFileSync('node_modules/hyparquet-writer/package.json', 'utf8')).version;

const common = {
  outdir: 'dist/node',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [rawText],
  metafile: true,
  define: { __APP_VERSION__: JSON.stringify(version), __HYPARQUET_WRITER_VERSION__: JSON.stringify(parquetWriterVersion) },
};

const present = (entries) => Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(file)));

const results = await Promise.all([
  build({
    ...common,
    entryPoints: present({
      cli: 'electron/cli/main.ts',
      main: 'electron/main/main.ts',
      bench: 'scripts/bench.ts',
      'bench-read': 'scripts/benchRead.ts',
      'bench-dashboard': 'scripts/benchDashboard.ts',
      'bench-preview': 'scripts/benchPreview.ts',
      'generate-samples': 'scripts/generate-samples.ts',
    }),
    packages: 'external',
  }),
  // Test-only: its own folder, which no packaging rule names.
  build({ ...common, outdir: 'dist/e2e', entryPoints: present({ 'serve-bridge': 'e2e/bridge/serve.ts' }), packages: 'external' }),
  // pg's optional native binding is never used (pg.native is not touched).
  // The worker's rare tasks (export workbook, lake) are a second bundle it loads on demand, so
  // starting a worker compiles 0.2 MB instead of 3 MB (workerExtras.ts).
  build({
    ...common,
    entryPoints: present({ 'etl-worker': 'electron/etl/worker/etlWorker.ts', 'etl-worker-extras': 'electron/etl/worker/workerExtras.ts' }),
    external: ['pg-native'],
  }),
  build({ ...common, entryPoints: present({ preload: 'electron/preload.ts' }), external: ['electron'], target: 'chrome120' }),
]);

// Inputs as esbuild saw them (relative to the project; package files are skipped: the lock file
// stands for them). The start time, not the end, so an edit made during the build counts as newer.
const inputs = new Set();
const outputs = new Set();
for (const { metafile } of results) {
  for (const input of Object.keys(metafile.inputs)) {
    const file = input.replace(/^raw-text:/, '');
    if (!file.includes('node_modules') && existsSync(file)) inputs.add(path.relative('.', file));
  }
  for (const output of Object.keys(metafile.outputs)) outputs.add(output);
}
writeFileSync(STAMP, JSON.stringify({ builtAt: startedAt, inputs: [...inputs].sort(), outputs: [...outputs].sort() }));
