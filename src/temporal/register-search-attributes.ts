/**
 * Registers the custom search attributes (SPEC §8) through the operator API, for
 * servers not started by our launcher with --search-attribute flags (the
 * time-skipping test server, an existing cluster). Registering again is harmless.
 */
import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { ARREARS_SEARCH_ATTRIBUTES } from '../../workflows/account/contract/search-attributes';

const ALREADY_EXISTS = 6;

export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const searchAttributes: Record<string, temporal.api.enums.v1.IndexedValueType> = {};
  for (const key of ARREARS_SEARCH_ATTRIBUTES) {
    searchAttributes[key.name] = temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`];
  }
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
  } catch (err) {
    if ((err as { code?: number }).code !== ALREADY_EXISTS) throw err;
  }
}
