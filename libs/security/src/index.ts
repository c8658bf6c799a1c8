/** Framework-free security primitives shared by the API and the operator tools. */
export * from './audit-chain.js';
export * from './audit-checkpoint.js';
export * from './audit-checkpoint-files.js';
export * from './audit-archive.js';
export * from './password.hasher.js';
export * from './password.policy.js';
export * from './install-secrets.js';
export * from './migrations-state.js';
export * from './sql-runner.js';
export * from './data-encryption.js';
export * from './database-readiness.js';
export * from './database-role.js';
