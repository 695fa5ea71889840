/** The workflows this worker serves; workflow code lives one concern per file beside this. */
export * from './account/account-collection';
export * from './daily-screening';
