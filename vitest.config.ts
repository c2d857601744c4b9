import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration and browser suites start real servers and browsers; two cores is all CI has, often shared,
    // so a step that is quick on an idle machine can take many seconds. Speed is measured in `npm run bench`.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
