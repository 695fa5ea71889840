/**
 * Commander's options and arguments through zod, with messages that name the flags. Apart
 * from the commands' database and Temporal set-up, so the commands' argument readers load
 * (and are tested) without either.
 */
import type { z } from 'zod';

/**
 * Commander's options (or an argument) through zod. The messages name the flags: the
 * schema's own, or `names`: the argument's name, or, for a schema shared with the API,
 * its fields' flags (by the field's path, `address.kind`, or its first part).
 */
export function optionsOf<S extends z.ZodType>(schema: S, raw: unknown, names: string | Record<string, string> = {}): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const nameOf = (path: PropertyKey[]) => (typeof names === 'string' ? names : (names[path.join('.')] ?? names[String(path[0])]));
    throw new Error(parsed.error.issues.map((i) => [nameOf(i.path), i.message].filter(Boolean).join(': ')).join('; '));
  }
  return parsed.data;
}
