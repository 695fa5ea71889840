// Lint: typescript-eslint's recommended rules, floating promises banned everywhere, no
// import circles (eslint-plugin-import-x's no-cycle, type imports included), the workflow
// sandbox rules (no Node built-ins, activities only as types) in workflows/, and the
// account workflow's contract importing nothing of the workflow's implementation, and
// tests' waits that can fail (lint/test-waits.js).
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const importX = require('eslint-plugin-import-x');
const { builtinModules } = require('node:module');
const testWaits = require('./lint/test-waits.js');

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** The workflow sandbox's import rules, with more restricted paths for some folders. */
const sandboxImports = (morePaths) => ({
  paths: [...nodeBuiltins.map((name) => ({ name, message: 'workflows are deterministic: no Node APIs (use an activity)' })), ...morePaths],
  patterns: [
    { group: ['**/activities', '**/activities/*'], allowTypeImports: true, message: 'workflows reach activities through proxyActivities; import types only' },
    { group: ['pg', 'pino', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'not workflow-safe' },
  ],
});

module.exports = tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.data/', '.tools/', 'coverage/', 'tools/', 'eslint.config.js', 'jest.config.js', 'lint/', 'test/summary-reporter.js', 'test/render-pdf-page.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    // A test's wait is an assertion: it must be able to fail (lint/test-waits.js).
    files: testWaits.files,
    ignores: ['test/support.ts'],
    rules: { 'no-restricted-syntax': ['error', ...testWaits.restrictedSyntax] },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox.
    files: ['workflows/**/*.ts'],
    ignores: ['workflows/**/*.test.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', sandboxImports([])] },
  },
  {
    // The account run's local activities go through its one lane (workflows/account/run/local-steps.ts).
    files: ['workflows/account/run/**/*.ts', 'workflows/account/stages/**/*.ts'],
    ignores: ['workflows/**/*.test.ts', 'workflows/account/run/local-steps.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        sandboxImports([{ name: '@temporalio/workflow', importNames: ['proxyLocalActivities'], message: 'take local activities from localSteps (run/local-steps.ts): one in flight per run, so replays group results as the live run did' }]),
      ],
    },
  },
  {
    // The contract is what clients, activities and the workflow share: it may not lean on the implementation.
    files: ['workflows/account/contract/**/*.ts'],
    ignores: ['workflows/account/contract/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/run/*', '**/stages/*', '**/frozen/*', '**/account-collection', '**/activities', '**/activities/*'], message: 'the contract imports only src/ (domain), zod and the SDK' },
          ],
        },
      ],
    },
  },
);
