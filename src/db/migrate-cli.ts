/** `npm run migrate`: applies pending migrations to DATABASE_URL. */
import { config } from '../config';
import { logger } from '../logger';
import { migrateUp } from './migrate';

async function main(): Promise<void> {
  const { DATABASE_URL } = config();
  if (!DATABASE_URL) throw new Error('DATABASE_URL is not set: name the database to migrate');
  await migrateUp(DATABASE_URL, logger);
}

main().catch((err) => {
  logger.fatal({ err }, 'migration failed');
  process.exit(1);
});
