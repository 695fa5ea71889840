/** `npm run chaos -- --accounts N [--seconds S] [--seed S] [--temporal dev|postgres]`, parsed with zod. */
import { parseArgs } from 'node:util';
import { z } from 'zod';

export const USAGE = `npm run chaos -- --accounts N [--seconds S] [--seed S] [--temporal dev|postgres]

  --accounts N    overdue accounts to drive (1-5000; default 100)
  --seconds S     how long the load and the kills last (default 120)
  --seed S        the random seed: the same seed, the same plan of load and kills (default: now)
  --temporal      dev (the Temporal dev server, SQLite; default) or postgres (not available: see docs/reliability.md)
  --kills K       kills one at a time before the joint kill (default 8)
`;

const chaosOptionsSchema = z.strictObject({
  accounts: z.coerce.number().int().min(1).max(5_000).default(100),
  seconds: z.coerce.number().int().min(20).max(3_600).default(120),
  seed: z.coerce.number().int().min(0).default(() => Date.now() % 1_000_000),
  temporal: z.enum(['dev', 'postgres']).default('dev'),
  kills: z.coerce.number().int().min(0).max(100).default(8),
  help: z.boolean().default(false),
});
export type ChaosOptions = z.infer<typeof chaosOptionsSchema>;

export function parseChaosOptions(argv: string[]): ChaosOptions {
  const { values } = parseArgs({
    args: argv,
    options: { accounts: { type: 'string' }, seconds: { type: 'string' }, seed: { type: 'string' }, temporal: { type: 'string' }, kills: { type: 'string' }, help: { type: 'boolean' } },
  });
  const parsed = chaosOptionsSchema.safeParse(values);
  if (!parsed.success) throw new Error(`${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}\n\n${USAGE}`);
  return parsed.data;
}
