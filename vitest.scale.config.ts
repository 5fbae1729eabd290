import { defineConfig } from 'vitest/config';

/**
 * `npm run test:scale`: real multi-process, Sentinel and Cluster tests, kept out of `npm test` and run by
 * .ci/run within a time budget. The "cluster" project reruns the store-level tests on a 3-node Redis Cluster.
 */
const slow = { testTimeout: 180_000, hookTimeout: 60_000, fileParallelism: false };
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'scale', globalSetup: ['tests/helpers/globalSetup.ts'], include: ['tests/scale/**/*.test.ts'], ...slow } },
      {
        test: {
          name: 'cluster',
          globalSetup: ['tests/helpers/clusterSetup.ts'],
          // Every store-level test but those that watch one server (MONITOR, KEYS), and the bot end to end: the daily
          // loop, claims across a restart and kill -9, the wave, enrolment, leave (claim, answers, close, streaks).
          include: [
            'tests/store/{keys,engageStore,review,rollup,scan,dueIndex}.test.ts', 'tests/engage/store.test.ts', 'tests/stats/*.test.ts', 'tests/roster/{codes,import}.test.ts',
            'tests/bot/{leave,durability,reliability,daily,wave,enrolment}.test.ts',
          ],
          ...slow,
        },
      },
    ],
  },
});
