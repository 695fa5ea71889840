/**
 * Amounts in import files are decimal major units ("1234.56" yuan), the way a
 * core-banking export writes them. They become integer minor units with the
 * currency's ISO 4217 exponent by string arithmetic, never through a float, and an
 * amount finer than the currency's minor unit is refused rather than rounded.
 */
import { minorUnitExponent } from '../domain/money';

export const DECIMAL_AMOUNT = /^-?\d+(?:\.\d+)?$/;
export const DECIMAL_AMOUNT_HINT = 'a decimal amount in major units, such as 1234.56';

export type MinorUnitsResult = { ok: true; minor: number } | { ok: false; message: string };

export function majorToMinorUnits(text: string, currency: string): MinorUnitsResult {
  if (!DECIMAL_AMOUNT.test(text)) return { ok: false, message: DECIMAL_AMOUNT_HINT };
  const exponent = minorUnitExponent(currency);
  const negative = text.startsWith('-');
  const [whole = '', fraction = ''] = text.replace(/^-/, '').split('.');
  if (fraction.replace(/0+$/, '').length > exponent) {
    const why = exponent === 0 ? `${currency} has no minor unit` : `${currency} has ${exponent} decimal places`;
    return { ok: false, message: `finer than the minor unit: ${why}` };
  }
  const minor = BigInt(whole + fraction.padEnd(exponent, '0').slice(0, exponent)) * (negative ? -1n : 1n);
  if (minor > BigInt(Number.MAX_SAFE_INTEGER) || minor < -BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, message: 'too large' };
  return { ok: true, minor: Number(minor) };
}
