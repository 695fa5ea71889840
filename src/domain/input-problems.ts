/**
 * What is wrong with an input that crossed a boundary (SPEC §7: bad input gets a clear error
 * and changes nothing): an update's payload, an HTTP body, a CLI file, a config file. Every
 * wrong or missing part is named by its path, never by its value (it may be personal data).
 * Workflow-safe: zod only.
 */
import type { z } from 'zod';

/** The value at `path` in `raw`, or undefined if any step of the way is missing. */
function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * One line per problem: `documents.idCard: missing`, `assessment.abilityToPay: 1 (none) to 5 (full)`.
 * The one wording for validators, HTTP 400s and the CLI. `root` names the whole payload.
 */
export function payloadProblems(error: z.ZodError, raw: unknown, root = '(payload)'): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.join('.') || root;
    const missing = issue.code !== 'custom' && issue.path.length > 0 && valueAt(raw, issue.path) === undefined;
    return `${where}: ${missing ? 'missing' : issue.message}`;
  });
}

/** `path: message` for each issue, as the config files report them; `root` names the whole file. */
export const issueLines = (error: z.ZodError, root = '(root)'): string[] => error.issues.map((issue) => `${issue.path.join('.') || root}: ${issue.message}`);

/** An update's payload, parsed in its validator: a bad one is rejected, and the rejection lists every problem. */
export function parseOrReject<S extends z.ZodType>(update: string, schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`${update} rejected: ${payloadProblems(parsed.error, raw).join('; ')}`);
  return parsed.data;
}
