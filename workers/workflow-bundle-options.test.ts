/**
 * What the worker shares between runs (workflow-bundle-options.ts). The proof that a shared
 * zod works is every workflow test and replay, which run on a bundle built with these options;
 * this guards the list itself against the two mistakes that break every run.
 */
import { SHARED_WORKFLOW_MODULES, WORKFLOW_BUNDLE_OPTIONS } from './workflow-bundle-options';

test('the SDK stays per run: no @temporalio module is shared', () => {
  expect(SHARED_WORKFLOW_MODULES.filter((m) => m.startsWith('@temporalio/'))).toEqual([]);
});

test('no module of ours is shared: zod schemas built in them cache lazily, which a frozen schema refuses', () => {
  expect(SHARED_WORKFLOW_MODULES.filter((m) => m.startsWith('.') || m.startsWith('/'))).toEqual([]);
});

test('the worker, the tests and the recorded histories bundle with the same shared modules', () => {
  expect(WORKFLOW_BUNDLE_OPTIONS.preloadModules).toBe(SHARED_WORKFLOW_MODULES);
  expect(SHARED_WORKFLOW_MODULES).toEqual(['zod']);
});
