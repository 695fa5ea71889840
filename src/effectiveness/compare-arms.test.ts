import { compareProportions, verdictOf } from './compare-arms';

const rate = (hits: number, of: number) => ({ hits, of, rate: hits / of });

it('30/100 against 45/100: +15 points, 95 % CI 1.7 to 28.3 points, p = 0.028 (worked by hand), significant', () => {
  // Wald: SE = √(.3·.7/100 + .45·.55/100) = .0676387; pooled .375: SE0 = √(.375·.625·.02) = .0684653, z = 2.19089
  const c = compareProportions(rate(30, 100), rate(45, 100));
  expect(c.difference).toBeCloseTo(0.15, 10);
  expect(c.low).toBeCloseTo(0.15 - 1.959964 * 0.0676387, 5);
  expect(c.high).toBeCloseTo(0.15 + 1.959964 * 0.0676387, 5);
  expect(c.pValue).toBeCloseTo(0.02846, 4);
  expect(c.significant).toBe(true);
  expect(verdictOf(c)).toBe('the challenger cures 15.0 points more (95 % CI 1.7 points to 28.3 points, p = 0.028): significant');
});

it('3/10 against 4/10 is not yet significant', () => {
  const c = compareProportions(rate(3, 10), rate(4, 10));
  expect(c.significant).toBe(false);
  expect(c.pValue).toBeCloseTo(0.6392, 3);
  expect(verdictOf(c)).toContain('not yet significant');
});

it('says when an arm has no runs, and finds no difference when both arms cure every run', () => {
  expect(verdictOf(compareProportions(rate(0, 0), rate(1, 2)))).toBe('not yet comparable: an arm has no runs entering collection in the period');
  expect(compareProportions(rate(5, 5), rate(7, 7))).toMatchObject({ difference: 0, pValue: 1, significant: false });
});
