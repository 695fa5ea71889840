/**
 * What the fuzz tests share (issue 19 §2): the hostile values (huge, deeply nested, of the
 * wrong type, Unicode-tricky, at the boundaries), a way to break one field of a valid
 * payload, the number of runs (`FUZZ_RUNS` raises it), and the check that an error never
 * echoes a value that looks like personal data.
 */
import fc from 'fast-check';
import type { Queryable } from '../src/db/pool';

/** Runs per property: modest in `npm test` (the whole fuzz set stays under a minute); FUZZ_RUNS=500 for a long night. */
export const fuzzRuns = (inTests: number) => {
  const raised = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(raised) && raised > 0 ? raised : inTests;
};

/** Values shaped like personal data (names, phones, ID numbers, addresses, e-mail), each made unique so an echo is unmistakable. */
export const personalValue = fc
  .tuple(fc.constantFrom('王芳', 'Zoë Ñúñez-Ørsted', '+8613912345678', '110101199003077', '12 Test Lane, Flat 3', 'wang.fang@example.cn', 'مريم الحسن'), fc.integer({ min: 1000, max: 9999 }))
  .map(([value, n]) => `${value} ${n}`);

/** Strings that break naive code: control characters, lone surrogates, RTL marks, zero-width joiners, NUL, SQL and path-like text. */
export const trickyString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\ud800', '\u202e', 'a\u200db', '\r\n', "'; DROP TABLE accounts; --", '../../etc/passwd', '%00', '{{x}}', '${x}', '1e309', '-0', 'NaN', 'null', 'true', '0x10', '２０２６-１２-０６', '2026-02-30', '9999-12-31T23:59:60Z'),
  personalValue,
);

/** Numbers at the edges: zero, negatives, fractions, beyond the safe integers, the extremes. */
export const edgeNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 1, 0.5, 2 ** 31, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), Number.MAX_VALUE, Number.MIN_VALUE, 1e21),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** Deep nesting: an array or object inside itself `depth` times. */
export const deeplyNested = fc.integer({ min: 50, max: 2_000 }).map((depth) => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
});

/** Big but under the API's body limit: long strings and long arrays. */
export const huge = fc.oneof(
  fc.integer({ min: 10_000, max: 200_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 1_000, max: 20_000 }).map((n) => Array.from({ length: n }, (_, i) => i)),
  fc.integer({ min: 100, max: 2_000 }).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))),
);

/** Any hostile value, of any type. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: trickyString },
  { weight: 2, arbitrary: edgeNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: deeplyNested },
  { weight: 1, arbitrary: huge },
);

/** The paths to every leaf of a JSON value (arrays by index). */
function leafPaths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value) && value.length) return value.flatMap((v, i) => leafPaths(v, [...at, i]));
  if (value && typeof value === 'object' && Object.keys(value).length) return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...at, k]));
  return [at];
}

function withLeaf(value: unknown, path: (string | number)[], leaf: unknown, drop: boolean): unknown {
  if (!path.length) return leaf;
  const [head, ...rest] = path;
  const copy = (Array.isArray(value) ? [...(value as unknown[])] : { ...(value as object) }) as Record<string | number, unknown>;
  if (drop && !rest.length) delete copy[head!];
  else copy[head!] = withLeaf(copy[head!], rest, leaf, drop);
  return copy;
}

/**
 * A valid payload with one field broken: dropped, or replaced by a hostile value of another
 * type than the one it had (so the result is a rejection, not another valid payload), or
 * (`strict` schemas only) an unknown field added beside it.
 */
export function oneFieldBroken(valid: object, { strict = true }: { strict?: boolean } = {}): fc.Arbitrary<unknown> {
  const paths = leafPaths(valid);
  const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  const get = (path: (string | number)[]) => path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], valid);
  return fc.constantFrom(...paths).chain((path) =>
    fc.oneof(
      hostileValue.filter((v) => typeOf(v) !== typeOf(get(path)) && typeOf(get(path)) !== 'null').map((v) => withLeaf(valid, path, v, false)),
      fc.constant(withLeaf(valid, path, undefined, true)),
      // an unknown field is a rejection only where the schema is strict
      strict ? personalValue.map((v) => ({ ...valid, [`unexpected${v.length}`]: v })) : fc.constant(withLeaf(valid, path, undefined, true)),
    ),
  );
}

/** Every string leaf of a value shaped like personal data (what an error must never repeat). */
export function personalStringsIn(value: unknown): string[] {
  const found: string[] = [];
  const walk = (v: unknown, depth: number) => {
    if (depth > 60) return;
    if (typeof v === 'string') {
      if (/\s\d{4}$/.test(v) && v.length > 8) found.push(v);
    } else if (Array.isArray(v)) v.slice(0, 50).forEach((x) => walk(x, depth + 1));
    else if (v && typeof v === 'object') Object.entries(v).slice(0, 50).forEach(([k, x]) => (walk(k, depth + 1), walk(x, depth + 1)));
  };
  walk(value, 0);
  return found;
}

/** A string's first characters, to name it in a failure without printing a 200 kB value. */
export const shortened = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text);

/** Counts the account's rows in every table with an account_id: equal before and after a rejection, or something was written. */
export async function accountRowCounter(db: Queryable, accountId: string): Promise<() => Promise<Record<string, number>>> {
  const { rows } = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
      WHERE c.table_schema = 'public' AND c.column_name = 'account_id' AND t.table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const sql = rows.map((r) => `SELECT '${r.table_name}' AS t, count(*)::int AS n FROM "${r.table_name}" WHERE account_id::text = $1`).join(' UNION ALL ');
  return async () => Object.fromEntries((await db.query<{ t: string; n: number }>(sql, [accountId])).rows.map((r) => [r.t, r.n]));
}
