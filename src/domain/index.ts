/** The shared domain vocabulary, in one place. Workflow-safe: no Node imports below here. */
export * from './account';
export * from './buckets';
export * from './dates';
export * from './failures';
export * from './figures-refresh';
export * from './ids';
export * from './money';
export * from './payment-event';
export * from './payment-reversal';
export * from './stages';
