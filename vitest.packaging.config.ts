import { defineConfig } from 'vitest/config';

/**
 * The packaging test (test/packaging/shippedFiles.test.ts) runs electron-builder on the built app,
 * so it runs after `npm run build`: `npm run test:packaging`, part of `npm test`.
 */
export default defineConfig({
  test: {
    include: ['test/packaging/shippedFiles.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
