import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const parquetWriterVersion = JSON.parse(readFileSync('node_modules/hyparquet-writer/package.json', 'utf8')).version as string;

export default defineConfig({
  // As scripts/build-node.mjs defines it for the bundles.
  define: { __HYPARQUET_WRITER_VERSION__: JSON.stringify(parquetWriterVersion) },
  test: {
    include: ['electron/**/*.test.ts', 'shared/**/*.test.ts', 'scripts/**/*.test.ts', 'test/**/*.test.ts', 'renderer/**/*.test.ts'],
    globalSetup: ['test/support/globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
