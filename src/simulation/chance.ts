/**
 * The simulation's dice: a counter-based PRNG. Each draw is MurmurHash3 of the seed and the
 * draw's name (the account, the event, its number), so the same seed gives the same borrowers
 * whatever order the simulation happens to meet them in — concurrent actors, a re-run, a
 * different number of ticks per day. The same hash the experiments use (src/treatments).
 */
import murmurhash from 'murmurhash';

export type Chance = (...name: (string | number)[]) => number;

/** A draw in [0, 1), uniform, fixed by the seed and the name. */
export function seededChance(seed: number): Chance {
  return (...name) => murmurhash.v3(name.join('\u0000'), seed >>> 0) / 2 ** 32;
}
