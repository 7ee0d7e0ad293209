// The lint guard rails bite: eslint.config.js, run through ESLint's Node API on small snippets placed (virtually)
// in the folders the rules are about. `npm run lint` checks the code; this checks the rules still say what the README promises.
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let eslint: ESLint;
beforeAll(() => {
  // The project's own config. The snippets are linted as `<folder>/lint-probe.ts`, files that do not exist: the type
  // checker's project service only knows files on disk, so those names alone get tsconfig.json's options as a default
  // project. Everything else is eslint.config.js as `npm run lint` uses it.
  eslint = new ESLint({
    cwd: ROOT,
    overrideConfig: {
      files: ['**/*.ts'],
      languageOptions: {
        parserOptions: { projectService: { allowDefaultProject: ['*/lint-probe.ts', '*/*/lint-probe.ts'], defaultProject: 'tsconfig.json' } },
      },
    },
  });
});

/** The rule ids ESLint reports for `code` as if it were the file at `filePath` (relative to the repository). */
async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  // A fatal message (parse error, file outside the project) has no rule id: fail loudly rather than pass.
  for (const m of result.messages) if (m.fatal || !m.ruleId) throw new Error(`${filePath}: ${m.message}`);
  return result.messages.map((m) => m.ruleId!);
}

describe('workflow sandbox (workflows/)', () => {
  it('refuses a Node built-in, with or without node:', async () => {
    expect(await problems('workflows/lint-probe.ts', `import { randomUUID } from 'node:crypto';\nexport const id = randomUUID();\n`)).toEqual([
      '@typescript-eslint/no-restricted-imports',
    ]);
    expect(await problems('workflows/lint-probe.ts', `import { readFileSync } from 'fs';\nexport const f = readFileSync;\n`)).toEqual([
      '@typescript-eslint/no-restricted-imports',
    ]);
  });

  it('refuses the Temporal client (and activity, worker) packages', async () => {
    expect(await problems('workflows/lint-probe.ts', `import { Client } from '@temporalio/client';\nexport const c = Client;\n`)).toEqual([
      '@typescript-eslint/no-restricted-imports',
    ]);
    expect(await problems('workflows/lint-probe.ts', `import { Context } from '@temporalio/activity';\nexport const c = Context;\n`)).toEqual([
      '@typescript-eslint/no-restricted-imports',
    ]);
  });

  it('refuses I/O libraries and unlisted packages', async () => {
    expect(await problems('workflows/lint-probe.ts', `import postgres from 'postgres';\nexport const p = postgres;\n`)).toEqual([
      '@typescript-eslint/no-restricted-imports',
    ]);
    expect(await problems('workflows/lint-probe.ts', `import { pino } from 'pino';\nexport const p = pino;\n`)).toEqual([
      '@typescript-eslint/no-restricted-imports',
    ]);
  });

  it('refuses value imports of project code outside the sandbox, allows them as types', async () => {
    expect(
      await problems('workflows/lint-probe.ts', `import { createActivities } from '../activities/index.js';\nexport const a = createActivities;\n`),
    ).toEqual(['@typescript-eslint/no-restricted-imports']);
    expect(await problems('workflows/lint-probe.ts', `import type { Activities } from '../activities/index.js';\nexport type A = Activities;\n`)).toEqual([]);
  });

  it('allows what the workflows use: @temporalio/workflow, temporal/shared/, sibling workflows, user-activity/day', async () => {
    const code = [
      `import { proxyActivities } from '@temporalio/workflow';`,
      `import { ACTIVITY_OPTIONS } from '../temporal/shared/activity-options.js';`,
      `import { previousUtcDay } from '../user-activity/day.js';`,
      `import type { IntegrationRef } from './types.js';`,
      `export const used = [proxyActivities, ACTIVITY_OPTIONS, previousUtcDay];`,
      `export type R = IntegrationRef;`,
      '',
    ].join('\n');
    expect(await problems('workflows/lint-probe.ts', code)).toEqual([]);
  });

  it('refuses Date.now, Math.random and setTimeout', async () => {
    const code = `export function f(): void {\n  setTimeout(() => Date.now() + Math.random(), 1);\n}\n`;
    expect((await problems('workflows/lint-probe.ts', code)).sort()).toEqual(['no-restricted-globals', 'no-restricted-properties', 'no-restricted-properties']);
  });

  it('applies to temporal/shared/ too, which workflows import', async () => {
    expect(await problems('temporal/shared/lint-probe.ts', `import { Client } from '@temporalio/client';\nexport const c = Client;\n`)).toEqual([
      '@typescript-eslint/no-restricted-imports',
    ]);
  });
});

describe('who imports workflows/', () => {
  const valueImport = (from: string) => `import { onboarding } from '${from}/workflows/onboarding.js';\nexport const w = onboarding;\n`;

  it('refuses a value import from workflows/ outside workers, the client module and tests', async () => {
    expect(await problems('cli/lint-probe.ts', valueImport('..'))).toEqual(['@typescript-eslint/no-restricted-imports']);
    expect(await problems('integrations/lint-probe.ts', valueImport('..'))).toEqual(['@typescript-eslint/no-restricted-imports']);
    expect(await problems('cli/actions/lint-probe.ts', `export const m = await import('../../workflows/onboarding.js');\n`)).toEqual([
      'no-restricted-syntax',
    ]);
  });

  it('allows type imports anywhere, and value imports in workers/ and temporal/client.ts', async () => {
    expect(await problems('cli/lint-probe.ts', `import type { onboarding } from '../workflows/onboarding.js';\nexport type W = typeof onboarding;\n`)).toEqual([]);
    expect(await problems('workers/lint-probe.ts', valueImport('..'))).toEqual([]);
    expect(await problems('temporal/client.ts', valueImport('..'))).toEqual([]);
  });
});

describe('promises', () => {
  it('refuses a floating promise and a promise where a callback returns void', async () => {
    const floating = `async function work(): Promise<void> {}\nexport function f(): void {\n  work();\n}\n`;
    expect(await problems('lib/lint-probe.ts', floating)).toEqual(['@typescript-eslint/no-floating-promises']);
    expect(await problems('workflows/lint-probe.ts', floating)).toEqual(['@typescript-eslint/no-floating-promises']);
    const misused = `async function work(): Promise<void> {}\nprocess.once('SIGINT', work);\n`;
    expect(await problems('lib/lint-probe.ts', misused)).toEqual(['@typescript-eslint/no-misused-promises']);
  });

  it('accepts a promise marked as intentionally floating with void', async () => {
    expect(await problems('lib/lint-probe.ts', `async function work(): Promise<void> {}\nexport function f(): void {\n  void work();\n}\n`)).toEqual([]);
  });
});
