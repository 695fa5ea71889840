/**
 * `npm run simulate` options, parsed with zod at the boundary: a wrong value stops before
 * anything starts, with a message naming the flag.
 */
import { z } from 'zod';
import { JURISDICTIONS } from '../contact-policy/policy';

const whole = (flag: string, min: number, max: number) =>
  z.coerce
    .number(`${flag} takes a number`)
    .int(`${flag} takes a whole number`)
    .min(min, `${flag} is at least ${min}`)
    .max(max, `${flag} is at most ${max}`);

export const simulationOptionsSchema = z.strictObject({
  accounts: whole('--accounts', 1, 100_000).default(10_000),
  days: whole('--days', 1, 730).default(365),
  seed: whole('--seed', 0, 2 ** 32 - 1).default(2026),
  preset: z.enum(JURISDICTIONS, `--preset takes ${JURISDICTIONS.join(' or ')}`).default('CN'),
  /** hours of simulated time between two rounds of the actors (borrowers, staff) */
  tickHours: whole('--tick-hours', 1, 24).default(4),
  /** where the embedded Postgres cluster lives (default: a fresh folder under .data/simulation) */
  dataDir: z.string().min(1).optional(),
});
export type SimulationOptions = z.infer<typeof simulationOptionsSchema>;
