/**
 * The advisory lock every migration runner takes on the database. Its own module so
 * tests can hold it without loading node-pg-migrate (ESM-only, which jest cannot load).
 */
export const MIGRATION_LOCK_ID = 7241865325823964; // node-pg-migrate's own default, kept so older runners agree
