export * from './audit.js';
export * from './auth.js';
export * from './conversations.js';
export * from './errors.js';
export * from './health.js';
export * from './realtime.js';
export * from './users.js';
