import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Two cores: forks keep native tiktoken/blessed state apart; more workers only thrash.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/e2e/**'] },
      },
      {
        extends: true,
        // The real binary runs from dist/: it is rebuilt first when older than the sources.
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], globalSetup: ['test/support/built.ts'] },
      },
    ],
  },
});
