import { pino, type Logger } from 'pino';

/**
 * Paths whose values never reach a log line. Pino's redaction works on exact paths (with `*` for
 * one level), so the common nesting levels are listed explicitly.
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
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
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
