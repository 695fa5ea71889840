/**
 * Upserts a workflow's search attributes only when they changed: every upsert is a history
 * event, and the workflows publish their attributes after each read of the figures.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { upsertSearchAttributes } from '@temporalio/workflow';

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
