// Checks against public material that is not in the repository and cannot be downloaded where `npm test` runs:
// `npm run check:sigmahq` (SigmaHQ's Okta rules; SIGMAHQ_DIR names a checkout). No stack is needed.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/external/**/*.test.ts'],
    testTimeout: 120_000,
  },
});
