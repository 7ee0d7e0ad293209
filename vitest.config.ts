import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One Temporal dev server, one PostgreSQL database and one SQS emulator for the whole run.
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    // Integration files each run a worker; on 2 cores they are steadier one at a time.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    reporters: ['default'],
  },
});
