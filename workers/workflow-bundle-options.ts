/**
 * How the account workflows are bundled, the same for the worker, the tests' prebuilt bundle,
 * the recorded histories and the benches.
 */
export const WORKFLOWS_PATH = require.resolve('../workflows');

/**
 * Modules loaded once into the worker's shared V8 context instead of once per run. With the
 * SDK's reused context every run gets its own copy of each module it imports (so no run can
 * see another's module state); a module listed here is evaluated once, deep-frozen by the
 * SDK, and shared by every run. zod is the largest library the runs import (95 modules).
 *
 * The domain's schemas cannot be shared this way: zod caches parts of a schema on first use
 * (lazy properties), which a frozen schema refuses ("Cannot define property nullable, object
 * is not extensible"), so every replay failed when `src/domain` was preloaded. Only modules
 * without per-run state and without lazy caches belong here; `workflow-bundle-options.test.ts`
 * checks what each shared module reaches.
 */
export const SHARED_WORKFLOW_MODULES: string[] = ['zod'];

export const WORKFLOW_BUNDLE_OPTIONS = { workflowsPath: WORKFLOWS_PATH, preloadModules: SHARED_WORKFLOW_MODULES };
