import { defineConfig } from 'vitest/config';

// One run over every package, so scripts/run-tests.mjs can count all tests at once.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'test/vitest.config.ts'],
  },
});
