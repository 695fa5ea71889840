/**
 * An update's payload, parsed in its validator (SPEC §7: bad input gets a clear error and
 * changes nothing). The rejection names every wrong or missing part by its path, never the
 * values (they may be personal data). Workflow-safe: zod only.
 */
import type { z } from 'zod';

/** One line per problem: `documents.idCard: missing`, `assessment.abilityToPay: 1 (none) to 5 (full)`. */
export function payloadProblems(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.join('.') || '(payload)';
    const missing = issue.code === 'invalid_type' && / received undefined$/.test(issue.message);
    return `${where}: ${missing ? 'missing' : issue.message}`;
  });
}

export function parseOrReject<S extends z.ZodType>(update: string, schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`${update} rejected: ${payloadProblems(parsed.error).join('; ')}`);
  return parsed.data;
}
