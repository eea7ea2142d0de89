import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The full fault matrix runs with `npm run test:faults`; the suite keeps its reduced set (*.faults.test.ts).
    exclude: [...configDefaults.exclude, 'test/faults/**/*.faults-full.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Integration tests start servers and child processes; two at a time suits a 2-core machine.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
