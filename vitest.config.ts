import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['tests/helpers/globalSetup.ts'],
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/scale/**', 'node_modules/**'],
    // Integration tests run real processes and simulate weeks on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
