/**
 * Upserts a workflow's search attributes only when they changed: every upsert is a history
 * event, and the workflows publish their attributes after each read of the figures.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { upsertSearchAttributes } from '@temporalio/workflow';
import type { AccountFigures } from '../../../src/domain/account';
import { toMajorUnits } from '../../../src/domain/money';
import { AmountOverdue, Bucket, DaysPastDue, RiskTier } from '../contract/search-attributes';

/** One per run: remembers what it last upserted. */
export function searchAttributesPublisher(): (attributes: SearchAttributeUpdatePair[]) => void {
  let lastPublished = '';
  return (attributes) => {
    const fingerprint = JSON.stringify(attributes.map((a) => [a.key.name, a.value]));
    if (fingerprint === lastPublished) return;
    lastPublished = fingerprint;
    upsertSearchAttributes(attributes);
  };
}

/** The attributes the figures give (none before the first read). */
export function figuresSearchAttributes(f: AccountFigures | undefined): SearchAttributeUpdatePair[] {
  if (!f) return [];
  return [
    { key: DaysPastDue, value: f.daysPastDue },
    { key: AmountOverdue, value: toMajorUnits(f.amountOverdue, f.currency) },
    { key: Bucket, value: f.bucket },
    { key: RiskTier, value: f.riskTier },
  ];
}
