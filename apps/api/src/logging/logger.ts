import { pino, type Logger } from 'pino';

/**
 * Paths whose values never reach a log line. Pino's redaction works on exact paths (with `*` for
 * one level), so the common nesting levels are listed explicitly. A field named `code` is redacted
 * unless its value reads as an error code (see {@link censor}).
 */
const SECRET_KEYS = [
  'password',
  'newPassword',
  'currentPassword',
  'passwordHash',
  'secret',
  'token',
  'code',
  'recoveryCode',
  'recoveryCodes',
  'oneTimePassword',
  'otpauthUri',
  'apiKey',
  'authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-csrf-token',
];
export const REDACT_PATHS = [
  ...SECRET_KEYS.map((k) => `["${k}"]`),
  ...SECRET_KEYS.map((k) => `*["${k}"]`),
  ...SECRET_KEYS.map((k) => `*.*["${k}"]`),
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  'DATABASE_URL',
  'REDIS_URL',
];

/**
 * Error codes an operator needs to see: Prisma's `P2002`, Node's `ECONNREFUSED` and `ERR_…`, a
 * PostgreSQL SQLSTATE (`23505`, `40P01`) and Baton's own words joined by `_` or `.`
 * (`internal_error`, `auth.session_ended`). One-time codes (six digits; recovery codes, lowercase
 * letters and digits with or without a hyphen; random strings) match none of these shapes.
 */
const ERROR_CODE = /^(?:P\d{4}|E[A-Z]{2,}[A-Z0-9_]*|ERR_[A-Z0-9_]+|[0-9A-Z]{5}|[a-z]+(?:[._][a-z]+)+)$/;

function censor(value: unknown, path: string[]): unknown {
  return path.at(-1) === 'code' && typeof value === 'string' && ERROR_CODE.test(value) ? value : '[redacted]';
}

export interface LoggerOptions {
  level: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was logged. */
  destination?: NodeJS.WritableStream;
  name?: string;
}

export function createLogger({ level, destination, name = 'baton' }: LoggerOptions): Logger {
  return pino(
    {
      name,
      level,
      base: { pid: process.pid, process: name },
      redact: { paths: REDACT_PATHS, censor },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ sync: false }),
  );
}

/** Removes credentials from a connection URL before it is shown to anyone. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const database = parsed.pathname.length > 1 ? parsed.pathname : '';
    return `${parsed.hostname}:${parsed.port || (parsed.protocol.startsWith('redis') ? '6379' : '5432')}${database}`;
  } catch {
    return '(unparseable URL)';
  }
}
