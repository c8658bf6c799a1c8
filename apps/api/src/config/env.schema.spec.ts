import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_SECRETS, loadEnv } from './env.schema.js';

const productionSecrets = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgresql://baton@db:5432/baton',
  REDIS_URL: 'redis://cache:6379',
  APP_SECRET: randomBytes(32).toString('hex'),
  DATA_ENCRYPTION_KEYS: `k2:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`,
  BLIND_INDEX_KEY: randomBytes(32).toString('hex'),
};

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadEnv(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('loadEnv', () => {
  it('starts in development with working defaults', () => {
    const env = loadEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBe('postgresql://postgres@127.0.0.1:5432/baton');
    expect(env.DATA_ENCRYPTION_KEYS[0]?.key).toHaveLength(32);
  });

  it('accepts a production configuration with its own secrets, first key encrypting', () => {
    const env = loadEnv(productionSecrets);
    expect(env.NODE_ENV).toBe('production');
    expect(env.DATA_ENCRYPTION_KEYS.map((k) => k.id)).toEqual(['k2', 'k1']);
  });

  it.each(Object.keys(DEV_SECRETS))('refuses production when %s is missing, naming it', (name) => {
    const env: NodeJS.ProcessEnv = { ...productionSecrets, [name]: undefined };
    expect(problemsOf(env)).toContainEqual(expect.stringContaining(`${name} is required in production`));
  });

  it.each(Object.entries(DEV_SECRETS))(
    'refuses production when %s is the development default',
    (name, value) => {
      expect(problemsOf({ ...productionSecrets, [name]: value })).toEqual([
        `${name} is still the development default; set a unique secret for production`,
      ]);
    },
  );

  it('names every bad variable at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
      DATA_ENCRYPTION_KEYS: 'k1:short',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^PORT: /),
      'DATABASE_URL: must be a postgresql:// URL',
      'DATA_ENCRYPTION_KEYS: each entry must be `id:<32 bytes in base64>`',
    ]);
  });

  it('rejects duplicate encryption key ids', () => {
    const key = randomBytes(32).toString('base64');
    expect(problemsOf({ DATA_ENCRYPTION_KEYS: `a:${key},a:${key}` })).toEqual([
      'DATA_ENCRYPTION_KEYS: key ids must be unique',
    ]);
  });

  it('audit checkpoints: a file sink by default, a checked sink list, and each sink’s target required', () => {
    expect(loadEnv({}).AUDIT_CHECKPOINT_SINKS).toEqual(['file']);
    expect(loadEnv({ AUDIT_CHECKPOINT_SINKS: 'none' }).AUDIT_CHECKPOINT_SINKS).toEqual([]);
    expect(problemsOf({ AUDIT_CHECKPOINT_SINKS: 'file,s3' })).toEqual([
      'AUDIT_CHECKPOINT_SINKS: a comma list of file, webhook, syslog, or none',
    ]);
    expect(problemsOf({ AUDIT_CHECKPOINT_SINKS: 'file, webhook,syslog' })).toEqual([
      'AUDIT_CHECKPOINT_WEBHOOK_URL is required when AUDIT_CHECKPOINT_SINKS includes webhook',
      'AUDIT_CHECKPOINT_SYSLOG_URL is required when AUDIT_CHECKPOINT_SINKS includes syslog',
    ]);
    expect(problemsOf({ AUDIT_CHECKPOINT_SYSLOG_URL: 'syslog.example:514' })).toEqual([
      'AUDIT_CHECKPOINT_SYSLOG_URL: must be udp://host:port or tcp://host:port',
    ]);
  });
});
