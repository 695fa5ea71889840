import { binFeature, binOf, informationValue } from './binning';

test('quantile bins that never split a value, a missing bin, and each bin\'s weight of evidence', () => {
  // ten accounts: values 1 1 1 2 2 3 4 5 null null; bad on 1, 1, 5 and one null
  const values = [1, 1, 1, 2, 2, 3, 4, 5, null, null];
  const bad = [true, true, false, false, false, false, false, true, true, false];
  const bins = binFeature(values, bad, { maxBins: 3, minShare: 0.1 });
  // 8 known values, 3 a bin: [1] takes all three 1s, then 2 2 3, then 4 5
  expect(bins.map((b) => [b.missing, b.lower, b.upper, b.accounts, b.bads])).toEqual([
    [false, null, 2, 3, 2],
    [false, 2, 4, 3, 0],
    [false, 4, null, 2, 1],
    [true, null, null, 2, 1],
  ]);
  // 6 goods, 4 bads in all; the first bin: ln(((1 + .5) / 6.5) / ((2 + .5) / 4.5))
  expect(bins[0]?.weightOfEvidence).toBeCloseTo(Math.log(1.5 / 6.5 / (2.5 / 4.5)), 12);
  expect(bins[1]?.weightOfEvidence).toBeCloseTo(Math.log(3.5 / 6.5 / (0.5 / 4.5)), 12);
  expect([binOf(bins, 0), binOf(bins, 2), binOf(bins, 3.9), binOf(bins, 99), binOf(bins, null)]).toEqual([bins[0], bins[1], bins[1], bins[2], bins[3]]);
  expect(informationValue(bins)).toBeGreaterThan(0);
});

test('a tail smaller than the minimum share joins the bin before it; a feature with one value has one bin and no information', () => {
  const bins = binFeature([1, 1, 1, 1, 1, 1, 1, 1, 1, 9], [false, false, false, false, true, false, false, false, false, true], { maxBins: 5, minShare: 0.2 });
  expect(bins.map((b) => [b.lower, b.upper, b.accounts])).toEqual([[null, null, 10]]);
  expect(informationValue(bins)).toBeCloseTo(0, 12);
});
