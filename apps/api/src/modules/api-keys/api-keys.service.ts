import { apiKeyWebhookContext } from '@baton/security';
import type { ApiKey as ApiKeyDto, ApiKeyRequest, ApiKeyScope, CreatedApiKey } from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { derivedKeys, matchesAny } from '../../common/crypto/app-secret.js';
import { DataEncryptionService } from '../../common/crypto/data-encryption.service.js';
import { CommonErrorCode, DomainError, ValidationError } from '../../common/errors/domain.error.js';
import { ConfigService } from '../../config/config.service.js';
import type { ApiKey } from '../../generated/prisma/client.js';
import { PrismaService, type Tx } from '../../prisma/prisma.service.js';
import { AuditService } from '../audit/audit.service.js';

/** `bk_<prefix>_<secret>`: the prefix finds the row, the secret is checked against its hash. */
const KEY_FORMAT = /^bk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
/** Writing `last_used_at` on every call would make each request a write; once a minute is enough. */
const LAST_USED_GRANULARITY_MS = 60_000;
/** Where keys created without a channel send their cases. */
const DEFAULT_API_CHANNEL = 'API';

export type ApiKeyCheck =
  | { ok: true; key: ApiKey }
  | { ok: false; reason: 'api_key_malformed' | 'api_key_unknown' | 'api_key_revoked' | 'api_key_expired' };

function toApiKey(k: ApiKey): ApiKeyDto {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes as ApiKeyScope[],
    channelId: k.channelId,
    webhookUrl: k.webhookUrl,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    expiresAt: k.expiresAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  };
}

const PRIVATE_HOST =
  /^(localhost|.*\.localhost|.*\.internal|127\.\d+\.\d+\.\d+|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|169\.254\.\d+\.\d+|0\.0\.0\.0|\[(::1?|f[cd][0-9a-f]*:.*|fe80:.*)\])$/i;

/**
 * In production a webhook must be HTTPS to a public host: Baton must not become a way to reach the
 * internal network. (Names that resolve to private addresses are not checked; see SECURITY.md.)
 */
export function checkWebhookUrl(url: string | null, production: boolean): void {
  if (!url || !production) return;
  const { protocol, hostname } = new URL(url);
  if (protocol !== 'https:' || PRIVATE_HOST.test(hostname)) {
    throw new ValidationError([{ path: 'webhookUrl', message: 'must be an https URL on a public host' }]);
  }
}

/**
 * API keys for machine callers (external bots). Keys are 256-bit random secrets shown once; only a
 * keyed hash is stored (a slow hash adds nothing for a secret this long), so a database leak does not
 * leak usable keys. Webhook secrets must be readable to sign calls, so they are encrypted instead.
 */
