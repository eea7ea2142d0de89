import { defineConfig } from 'vitest/config';

/**
 * The fault matrix (`npm run test:faults`): real daemons, the simulator and faults injected from outside.
 * One file at a time: each starts daemons, a redis-server and proxies of its own.
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 240_000,
    hookTimeout: 120_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 1, minForks: 1 } },
  },
});
