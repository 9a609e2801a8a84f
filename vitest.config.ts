import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['electron/**/*.test.ts', 'shared/**/*.test.ts', 'scripts/**/*.test.ts', 'test/**/*.test.ts', 'renderer/**/*.test.ts'],
    // Needs the built app: run by `npm run test:packaging` after `npm run build` (vitest.packaging.config.ts).
    exclude: ['test/packaging/shippedFiles.test.ts', '**/node_modules/**'],
    globalSetup: ['test/support/globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
