/**
 * What an outbound contact needs about the account's borrower. Personal data is
 * read here, inside activities, and never returned to a workflow.
 */
import { z } from 'zod';
import type { Queryable } from './pool';

const contactRow = z.object({
  account_id: z.string(),
  borrower_id: z.string(),
  product: z.enum(['LOAN', 'CREDIT_CARD']),
  mobile_phone: z.string().nullable(),
});
export type AccountContact = z.infer<typeof contactRow>;

export async function loadAccountContact(db: Queryable, accountId: string): Promise<AccountContact | undefined> {
  const { rows } = await db.query(
    `SELECT a.id AS account_id, a.borrower_id, a.product, p.mobile_phone
       FROM accounts a LEFT JOIN borrower_personal_data p ON p.borrower_id = a.borrower_id
      WHERE a.id = $1`,
    [accountId],
  );
  return rows[0] ? contactRow.parse(rows[0]) : undefined;
}
