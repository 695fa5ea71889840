/**
 * Delinquency buckets by days past due (SPEC §2.1). Workflow-safe.
 */
export const BUCKETS = ['CURRENT', '1-30', '31-60', '61-90', '91-180', '180+'] as const;
export type Bucket = (typeof BUCKETS)[number];

export function bucketFor(daysPastDue: number): Bucket {
  if (daysPastDue <= 0) return 'CURRENT';
  if (daysPastDue <= 30) return '1-30';
  if (daysPastDue <= 60) return '31-60';
  if (daysPastDue <= 90) return '61-90';
  if (daysPastDue <= 180) return '91-180';
  return '180+';
}
