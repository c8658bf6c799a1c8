import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createSecretsFile,
  generateSecrets,
  isPublished,
  PUBLISHED_SECRETS,
  publishedSecretProblems,
  readSecretsFile,
  SECRET_NAMES,
  SecretsError,
  withInstallSecrets,
} from './install-secrets.js';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'baton-secrets-'));
});
afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** A first start: nothing in the environment but where the secrets file goes. */
function firstStart(file: string, env: NodeJS.ProcessEnv = {}) {
  const said: string[] = [];
  const result = withInstallSecrets(
    { SECRETS_FILE: file, ...env },
    { defaultFile: join(scratch, 'not-this.env'), say: (line) => said.push(line) },
  );
  return { env: result, said };
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe('installation secrets', () => {
  it('are generated on the first start into a file only the owner can read, in a folder only the owner can enter', () => {
    const file = join(scratch, '.data', 'secrets.env');
    const { env, said } = firstStart(file);

    expect(mode(file)).toBe(0o600);
    expect(mode(join(scratch, '.data'))).toBe(0o700);
    expect(said).toEqual([
      expect.stringMatching(
        /^generated this installation's secrets in .*\.data\/secrets\.env — back it up; without it encrypted data cannot be read$/,
      ),
    ]);
    // What was said names the file, never a value.
    for (const name of SECRET_NAMES) expect(said.join()).not.toContain(env[name]);
    // 32 random bytes each; the data key as `id:base64`, the form DATA_ENCRYPTION_KEYS takes.
    expect(env.DATA_ENCRYPTION_KEYS).toMatch(/^k1:[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(env.DATA_ENCRYPTION_KEYS!.slice(3), 'base64')).toHaveLength(32);
    expect(Buffer.from(env.APP_SECRET!, 'base64url')).toHaveLength(32);
    expect(env.APP_SECRET!.length).toBeGreaterThanOrEqual(32);
    expect(Buffer.from(env.BLIND_INDEX_KEY!, 'base64url')).toHaveLength(32);
    expect(publishedSecretProblems(env)).toEqual([]);
    expect(readSecretsFile(file)).toEqual(Object.fromEntries(SECRET_NAMES.map((n) => [n, env[n]])));
  });

  it('differ between installations and between the three secrets', () => {
    const a = firstStart(join(scratch, 'a', 'secrets.env')).env;
    const b = firstStart(join(scratch, 'b', 'secrets.env')).env;
    for (const name of SECRET_NAMES) expect(a[name]).not.toBe(b[name]);
    expect(a.APP_SECRET).not.toBe(a.BLIND_INDEX_KEY);
  });

  it('are reused by every later start, silently, and the file is never rewritten', () => {
    const file = join(scratch, 'secrets.env');
    const first = firstStart(file);
    const before = readFileSync(file, 'utf8');
    const again = firstStart(file);
    expect(again.said).toEqual([]);
    for (const name of SECRET_NAMES) expect(again.env[name]).toBe(first.env[name]);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('give way to values set in the environment, and are not generated when all are set', () => {
    const file = join(scratch, 'secrets.env');
    const own = generateSecrets();
    expect(firstStart(file, own).env).toMatchObject(own);
    expect(() => statSync(file)).toThrow();

    const partly = firstStart(file, { APP_SECRET: own.APP_SECRET }).env;
    expect(partly.APP_SECRET).toBe(own.APP_SECRET);
    expect(partly.BLIND_INDEX_KEY).toBe(readSecretsFile(file)?.BLIND_INDEX_KEY);
  });

  it('are never read or written under NODE_ENV=test, where the tests set their own', () => {
    const file = join(scratch, 'secrets.env');
    const { env } = firstStart(file, { NODE_ENV: 'test' });
    expect(env.APP_SECRET).toBeUndefined();
    expect(() => statSync(file)).toThrow();
  });

  it('are read but never generated in production', () => {
    const file = join(scratch, 'secrets.env');
    expect(firstStart(file, { NODE_ENV: 'production' }).env.APP_SECRET).toBeUndefined();
    expect(() => statSync(file)).toThrow();

    const generated = firstStart(file).env;
    expect(firstStart(file, { NODE_ENV: 'production' }).env.APP_SECRET).toBe(generated.APP_SECRET);
  });

  it('refuse a file other users may read or write, leaving it as it is', () => {
    const file = join(scratch, 'secrets.env');
    firstStart(file);
    for (const loose of [0o640, 0o604, 0o620]) {
      chmodSync(file, loose);
      expect(() => firstStart(file)).toThrow(SecretsError);
      try {
        firstStart(file);
      } catch (error) {
        expect((error as SecretsError).problems).toEqual([
          expect.stringContaining(
            `can be read or written by other users (mode ${loose.toString(8)}); run \`chmod 600`,
          ),
        ]);
      }
      expect(mode(file)).toBe(loose);
    }
  });

  it('name a secret the file lacks instead of replacing the file', () => {
    const file = join(scratch, 'secrets.env');
    writeFileSync(file, 'APP_SECRET=x\n', { mode: 0o600 });
    expect(() => firstStart(file)).toThrow(
      expect.objectContaining({
        problems: [
          expect.stringMatching(/^DATA_ENCRYPTION_KEYS is set neither in the environment nor in /),
          expect.stringMatching(/^BLIND_INDEX_KEY is set neither/),
        ],
      }),
    );
    expect(readFileSync(file, 'utf8')).toBe('APP_SECRET=x\n');
  });

  it('are created atomically: a file already in place wins and no temporary file is left', () => {
    const file = join(scratch, 'secrets.env');
    const first = createSecretsFile(file, generateSecrets());
    const second = createSecretsFile(file, generateSecrets());
    expect(first.created).toBe(true);
    expect(second).toEqual({ secrets: first.secrets, created: false });
    expect(readdirSync(scratch)).toEqual(['secrets.env']);
  });

  it('come out the same for starts racing on a fresh installation, only one of them announcing it', async () => {
    const file = join(scratch, 'race', 'secrets.env');
    const module = fileURLToPath(new URL('./install-secrets.ts', import.meta.url));
    const script = `
      const { withInstallSecrets } = await import(${JSON.stringify(module)});
      const said = [];
      const env = withInstallSecrets(
        { SECRETS_FILE: ${JSON.stringify(file)} },
        { defaultFile: '/nonexistent', say: (l) => said.push(l) },
      );
      console.log(JSON.stringify({ secret: env.APP_SECRET, said: said.length }));`;
    const runs = await Promise.all(
      Array.from(
        { length: 4 },
        () =>
          new Promise<{ secret: string; said: number }>((resolve, reject) => {
            const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
              cwd: REPO_ROOT,
              stdio: ['ignore', 'pipe', 'inherit'],
            });
            let out = '';
            child.stdout.on('data', (c: Buffer) => (out += c.toString()));
            child.once('exit', (code) =>
              code === 0
                ? resolve(JSON.parse(out) as { secret: string; said: number })
                : reject(new Error(`exit ${code}`)),
            );
          }),
      ),
    );
    expect(new Set(runs.map((r) => r.secret)).size).toBe(1);
    expect(runs.reduce((sum, r) => sum + r.said, 0)).toBe(1);
    expect(readdirSync(join(scratch, 'race'))).toEqual(['secrets.env']);
  }, 60_000);
});

describe('the published development secrets', () => {
  it.each(SECRET_NAMES)('are named when %s is one, outside tests only, without the value', (name) => {
    const env = { ...generateSecrets(), [name]: PUBLISHED_SECRETS[name] };
    for (const NODE_ENV of ['development', 'production', undefined]) {
      const problems = publishedSecretProblems({ ...env, NODE_ENV });
      expect(problems).toEqual([
        expect.stringMatching(new RegExp(`^${name} is a development value published`)),
      ]);
      expect(problems.join()).not.toContain(PUBLISHED_SECRETS[name]);
    }
    expect(publishedSecretProblems({ ...env, NODE_ENV: 'test' })).toEqual([]);
  });

  it('include the data key under any id and among other keys', () => {
    const published = PUBLISHED_SECRETS.DATA_ENCRYPTION_KEYS.split(':')[1];
    const own = generateSecrets().DATA_ENCRYPTION_KEYS;
    expect(isPublished('DATA_ENCRYPTION_KEYS', `${own}, old:${published}`)).toBe(true);
    expect(isPublished('DATA_ENCRYPTION_KEYS', own)).toBe(false);
  });
});
