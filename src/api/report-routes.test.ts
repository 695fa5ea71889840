/**
 * GET /reports/effectiveness on the real API over the effectiveness fixture (a database of
 * this file's own: the report reads every record), and its place in the OpenAPI document.
 */
import type { Client } from '@temporalio/client';
import { newCodecKeys, startTestApi, type TestApi, testTemporalAddress } from '../../test/support';
import { ownTestDatabase } from '../../test/own-database';
import { createPool, type Pool } from '../db/pool';
import { loadCollectionCosts } from '../effectiveness/costs';
import { writeEffectivenessFixture } from '../effectiveness/fixture';
import { buildEffectivenessReport } from '../effectiveness/report';
import { effectivenessReportSchema } from '../effectiveness/report-schema';
import { connectClient } from '../temporal/client';
import { tokenOfRole } from '../../test/test-identities';
import { errorBody } from './errors';

interface OpenApi {
  paths: Record<string, { get: { parameters: { name: string }[]; responses: Record<string, { content: Record<string, { schema: { properties: object } }> }> } }>;
}

let pool: Pool;
let temporal: Client;
let api: TestApi;

beforeAll(async () => {
  pool = createPool(await ownTestDatabase('effectiveness_api'), 3);
  await writeEffectivenessFixture(pool);
  const codecKeys = newCodecKeys();
  temporal = await connectClient({ address: testTemporalAddress(), namespace: 'default', codecKeys });
  api = await startTestApi({ pool, temporal, codecKeys });
});
afterAll(async () => {
  await api?.close();
  await temporal?.connection.close();
  await pool?.end();
});

const get = async (path: string) => {
  const response = await fetch(`${api.baseUrl}${path}`, { headers: { authorization: `Bearer ${await tokenOfRole('SUPERVISOR')}` } });
  return { status: response.status, json: (await response.json()) as unknown };
};

it('answers the report for the period and dimension asked, with the configured costs', async () => {
  const { status, json: body } = await get('/reports/effectiveness?from=2026-01-01&to=2026-03-31&by=experiment&cureWithinDays=30');
  expect(status).toBe(200);
  const json = effectivenessReportSchema.parse(body);
  expect(json.groups.map((g) => [g.key, g.cureRate])).toEqual([
    ['none', { hits: 1, of: 3, rate: 1 / 3 }],
    ['trial:challenger', { hits: 1, of: 1, rate: 1 }],
    ['trial:champion', { hits: 0, of: 1, rate: 0 }],
  ]);
  expect(json.total.amountRecovered).toBe(8800);
  expect(json.costConfigVersion).toBe(loadCollectionCosts().version);
  expect(json).toEqual(await buildEffectivenessReport(pool, { from: '2026-01-01', to: '2026-03-31', by: 'experiment' }, loadCollectionCosts()));
});

it('refuses a bad dimension, a bad date and a period that ends before it starts, naming the field', async () => {
  const badBy = await get('/reports/effectiveness?by=agent');
  expect(badBy.status).toBe(400);
  expect(errorBody.parse(badBy.json).issues?.join(' ')).toContain('by');
  const badDate = await get('/reports/effectiveness?from=2026-13-01');
  expect(badDate.status).toBe(400);
  expect(errorBody.parse(badDate.json).issues?.join(' ')).toContain('from');
  const backwards = await get('/reports/effectiveness?from=2026-03-01&to=2026-02-01');
  expect(backwards).toEqual({ status: 400, json: { error: 'invalid request', issues: ['from: 2026-03-01 is after to (2026-02-01)'] } });
});

it('is described in the OpenAPI document with its query and answer', async () => {
  const { json } = await get('/openapi.json');
  const operation = (json as OpenApi).paths['/reports/effectiveness']!.get;
  expect(operation.parameters.map((p) => p.name).sort()).toEqual(['by', 'cureWithinDays', 'from', 'to']);
  expect(Object.keys(operation.responses['200']!.content['application/json']!.schema.properties)).toEqual(expect.arrayContaining(['groups', 'total', 'rollRates', 'cureCurves', 'definitions']));
});
