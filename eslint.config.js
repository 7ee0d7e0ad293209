// ESLint for every TypeScript source folder (`npm run lint`, part of `npm test`). Type-aware: typescript-eslint's
// project service reads tsconfig.json, whose `include` lists every folder.
//
// Three guard rails on top of a small recommended base:
// 1. Promises are awaited or deliberately voided (`no-floating-promises`, `no-misused-promises`), everywhere.
// 2. The workflow sandbox: `workflows/` and the pure modules it imports (`temporal/shared/`, `user-activity/day.ts`)
//    import only `@temporalio/workflow`, `@temporalio/common` and each other; no Node built-ins, no Temporal
//    client/activity/worker, no I/O libraries, no other project code except as types.
// 3. Only the workers (which bundle the workflows), the Temporal client module (`temporal/client.ts`,
//    `temporal/schedules.ts`) and the tests import values from `workflows/`; everything else uses `temporal/shared/`
//    or the client module, and may import workflow types.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// --- the workflow sandbox ----------------------------------------------------------------------------------------

/** Packages a workflow may import values from: deterministic, no I/O. Add one here only if that holds. */
const SANDBOX_PACKAGES = ['@temporalio/workflow', '@temporalio/common'];
/** I/O libraries the project uses; named so the message says where such code belongs. */
const IO_PACKAGES = ['postgres', 'drizzle-orm', '@aws-sdk/', '@okta/'];

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** `name` or `name/…` (a package prefix ending in `/` matches anything under it). */
const packageAlternation = (names) => names.map((n) => (n.endsWith('/') ? escape(n) : `${escape(n)}(?:/|$)`)).join('|');
const BUILTINS = builtinModules.filter((m) => !m.startsWith('_'));

/**
 * Imports forbidden in files that end up in the workflow bundle. `relativeAllowed`: regex sources of the relative
 * paths (from that folder) the file may import values from. Type-only imports are always allowed: they are erased.
 */
function sandboxImports(relativeAllowed) {
  const why = 'The workflow sandbox must stay deterministic and free of I/O';
  return {
    patterns: [
      {
        regex: `^(?:node:|(?:${BUILTINS.map(escape).join('|')})(?:/|$))`,
        allowTypeImports: true,
        message: `${why}: no Node built-ins in workflows. Do the work in an activity (activities/) and call it with proxyActivities.`,
      },
      {
        regex: `^@temporalio/(?!(?:workflow|common)(?:/|$))`,
        allowTypeImports: true,
        message: `${why}: workflows import only @temporalio/workflow and @temporalio/common. Starting/signalling workflows belongs in temporal/client.ts, activity code in activities/.`,
      },
      {
        regex: `^(?:${packageAlternation(IO_PACKAGES)})`,
        allowTypeImports: true,
        message: `${why}: database, AWS and Okta calls belong in an activity (activities/), called through proxyActivities.`,
      },
      {
        // Any other package: only the allowlisted ones.
        regex: `^(?![./]|node:|@temporalio/|${packageAlternation([...SANDBOX_PACKAGES, ...IO_PACKAGES, ...BUILTINS])})`,
        allowTypeImports: true,
        message: `${why}: workflows import values only from ${SANDBOX_PACKAGES.join(' and ')}. If a package is pure and deterministic, add it to SANDBOX_PACKAGES in eslint.config.js.`,
      },
      {
        regex: `^${relativeAllowed.length ? `(?!${relativeAllowed.join('|')})` : ''}\\.\\.?/`,
        allowTypeImports: true,
        message: `${why}: workflows import values only from workflows/, temporal/shared/ and user-activity/day.ts (pure). Import other project code as \`import type\`, or move pure helpers into temporal/shared/.`,
      },
    ],
  };
}

const sandboxRules = (relativeAllowed) => ({
  '@typescript-eslint/no-restricted-imports': ['error', sandboxImports(relativeAllowed)],
  // Temporal's sandbox replaces these with deterministic versions, but workflow code says what it means instead.
  'no-restricted-properties': [
    'error',
    { object: 'Math', property: 'random', message: 'Use uuid4() from @temporalio/workflow, or take randomness from an activity.' },
    { object: 'Date', property: 'now', message: 'Workflow time is the workflow task time: take it from workflowInfo() or the input.' },
  ],
  'no-restricted-globals': [
    'error',
    { name: 'setTimeout', message: 'Use sleep() or condition() from @temporalio/workflow.' },
    { name: 'setInterval', message: 'Use a loop with sleep() from @temporalio/workflow.' },
    { name: 'setImmediate', message: 'Use sleep() from @temporalio/workflow.' },
    { name: 'process', message: 'No process in the workflow sandbox: pass configuration in the workflow input.' },
  ],
});

// --- who may import workflow code --------------------------------------------------------------------------------

const WORKFLOW_MODULE = '^(?:\\.\\.?/)+workflows(?:/|$)';
const noWorkflowValueImports = {
  '@typescript-eslint/no-restricted-imports': [
    'error',
    {
      patterns: [
        {
          regex: WORKFLOW_MODULE,
          allowTypeImports: true,
          message:
            'Only workers/ and the Temporal client module (temporal/client.ts, temporal/schedules.ts) import values from workflows/: it loads the workflow runtime. Use temporal/shared/ (ids, options, signals) or temporal/client.ts; `import type` is fine.',
        },
      ],
    },
  ],
  'no-restricted-syntax': [
    'error',
    {
      // esquery regexes cannot contain `/`: spell it \x2F.
      selector: `ImportExpression[source.value=/${WORKFLOW_MODULE.replaceAll('/', '\\x2F')}/]`,
      message: 'Only workers/ and the Temporal client module load workflows/ (see the static-import rule).',
    },
  ],
};

export default defineConfig([
  { ignores: ['node_modules/', '.tools/', '.data/', 'dist/', 'coverage/', '.scratch/'] },

  { files: ['**/*.{js,ts}'], extends: [js.configs.recommended] },

  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Type-aware promise rules: an un-awaited promise loses its error (and in a workflow, its ordering).
      // Mark an intentionally floating promise with `void` and say why.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',

      // Adjustments to the recommended base, each for a pattern this codebase uses on purpose:
      // `cond ? a++ : b++` and `x && f()` as statements.
      '@typescript-eslint/no-unused-expressions': ['error', { allowTernary: true, allowShortCircuit: true }],
      // `const { dropped: _, ...rest } = x` to omit a field.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      // Errors are rewritten to say what to do and quote the cause's message; a `cause` chain is not required.
      'preserve-caught-error': 'off',
      // `let stop; const onSignal = () => stop?.(); … stop = …`: late binding read by a closure declared before.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },

  {
    // Tests build loosely typed JSON fixtures (raw Okta events, CloudFormation) and mutate them.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },

  {
    files: ['**/*.ts'],
    ignores: ['workers/**', 'temporal/client.ts', 'temporal/schedules.ts', 'test/**', 'workflows/**'],
    rules: noWorkflowValueImports,
  },

  // The workflow bundle: `workflows/` (flat) and the pure modules it imports. Each lists the relative paths it may
  // import values from; the later blocks replace the rule above for these files.
  { files: ['workflows/**/*.ts'], rules: sandboxRules(['\\./', '\\.\\./temporal/shared/', '\\.\\./user-activity/day\\.js$']) },
  { files: ['temporal/shared/**/*.ts'], rules: sandboxRules(['\\./']) },
  { files: ['user-activity/day.ts'], rules: sandboxRules([]) },
]);
