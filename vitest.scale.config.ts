import { defineConfig } from 'vitest/config';
export default defineConfig({ test: { globalSetup: ['tests/helpers/globalSetup.ts'], include: ['tests/scale/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 60_000, fileParallelism: false } });
