import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import { afterAll, beforeAll } from 'vitest';
import { createApi } from '../../src/bootstrap.js';
import { DataEncryptionService } from '../../src/common/crypto/data-encryption.service.js';
import { AuditSealerService } from '../../src/modules/audit/audit-sealer.service.js';
import { hashPassword, mfaSecretContext } from '@baton/security';
import { newTotpSecret } from '../../src/modules/mfa/totp.js';
import { PrismaService } from '../../src/prisma/prisma.service.js';
import { capturingLogger, testEnv } from './test-env.js';

export interface TestApi {
  app: NestExpressApplication;
  base: string;
  prisma: PrismaService;
  sealAll: () => Promise<number>;
  /** What the instance logged (at `logLevel` and above), as JSON lines. */
  logs: () => Record<string, unknown>[];
  close: () => Promise<void>;
}

/**
 * A real API instance on a free port, against this run's database and Redis. Passport registers its
 * strategy process-wide (the last instance created wins), so a test file closes its instances together.
 */
export async function startApi(
  overrides: NodeJS.ProcessEnv = {},
  { logLevel = 'warn' }: { logLevel?: string } = {},
): Promise<TestApi> {
  const log = capturingLogger(logLevel);
  const app = await createApi(testEnv(overrides), log.logger);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    app,
    base: `http://127.0.0.1:${port}`,
    prisma: app.get(PrismaService),
    sealAll: () => app.get(AuditSealerService).sealAll(),
    logs: log.lines,
    close: () => app.close(),
  };
}

/**
 * One API instance for the enclosing `describe` (or file): started before its tests, closed after
 * them. The returned value stands for that instance, so tests use it like `startApi`'s result.
 */
export function useApi(overrides: NodeJS.ProcessEnv = {}): TestApi {
  let started: TestApi | undefined;
  beforeAll(async () => {
    started = await startApi(overrides);
  });
  afterAll(async () => {
    await started?.close();
  });
  return new Proxy({} as TestApi, {
    get: (_target, key: keyof TestApi) => {
      if (!started) throw new Error('The API starts in beforeAll: use it in hooks and tests.');
      return started[key];
    },
  });
}

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

let ipCounter = 0;
/**
 * A distinct client address per call, so rate limits and audit rows of one test never touch another.
 * Test files run in their own processes against one database: 10.0.0.0/8 is split into a block of
 * 512 addresses per process id (ids stay below 32,768 on Linux by default).
 */
export function uniqueIp(): string {
  ipCounter += 1;
  if (ipCounter >= 512) throw new Error('uniqueIp: more than 511 client addresses in one test file');
  const value = (process.pid % 32_768) * 512 + ipCounter;
  return `10.${value >>> 16}.${(value >>> 8) & 255}.${value & 255}`;
}

/** A browser-like client: keeps cookies, echoes the CSRF token, comes from its own IP (via the trusted proxy header). */
export class Client {
  private readonly cookies = new Map<string, string>();
  readonly ip: string;

  constructor(
    private base: string,
    ip?: string,
  ) {
    this.ip = ip ?? uniqueIp();
  }

  /** The same cookies against another API instance (another server of the same deployment). */
  on(base: string): this {
    this.base = base;
    return this;
  }

  /** The Cookie header this client sends (for a socket.io client of the same browser). */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  get csrfToken(): string | undefined {
    return this.cookies.get('baton_csrf');
  }

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    options: { csrf?: boolean } = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = { 'x-forwarded-for': this.ip, 'user-agent': 'baton-tests' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.cookies.size > 0) headers.cookie = this.cookieHeader();
    const csrf = this.csrfToken;
    if (csrf && options.csrf !== false) headers['x-csrf-token'] = csrf;
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers,
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = decodeURIComponent(pair!.slice(eq + 1));
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (CSV export): keep the text
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get<T = Record<string, unknown>>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = Record<string, unknown>>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
}

/** A TOTP code for `secret`, `offsetSteps` time steps from now (each step is 30 s). */
export function totp(secret: string, offsetSteps = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  totpSecret?: string;
}

/** A ready-to-use account (password already chosen; MFA enrolled when `mfa`), created directly in the database. */
export async function createUser(
  api: TestApi,
  options: { roles?: string[]; mfa?: boolean; email?: string; displayName?: string } = {},
): Promise<TestUser> {
  const email = options.email ?? `user-${randomBytes(5).toString('hex')}@example.test`;
  const password = `Pw-${randomBytes(12).toString('base64url')}`;
  const roles = await api.prisma.role.findMany({ where: { name: { in: options.roles ?? ['agent'] } } });
  const user = await api.prisma.user.create({
    data: {
      email,
      displayName: options.displayName ?? email.split('@')[0]!,
      passwordHash: await hashPassword(password),
      mustChangePassword: false,
      roles: { create: roles.map((r) => ({ roleId: r.id })) },
    },
  });
  if (!options.mfa) return { id: user.id, email, password };
  const totpSecret = newTotpSecret();
  const sealed = api.app.get(DataEncryptionService).encrypt(totpSecret, mfaSecretContext(user.id));
  await api.prisma.mfaFactor.create({
    data: {
      userId: user.id,
      secretCiphertext: sealed.ciphertext,
      keyId: sealed.keyId,
      activatedAt: new Date(),
    },
  });
  return { id: user.id, email, password, totpSecret };
}

/** Signs in completely (password, then a TOTP code when enrolled) and returns the client. */
export async function signIn(
  api: Pick<TestApi, 'base'>,
  user: TestUser,
  client = new Client(api.base),
): Promise<Client> {
  const login = await client.post<{ pending: string | null }>('/api/v1/auth/login', {
    email: user.email,
    password: user.password,
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  if (login.body.pending === 'mfa_verification') {
    const verified = await client.post('/api/v1/auth/mfa/verify', { code: await totp(user.totpSecret!) });
    if (verified.status !== 200)
      throw new Error(`MFA failed: ${verified.status} ${JSON.stringify(verified.body)}`);
  }
  return client;
}

/**
 * Lets the next TOTP code of the current time step be accepted again. Only for tests that need
 * several MFA confirmations within 30 s and are not about replay protection.
 */
export async function forgetLastTotpStep(api: TestApi, userId: string): Promise<void> {
  await api.prisma.mfaFactor.update({ where: { userId }, data: { lastUsedStep: null } });
}

/** How long `eventually` keeps reading, and how often. */
export interface EventuallyOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Reads until `ok` holds or the time is up, then returns the last value read, so the caller's
 * assertion on it fails with what was actually seen. The one polling function of the test suites.
 */
export async function eventually<T>(
  read: () => T | Promise<T>,
  ok: (value: T) => boolean,
  options: number | EventuallyOptions = {},
): Promise<T> {
  const { timeoutMs = 8_000, intervalMs = 50 } =
    typeof options === 'number' ? { timeoutMs: options } : options;
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
