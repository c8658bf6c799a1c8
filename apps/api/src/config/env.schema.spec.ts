import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PUBLISHED_SECRETS, SECRET_NAMES } from '@baton/security';
import { ConfigError, loadEnv } from './env.schema.js';

const ownSecrets = {
  APP_SECRET: randomBytes(32).toString('hex'),
  DATA_ENCRYPTION_KEYS: `k2:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`,
  BLIND_INDEX_KEY: randomBytes(32).toString('hex'),
};
const productionSecrets = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgresql://baton@db:5432/baton',
  REDIS_URL: 'redis://cache:6379',
  ...ownSecrets,
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
  it('starts in development with working defaults and the secrets it is given', () => {
    const env = loadEnv(ownSecrets);
    expect(env.NODE_ENV).toBe('development');
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBe('postgresql://postgres@127.0.0.1:5432/baton');
    expect(env.DATA_ENCRYPTION_KEYS[0]?.key).toHaveLength(32);
  });

  it('listens on loopback unless HOST says otherwise', () => {
    expect(loadEnv(ownSecrets).HOST).toBe('127.0.0.1');
    expect(loadEnv({ ...ownSecrets, HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
  });

  it('has no secret of its own: each one missing is named', () => {
    expect(problemsOf({})).toEqual(SECRET_NAMES.map((name) => expect.stringMatching(`^${name} is not set`)));
    expect(problemsOf({ NODE_ENV: 'test' })).toHaveLength(SECRET_NAMES.length);
  });

  it('accepts a production configuration with its own secrets, first key encrypting', () => {
    const env = loadEnv(productionSecrets);
    expect(env.NODE_ENV).toBe('production');
    expect(env.DATA_ENCRYPTION_KEYS.map((k) => k.id)).toEqual(['k2', 'k1']);
  });

  it.each(SECRET_NAMES)('refuses production when %s is missing, naming it', (name) => {
    const env: NodeJS.ProcessEnv = { ...productionSecrets, [name]: undefined };
    expect(problemsOf(env)).toEqual([expect.stringContaining(`${name} is required in production`)]);
  });

  describe.each(['development', 'production', undefined])('with NODE_ENV=%s', (nodeEnv) => {
    it.each(SECRET_NAMES)('refuses the published development value of %s, saying what to do', (name) => {
      const problems = problemsOf({
        ...productionSecrets,
        NODE_ENV: nodeEnv,
        [name]: PUBLISHED_SECRETS[name],
      });
      expect(problems).toEqual([
        expect.stringMatching(
          new RegExp(
            `^${name} is a development value published with Baton's source, so anyone can use it; .*set a value of your own`,
          ),
        ),
      ]);
      // The value itself is never repeated in the message.
      expect(problems.join()).not.toContain(PUBLISHED_SECRETS[name]);
    });
  });

  it('refuses the published data key among others, under any id', () => {
    const published = PUBLISHED_SECRETS.DATA_ENCRYPTION_KEYS.split(':')[1]!;
    expect(
      problemsOf({
        ...ownSecrets,
        DATA_ENCRYPTION_KEYS: `k2:${randomBytes(32).toString('base64')},old:${published}`,
      }),
    ).toEqual([expect.stringMatching(/^DATA_ENCRYPTION_KEYS is a development value published/)]);
  });

  it('refuses the published APP_SECRET as the previous one too (what it signed would stay forgeable)', () => {
    expect(problemsOf({ ...ownSecrets, APP_SECRET_PREVIOUS: PUBLISHED_SECRETS.APP_SECRET })).toEqual([
      "APP_SECRET_PREVIOUS is a development value published with Baton's source, so anyone could sign with it; remove it",
    ]);
    expect(loadEnv({ ...ownSecrets, APP_SECRET_PREVIOUS: 'x'.repeat(32) }).APP_SECRET_PREVIOUS).toBe(
      'x'.repeat(32),
    );
  });

  it('accepts the published values in tests only', () => {
    expect(loadEnv({ NODE_ENV: 'test', ...PUBLISHED_SECRETS }).NODE_ENV).toBe('test');
  });

  it('names every bad variable at once', () => {
    const problems = problemsOf({
      ...ownSecrets,
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
    expect(problemsOf({ ...ownSecrets, DATA_ENCRYPTION_KEYS: `a:${key},a:${key}` })).toEqual([
      'DATA_ENCRYPTION_KEYS: key ids must be unique',
    ]);
  });

  it('audit checkpoints: a file sink by default, a checked sink list, and each sink’s target required', () => {
    expect(loadEnv(ownSecrets).AUDIT_CHECKPOINT_SINKS).toEqual(['file']);
    expect(loadEnv({ ...ownSecrets, AUDIT_CHECKPOINT_SINKS: 'none' }).AUDIT_CHECKPOINT_SINKS).toEqual([]);
    expect(problemsOf({ ...ownSecrets, AUDIT_CHECKPOINT_SINKS: 'file,s3' })).toEqual([
      'AUDIT_CHECKPOINT_SINKS: a comma list of file, webhook, syslog, or none',
    ]);
    expect(problemsOf({ ...ownSecrets, AUDIT_CHECKPOINT_SINKS: 'file, webhook,syslog' })).toEqual([
      'AUDIT_CHECKPOINT_WEBHOOK_URL is required when AUDIT_CHECKPOINT_SINKS includes webhook',
      'AUDIT_CHECKPOINT_SYSLOG_URL is required when AUDIT_CHECKPOINT_SINKS includes syslog',
    ]);
    expect(problemsOf({ ...ownSecrets, AUDIT_CHECKPOINT_SYSLOG_URL: 'syslog.example:514' })).toEqual([
      'AUDIT_CHECKPOINT_SYSLOG_URL: must be udp://host:port or tcp://host:port',
    ]);
  });
  it('metrics: off unless configured; a short token or a bad network is refused without echoing the token', () => {
    const off = loadEnv(ownSecrets);
    expect([off.METRICS_TOKEN, off.METRICS_ALLOW_NETWORKS]).toEqual([undefined, undefined]);
    const short = 'scrape-me-please';
    const problems = problemsOf({
      ...ownSecrets,
      METRICS_TOKEN: short,
      METRICS_ALLOW_NETWORKS: '10.0.0.0/33',
    });
    expect(problems).toEqual([
      'METRICS_TOKEN: must be at least 32 characters',
      'METRICS_ALLOW_NETWORKS: "10.0.0.0/33" is not an IPv4 or IPv6 address or CIDR',
    ]);
    expect(problems.join('\n')).not.toContain(short);
    const on = loadEnv({ ...ownSecrets, METRICS_ALLOW_NETWORKS: '10.0.0.0/8,::1' });
    expect(on.METRICS_ALLOW_NETWORKS?.allows('10.9.8.7')).toBe(true);
  });
});