@Injectable()
export class ApiKeysService {
  /** Derived from APP_SECRET (then APP_SECRET_PREVIOUS while set); the first hashes new and re-hashed keys. */
  private readonly hashKeys: Buffer[];
  private readonly production: boolean;

  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly encryption: DataEncryptionService,
    config: ConfigService,
  ) {
    this.hashKeys = derivedKeys(config.env, 'baton:api-key');
    this.production = config.env.NODE_ENV === 'production';
  }

  private hash(secret: string, key = this.hashKeys[0]!): string {
    return createHmac('sha256', key).update(secret).digest('hex');
  }

  async list(): Promise<ApiKeyDto[]> {
    return (await this.prisma.apiKey.findMany({ orderBy: { createdAt: 'desc' } })).map(toApiKey);
  }

  private async apiChannel(tx: Tx, channelId: string | null): Promise<string> {
    if (channelId) {
      const channel = await tx.channel.findUnique({ where: { id: channelId } });
      if (!channel || channel.kind !== 'api') {
        throw new ValidationError([{ path: 'channelId', message: 'must be an API channel' }]);
      }
      return channel.id;
    }
    const existing = await tx.channel.findFirst({ where: { kind: 'api', name: DEFAULT_API_CHANNEL } });
    if (existing) return existing.id;
    const created = await tx.channel.create({ data: { kind: 'api', name: DEFAULT_API_CHANNEL } });
    await this.audit.record(tx, {
      action: 'channel.created',
      target: { type: 'channel', id: created.id },
      data: { kind: 'api', name: created.name, reason: 'first API key' },
    });
    return created.id;
  }

  async create(input: ApiKeyRequest, createdById: string): Promise<CreatedApiKey> {
    checkWebhookUrl(input.webhookUrl, this.production);
    const id = randomUUID();
    const prefix = randomBytes(9)
      .toString('base64url')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '0')
      .slice(0, 12);
    const secret = randomBytes(32).toString('base64url');
    const webhookSecret = input.webhookUrl ? `whsec_${randomBytes(32).toString('base64url')}` : null;
    const sealed = webhookSecret ? this.encryption.encrypt(webhookSecret, apiKeyWebhookContext(id)) : null;
    const key = await this.prisma.$transaction(async (tx) => {
      const channelId = await this.apiChannel(tx, input.channelId);
      const row = await tx.apiKey.create({
        data: {
          id,
          name: input.name,
          prefix,
          keyHash: this.hash(secret),
          scopes: input.scopes,
          channelId,
          webhookUrl: input.webhookUrl,
          webhookSecretCiphertext: sealed?.ciphertext ?? null,
          keyId: sealed?.keyId ?? null,
          expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
          createdById,
        },
      });
      await this.audit.record(tx, {
        action: 'api_key.created',
        target: { type: 'api_key', id },
        data: { name: row.name, prefix, scopes: row.scopes, channelId, webhookUrl: row.webhookUrl },
      });
      return row;
    });
    return { ...toApiKey(key), key: `bk_${prefix}_${secret}`, webhookSecret };
  }

  async revoke(id: string): Promise<ApiKeyDto> {
    return toApiKey(
      await this.prisma.$transaction(async (tx) => {
        const key = await tx.apiKey.findUnique({ where: { id } });
        if (!key) throw new DomainError(CommonErrorCode.NotFound, 'No such API key.', 404);
        if (key.revokedAt) return key;
        const revoked = await tx.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
        await this.audit.record(tx, {
          action: 'api_key.revoked',
          target: { type: 'api_key', id },
          data: { name: key.name, prefix: key.prefix },
        });
        return revoked;
      }),
    );
  }

  /** Checks a presented key; the reason on failure goes to the audit trail, never to the caller. */
  async check(presented: string): Promise<ApiKeyCheck> {
    const match = KEY_FORMAT.exec(presented);
    if (!match) return { ok: false, reason: 'api_key_malformed' };
    const key = await this.prisma.apiKey.findUnique({ where: { prefix: match[1]! } });
    const hashes = this.hashKeys.map((hashKey) => this.hash(match[2]!, hashKey));
    const matched = hashes.findIndex((hash) => matchesAny(hash, [key?.keyHash ?? '0'.repeat(64)]));
    if (!key || matched < 0) return { ok: false, reason: 'api_key_unknown' };
    if (key.revokedAt) return { ok: false, reason: 'api_key_revoked' };
    if (key.expiresAt && key.expiresAt.getTime() <= Date.now())
      return { ok: false, reason: 'api_key_expired' };
    // A key hashed under APP_SECRET_PREVIOUS is re-hashed under APP_SECRET, so it outlives the grace period.
    const rehash = matched > 0 ? { keyHash: hashes[0]! } : {};
    if (matched > 0 || !key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
      await this.prisma.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date(), ...rehash } });
    }
    return { ok: true, key };
  }

  /** The webhook signing secret of a key, for the delivery job. */
  webhookSecret(key: ApiKey): string | null {
    if (!key.webhookSecretCiphertext || !key.keyId) return null;
    return this.encryption.decrypt(
      { ciphertext: key.webhookSecretCiphertext, keyId: key.keyId },
      apiKeyWebhookContext(key.id),
    );
  }
}
