// Bundles the Node-side entry points with esbuild:
// - the CLI, tools and the Electron main process keep their npm dependencies external (installed
//   next to the bundle by npm, or packed by electron-builder; the embedded PostgreSQL binaries must
//   stay real files on disk);
// - the ETL worker is self-contained, so a packaged app can run it from outside the asar archive;
// - the preload bundles everything but `electron`: a sandboxed preload cannot require packages.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

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
  define: { __APP_VERSION__: JSON.stringify(version), __HYPARQUET_WRITER_VERSION__: JSON.stringify(parquetWriterVersion) },
};

const present = (entries) => Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(file)));

await Promise.all([
  build({
    ...common,
    entryPoints: present({
      cli: 'electron/cli/main.ts',
      main: 'electron/main/main.ts',
      bench: 'scripts/bench.ts',
      'generate-samples': 'scripts/generate-samples.ts',
      'serve-bridge': 'e2e/bridge/serve.ts',
    }),
    packages: 'external',
  }),
  // pg's optional native binding is never used (pg.native is not touched).
  build({ ...common, entryPoints: present({ 'etl-worker': 'electron/etl/worker/etlWorker.ts' }), external: ['pg-native'] }),
  build({ ...common, entryPoints: present({ preload: 'electron/preload.ts' }), external: ['electron'], target: 'chrome120' }),
]);
