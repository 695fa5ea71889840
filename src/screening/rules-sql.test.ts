import { bucketFor } from '../domain/buckets';
import type { Pool } from '../db/pool';
import { testPool } from '../../test/support';
import { bucketSql } from './rules-sql';

let pool: Pool;
beforeAll(() => {
  pool = testPool('shared');
});
afterAll(async () => {
  await pool.end();
});

test('the SQL bucket agrees with bucketFor on every day from 0 to 400', async () => {
  const { rows } = await pool.query(`SELECT d, ${bucketSql('d')} AS bucket FROM generate_series(0, 400) AS d`);
  expect(rows).toHaveLength(401);
  for (const { d, bucket } of rows as { d: number; bucket: string }[]) expect([d, bucket]).toEqual([d, bucketFor(d)]);
});
