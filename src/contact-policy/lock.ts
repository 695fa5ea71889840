/**
 * The borrower's contact lock: a transaction-scoped advisory lock per borrower. The contact
 * policy holds it from its check to its record, so two accounts of one borrower never both
 * slip under a cap; a consent withdrawal takes it too, so a family contact being checked
 * either goes out before the withdrawal or is refused after it.
 */

/** The SQL call that takes the lock of the borrower whose id is the expression `borrowerIdSql`. */
export const BORROWER_CONTACT_LOCK_SQL = (borrowerIdSql: string) => `pg_advisory_xact_lock(hashtextextended('contact-policy:' || ${borrowerIdSql}, 0))`;
