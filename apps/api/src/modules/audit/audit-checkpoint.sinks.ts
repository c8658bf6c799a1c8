import { Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdir, open } from 'node:fs/promises';
import { connect } from 'node:net';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import type { CheckpointSinkName } from '../../config/audit-checkpoint.env.js';
import { ConfigService } from '../../config/config.service.js';

const TIMEOUT_MS = 5_000;
const WEBHOOK_ATTEMPTS = 3;

/** A sink failure with a message safe to log: no URL query, no secret, no response body. */
export class CheckpointSinkError extends Error {
  constructor(
    readonly sink: CheckpointSinkName,
    message: string,
  ) {
    super(`${sink} sink: ${message}`);
    this.name = 'CheckpointSinkError';
  }
}

const reason = (error: unknown) =>
  (error as NodeJS.ErrnoException).code ?? (error as Error).name ?? 'unknown error';

/**
 * Where signed checkpoints leave PostgreSQL. Each sink gets the checkpoint as one JSON line; a sink
 * that throws is retried later by {@link AuditCheckpointService}.
 */
@Injectable()
export class AuditCheckpointSinks {
  constructor(private readonly config: ConfigService) {}

  deliver(sink: CheckpointSinkName, line: string): Promise<void> {
    switch (sink) {
      case 'file':
        return this.appendToFile(line);
      case 'webhook':
        return this.postToWebhook(line);
      case 'syslog':
        return this.sendToSyslog(line);
    }
  }

  /** Appends (O_APPEND, never truncating) one line in a single write, then fsyncs. */
  private async appendToFile(line: string): Promise<void> {
    const file = this.config.env.AUDIT_CHECKPOINT_FILE;
    try {
      await mkdir(dirname(file), { recursive: true, mode: 0o700 });
      const handle = await open(file, 'a', 0o600);
      try {
        await handle.write(`${line}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (error) {
      throw new CheckpointSinkError('file', `appending failed (${reason(error)})`);
    }
  }

  private async postToWebhook(line: string): Promise<void> {
    const { AUDIT_CHECKPOINT_WEBHOOK_URL: url, AUDIT_CHECKPOINT_WEBHOOK_SECRET: secret } = this.config.env;
    if (!url) throw new CheckpointSinkError('webhook', 'AUDIT_CHECKPOINT_WEBHOOK_URL is not set');
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'baton' };
    if (secret)
      headers['x-baton-checkpoint-signature'] =
        `sha256=${createHmac('sha256', secret).update(line).digest('hex')}`;
    let last = '';
    for (let attempt = 1; attempt <= WEBHOOK_ATTEMPTS; attempt += 1) {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers,
          body: line,
          redirect: 'manual',
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        await response.body?.cancel();
        if (response.ok) return;
        last = `HTTP ${response.status}`;
      } catch (error) {
        last = reason(error);
      }
      if (attempt < WEBHOOK_ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
    throw new CheckpointSinkError(
      'webhook',
      `POST to ${new URL(url).origin} failed ${WEBHOOK_ATTEMPTS} times (${last})`,
    );
  }

  /** RFC 5424 (facility 13, log audit; severity 6, informational), over UDP or octet-counted TCP (RFC 6587). */
  private async sendToSyslog(line: string): Promise<void> {
    const target = this.config.env.AUDIT_CHECKPOINT_SYSLOG_URL;
    if (!target) throw new CheckpointSinkError('syslog', 'AUDIT_CHECKPOINT_SYSLOG_URL is not set');
    const url = new URL(target);
    const host = url.hostname;
    const port = Number(url.port);
    const message = `<110>1 ${new Date().toISOString()} ${hostname() || '-'} baton ${process.pid} audit-checkpoint - ${line}`;
    try {
      if (url.protocol === 'udp:') await sendUdp(host, port, message);
      else await sendTcp(host, port, `${Buffer.byteLength(message)} ${message}`);
    } catch (error) {
      throw new CheckpointSinkError(
        'syslog',
        `sending to ${url.protocol}//${host}:${port} failed (${reason(error)})`,
      );
    }
  }
}

function sendUdp(host: string, port: number, message: string): Promise<void> {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  return new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.send(message, port, host, (error) => (error ? reject(error) : resolve()));
  }).finally(() => socket.close());
}

function sendTcp(host: string, port: number, frame: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    // Done once the frame is flushed; the receiver closes the connection when it likes.
    const socket = connect({ host, port }, () => socket.end(frame, () => resolve()));
    socket.setTimeout(TIMEOUT_MS, () =>
      socket.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
    );
    socket.on('error', reject);
  });
}
