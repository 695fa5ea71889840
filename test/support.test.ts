import { eventually, WaitTimedOut } from './support';

describe('eventually', () => {
  it('returns the first value that meets the condition', async () => {
    let calls = 0;
    await expect(eventually(async () => ++calls, (n) => n === 3, 5_000)).resolves.toBe(3);
  });

  it('fails on timeout, naming the condition and the last value it saw', async () => {
    const wait = eventually(async () => ({ stage: 'REMINDING', reachedVia: 'SMS' }), (s) => s.reachedVia === 'CALL', 300);
    await expect(wait).rejects.toBeInstanceOf(WaitTimedOut);
    await expect(wait).rejects.toThrow(/waited 300 ms for .*reachedVia === 'CALL'/);
    await expect(wait).rejects.toThrow(/last saw \{ stage: 'REMINDING', reachedVia: 'SMS' \}/);
  });

  it('fails on timeout with the last error when the check never answered', async () => {
    const wait = eventually(
      async (): Promise<number> => {
        throw new Error('connect ECONNREFUSED');
      },
      (n) => n > 0,
      300,
    );
    await expect(wait).rejects.toThrow(/last saw an error: connect ECONNREFUSED/);
  });
});
