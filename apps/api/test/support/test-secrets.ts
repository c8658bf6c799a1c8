/**
 * The test suite's own fixed keys: every api and worker a test starts, in process or as a built
 * process, uses them, so one test's process reads what another's encrypted. They are not the
 * development values the product refuses, and no installation ever uses them (they exist only here).
 */
export const TEST_SECRETS = {
  APP_SECRET: 'baton-test-suite-app-secret-0000000000000000',
  DATA_ENCRYPTION_KEYS: `test1:${Buffer.from('baton-test-suite-data-key-32byte').toString('base64')}`,
  BLIND_INDEX_KEY: 'baton-test-suite-blind-index-key-000000000000',
} as const;
