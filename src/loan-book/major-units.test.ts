import { majorToMinorUnits } from './major-units';

test.each([
  ['1234.56', 'CNY', 123_456],
  ['1234.5', 'CNY', 123_450],
  ['1234', 'CNY', 123_400],
  ['0.01', 'USD', 1],
  ['12.300', 'CNY', 1_230], // trailing zeros are not extra precision
  ['-15.90', 'TWD', -1_590],
  ['1500', 'JPY', 1_500],
  ['1.234', 'KWD', 1_234],
  ['90071992547409.91', 'USD', 9_007_199_254_740_991],
])('%s %s is %d minor units', (text, currency, minor) => {
  expect(majorToMinorUnits(text, currency)).toEqual({ ok: true, minor });
});

test.each([
  ['12.345', 'CNY', 'finer than the minor unit: CNY has 2 decimal places'],
  ['1500.5', 'JPY', 'finer than the minor unit: JPY has no minor unit'],
  ['1,234.56', 'CNY', 'a decimal amount in major units, such as 1234.56'],
  ['1e5', 'CNY', 'a decimal amount in major units, such as 1234.56'],
  ['.5', 'CNY', 'a decimal amount in major units, such as 1234.56'],
  ['90071992547409.92', 'USD', 'too large'],
])('%s %s is refused: %s', (text, currency, message) => {
  expect(majorToMinorUnits(text, currency)).toEqual({ ok: false, message });
});
