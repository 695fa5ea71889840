/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // jose (token verification) ships ES modules only: swc turns them into CommonJS for Jest.
  transform: { '^.+\\.ts$': ['@swc/jest'], '/node_modules/jose/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  testMatch: ['<rootDir>/**/*.test.ts'],
  // The simulated year drives the time-skipping server as fast as the worker settles; beside
  // another suite on 2 cores it stalled past its 240 s (and took the next suite of its worker
  // down with it); alone it takes about 30 s but stalled once too. `npm run test:simulation` runs it apart.
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.data/', '/.tools/', ...(process.env.ARREARS_SIMULATION_TESTS ? [] : ['/src/simulation/'])],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.data/', '<rootDir>/.tools/'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  setupFiles: ['<rootDir>/test/setup-runtime.ts'],
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  testTimeout: 120_000,
  // 2 cores: one test file per core; each file has its own servers or workers.
  maxWorkers: 2,
};
