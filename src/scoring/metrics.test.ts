import { kolmogorovSmirnov, rocAuc, scoreBands } from './metrics';

const rows = (pairs: [number, boolean][]) => pairs.map(([score, bad]) => ({ score, bad }));

test('AUC: the share of good-bad pairs the score orders right, a tie counting half', () => {
  // goods 30, 40, 50; bads 10, 40:
  // bad 10 is below every good: 3; bad 40 is below 50 (1), tied with 40 (0.5), above 30 (0): 1.5; 4.5 of 6
  expect(rocAuc(rows([[30, false], [40, false], [50, false], [10, true], [40, true]]))).toBeCloseTo(0.75, 12);
  expect(rocAuc(rows([[1, true], [2, false]]))).toBe(1);
  expect(rocAuc(rows([[2, true], [1, false]]))).toBe(0);
  expect(rocAuc(rows([[1, false], [2, false]]))).toBeNaN();
});

test('KS: the widest gap between the bads\' and the goods\' cumulative shares', () => {
  // by score 10, 30, 40, 50: bads 1/2, 1/2, 1, 1; goods 0, 1/3, 2/3, 1: gap 1/2 at 10 and 30
  expect(kolmogorovSmirnov(rows([[30, false], [40, false], [50, false], [10, true], [40, true]]))).toBeCloseTo(0.5, 12);
});

test('score bands of about equal size, an equal score never in two bands', () => {
  const bands = scoreBands(rows([[1, true], [2, true], [2, false], [3, false], [4, false], [5, false]]), 3);
  expect(bands).toEqual([
    { from: 1, to: 2, accounts: 3, bads: 2, badRate: 2 / 3 },
    { from: 3, to: 4, accounts: 2, bads: 0, badRate: 0 },
    { from: 5, to: 5, accounts: 1, bads: 0, badRate: 0 },
  ]);
});
