/**
 * Money is held as integer minor units (cents, fen) everywhere: in Postgres (bigint),
 * in workflow state and in every message. Never a float, except where Temporal's
 * visibility needs one (the AmountOverdue search attribute, in major units).
 * Workflow-safe.
 */
import { z } from 'zod';

/** ISO 4217 minor-unit exponents that differ from the usual 2. */
const MINOR_UNIT_EXPONENT: Readonly<Record<string, number>> = { JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0, BHD: 3, KWD: 3, OMR: 3, TND: 3 };

export const currencySchema = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as CNY');

export const minorUnitsSchema = z
  .number()
  .int('an integer number of minor units (e.g. cents)')
  .refine(Number.isSafeInteger, 'too large');

export function minorUnitExponent(currency: string): number {
  return MINOR_UNIT_EXPONENT[currency] ?? 2;
}

/** Minor units to major units, for display and for the AmountOverdue search attribute. */
export function toMajorUnits(amountMinor: number, currency: string): number {
  return amountMinor / 10 ** minorUnitExponent(currency);
}

export function formatMoney(amountMinor: number, currency: string): string {
  const exponent = minorUnitExponent(currency);
  return `${currency} ${(amountMinor / 10 ** exponent).toFixed(exponent)}`;
}
