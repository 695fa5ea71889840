import { fitLogistic } from './logistic';

test('Newton\'s method recovers the coefficients of outcomes laid out in the exact proportions of a known model', () => {
  // log-odds of bad = -1 + 2·x1 - 0.5·x2, on a grid; each cell holds 1000 accounts, bad
  // in the model's proportion (rounded): the maximum-likelihood fit is the model itself
  const x: number[][] = [];
  const bad: boolean[] = [];
  for (const x1 of [-1, -0.5, 0, 0.5, 1]) {
    for (const x2 of [-2, 0, 2]) {
      const p = 1 / (1 + Math.exp(-(-1 + 2 * x1 - 0.5 * x2)));
      const bads = Math.round(1000 * p);
      for (let k = 0; k < 1000; k++) {
        x.push([x1, x2]);
        bad.push(k < bads);
      }
    }
  }
  const fit = fitLogistic(x, bad);
  expect(fit.converged).toBe(true);
  expect(fit.intercept).toBeCloseTo(-1, 2);
  expect(fit.coefficients[0]).toBeCloseTo(2, 2);
  expect(fit.coefficients[1]).toBeCloseTo(-0.5, 2);
});
