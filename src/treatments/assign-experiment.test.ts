import { assignExperiment, experimentLabel, experimentPosition } from './assign-experiment';
import { parseExperiments, type ExperimentsConfig } from './experiments';
import { loadExperiments, loadTreatments } from './load';

const experiment = (over: Partial<ExperimentsConfig['experiments'][number]> = {}) => ({
  id: 'standard-vs-fast',
  description: 'test',
  champion: 'standard',
  challenger: 'fast',
  challengerShare: 0.2,
  active: true,
  ...over,
});
const config = (...experiments: ReturnType<typeof experiment>[]): ExperimentsConfig => parseExperiments({ version: '2026.1', experiments });
const accounts = Array.from({ length: 10_000 }, (_, i) => `ACC-${String(i).padStart(6, '0')}`);

describe('assignExperiment', () => {
  it('puts the challenger share of the champion runs in the challenger arm (10,000 accounts: 20 % ± 2 points)', () => {
    const cfg = config(experiment());
    const challengers = accounts.filter((a) => assignExperiment(a, 'standard', cfg).experiment?.arm === 'challenger').length;
    expect(challengers / accounts.length).toBeGreaterThan(0.18);
    expect(challengers / accounts.length).toBeLessThan(0.22);
  });

  it('gives an account the same arm every time (a stable hash, pinned so that a library change that moves accounts fails here)', () => {
    const cfg = config(experiment());
    expect(accounts.slice(0, 50).map((a) => assignExperiment(a, 'standard', cfg).treatmentId)).toEqual(accounts.slice(0, 50).map((a) => assignExperiment(a, 'standard', cfg).treatmentId));
    // MurmurHash3 (x86, 32-bit, seed 0) of "standard-vs-fast\0ACC-000001"
    expect(experimentPosition('standard-vs-fast', 'ACC-000001') * 2 ** 32).toBe(3662678551);
  });

  it('records the experiment, the arm and the config version; the challenger arm runs the challenger treatment', () => {
    const cfg = config(experiment());
    const challenger = accounts.map((a) => assignExperiment(a, 'standard', cfg)).find((x) => x.experiment?.arm === 'challenger');
    expect(challenger).toEqual({ treatmentId: 'fast', experiment: { id: 'standard-vs-fast', arm: 'challenger', configVersion: '2026.1' } });
    expect(experimentLabel(challenger!)).toBe('standard-vs-fast:challenger');
    const champion = accounts.map((a) => assignExperiment(a, 'standard', cfg)).find((x) => x.experiment?.arm === 'champion');
    expect(champion).toEqual({ treatmentId: 'standard', experiment: { id: 'standard-vs-fast', arm: 'champion', configVersion: '2026.1' } });
  });

  it('leaves alone the runs of other treatments, and every run while the experiment is inactive', () => {
    expect(assignExperiment('ACC-1', 'gentle', config(experiment()))).toEqual({ treatmentId: 'gentle', experiment: null });
    expect(experimentLabel(assignExperiment('ACC-1', 'gentle', config(experiment())))).toBe('none');
    const inactive = config(experiment({ active: false }));
    expect(accounts.slice(0, 200).every((a) => assignExperiment(a, 'standard', inactive).experiment === null)).toBe(true);
  });

  it('assigns independently in two experiments (the experiment id is in the hash)', () => {
    const both = accounts.filter((a) => experimentPosition('one', a) < 0.5 && experimentPosition('two', a) < 0.5).length;
    // independent halves overlap on a quarter: 2,500 ± 5 standard deviations (43)
    expect(Math.abs(both - 2500)).toBeLessThan(220);
  });
});

describe('experiments config', () => {
  it('ships a file that parses against the shipped treatments', () => {
    expect(loadExperiments().experiments.map((e) => e.id)).toContain('standard-vs-fast-2026');
  });

  it('names every wrong value', () => {
    const problems = (experiments: unknown[]) => {
      try {
        parseExperiments({ version: '2026.1', experiments }, 'experiments.json', loadTreatments());
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(problems([experiment({ challenger: 'standard' })])).toContain('experiments.0.challenger: the challenger is another treatment than the champion');
    expect(problems([experiment({ challengerShare: 1 })])).toContain('experiments.0.challengerShare');
    expect(problems([experiment(), experiment()])).toContain('experiments.1.id: experiment standard-vs-fast appears twice');
    expect(problems([experiment(), experiment({ id: 'other' })])).toContain('experiments.1.champion: another active experiment already has champion standard');
    expect(problems([experiment({ challenger: 'turbo' })])).toContain('experiments.0.challenger: no treatment named turbo');
  });
});
