/** The account workflow's contract: what clients, activities and the workflow share. Imports only src/. */
export * from './carried-state';
export * from './input';
export * from './messages';
export * from './search-attributes';
export * from './summary';
