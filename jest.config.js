/** One run, three tiers: pure rules (src/**), integration against a real PostgreSQL and
 * end-to-end through HTTP (test/**). The global setup starts that PostgreSQL once. */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
      },
    ],
  },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Property tests from a fixed seed (TEST_PROPERTY_SEED to change it; see README, "Property tests").
  setupFilesAfterEnv: ['<rootDir>/test/support/property-seed.ts'],
  testTimeout: 60_000,
  maxWorkers: 2,
};
