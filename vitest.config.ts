import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // Both cores: in a run vitest would otherwise keep one for itself, and the files are CPU-bound.
    maxWorkers: 2,
  },
});
