import { channelSecretsContext } from '@baton/security';
import {
  ChannelsErrorCode,
  ZApiChannelConfig,
  ZWebchatChannelConfig,
  ZWhatsappChannelConfig,
  ZWhatsappChannelSecrets,
  type Channel as ChannelDto,
  type CreateChannelRequest,
  type ApiChannelConfig,
  type UpdateChannelRequest,
  type WebchatChannelConfig,
  type WhatsappChannelConfig,
  type WhatsappChannelSecrets,
} from '@baton/contracts';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataEncryptionService } from '../../common/crypto/data-encryption.service.js';
import {
  CommonErrorCode,
  DomainError,
  ValidationError,
  type FieldProblem,
} from '../../common/errors/domain.error.js';
import type { Channel, ChannelKind, Prisma } from '../../generated/prisma/client.js';
import { PrismaService, type Tx } from '../../prisma/prisma.service.js';
import { AuditService } from '../audit/audit.service.js';
import { ContactsService } from '../contacts/contacts.service.js';

export const whatsappWebhookPath = (channelId: string) => `/api/v1/channels/${channelId}/whatsapp/webhook`;

/** What the WhatsApp webhook and the delivery worker need, secrets decrypted (never leaves the process). */
export interface WhatsappChannel {
  id: string;
  enabled: boolean;
  config: WhatsappChannelConfig;
  secrets: WhatsappChannelSecrets;
}

const notFound = () => new DomainError(CommonErrorCode.NotFound, 'No such channel.', 404);

/**
 * Stored config is read leniently: channels created before a field existed (or directly in the
 * database) still list, with the defaults a new channel would get.
 */
function readConfig(kind: ChannelKind, raw: Prisma.JsonValue): Record<string, unknown> {
  const stored = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? raw : {};
  switch (kind) {
    case 'webchat': {
      const parsed = ZWebchatChannelConfig.safeParse({ allowedOrigins: [], ...stored });
      return parsed.success ? parsed.data : { allowedOrigins: [] };
    }
    case 'whatsapp': {
      const parsed = ZWhatsappChannelConfig.safeParse(stored);
      return parsed.success ? parsed.data : { phoneNumberId: '' };
    }
    case 'api': {
      const parsed = ZApiChannelConfig.safeParse(stored);
      return parsed.success ? parsed.data : {};
    }
  }
}

@Injectable()
export class ChannelsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly crypto: DataEncryptionService,
    private readonly contacts: ContactsService,
  ) {}

  private toChannel(row: Channel): ChannelDto {
    const base = {
      id: row.id,
      name: row.name,
      enabled: row.enabled,
      botConfigId: row.botConfigId,
      secretsSet: Object.keys(this.readSecrets(row)).sort(),
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
    const config = readConfig(row.kind, row.config);
    switch (row.kind) {
      case 'webchat':
        return { ...base, kind: 'webchat', config: config as WebchatChannelConfig };
      case 'whatsapp':
        return {
          ...base,
          kind: 'whatsapp',
          config: config as WhatsappChannelConfig,
          webhookPath: whatsappWebhookPath(row.id),
        };
      case 'api':
        return { ...base, kind: 'api', config: config as ApiChannelConfig };
    }
  }

  private readSecrets(row: Pick<Channel, 'id' | 'secretsCiphertext' | 'keyId'>): Record<string, string> {
    if (!row.secretsCiphertext || !row.keyId) return {};
    const plain = this.crypto.decrypt(
      { ciphertext: row.secretsCiphertext, keyId: row.keyId },
      channelSecretsContext(row.id),
    );
    return JSON.parse(plain) as Record<string, string>;
  }

  private sealSecrets(channelId: string, secrets: Record<string, string>) {
    const sealed = this.crypto.encrypt(JSON.stringify(secrets), channelSecretsContext(channelId));
    return { secretsCiphertext: sealed.ciphertext, keyId: sealed.keyId };
  }

  async list(): Promise<ChannelDto[]> {
    const rows = await this.prisma.channel.findMany({ orderBy: { name: 'asc' } });
    return rows.map((row) => this.toChannel(row));
  }

  async get(id: string): Promise<ChannelDto> {
    const row = await this.prisma.channel.findUnique({ where: { id } });
    if (!row) throw notFound();
    return this.toChannel(row);
  }

  /** For the webhook and the delivery worker only: null unless the channel exists and is WhatsApp. */
  async whatsapp(id: string): Promise<WhatsappChannel | null> {
    const row = await this.prisma.channel.findUnique({ where: { id } });
    if (row?.kind !== 'whatsapp') return null;
    const config = ZWhatsappChannelConfig.safeParse(row.config);
    const secrets = ZWhatsappChannelSecrets.safeParse(this.readSecrets(row));
    if (!config.success || !secrets.success) return null;
    return { id: row.id, enabled: row.enabled, config: config.data, secrets: secrets.data };
  }

  private async assertNameFree(tx: Tx, name: string, exceptId?: string): Promise<void> {
    const taken = await tx.channel.findFirst({
      where: { name: { equals: name, mode: 'insensitive' }, ...(exceptId && { id: { not: exceptId } }) },
      select: { id: true },
    });
    if (taken)
      throw new DomainError(ChannelsErrorCode.NameTaken, 'A channel with this name already exists.', 409);
  }

  /** A named bot or default queue must exist, so a typo is a 400 now rather than a stranded customer later. */
  private async assertReferences(
    tx: Tx,
    refs: { botConfigId?: string | null; defaultQueueId?: string | undefined },
  ): Promise<void> {
    const problems: FieldProblem[] = [];
    if (refs.botConfigId) {
      const bot = await tx.botConfig.findUnique({ where: { id: refs.botConfigId }, select: { id: true } });
      if (!bot) problems.push({ path: 'botConfigId', message: 'no such bot' });
    }
    if (refs.defaultQueueId) {
      const queue = await tx.queue.findUnique({ where: { id: refs.defaultQueueId } });
      if (!queue || queue.archivedAt)
        problems.push({ path: 'config.defaultQueueId', message: 'no such queue (or it is archived)' });
    }
    if (problems.length > 0) throw new ValidationError(problems);
  }

  async create(input: CreateChannelRequest): Promise<ChannelDto> {
    return this.prisma.$transaction(async (tx) => {
      await this.assertNameFree(tx, input.name);
      await this.assertReferences(tx, {
        botConfigId: input.botConfigId,
        defaultQueueId: input.config.defaultQueueId,
      });
      const id = randomUUID();
      const secrets = input.kind === 'whatsapp' ? input.secrets : null;
      const row = await tx.channel.create({
        data: {
          id,
          kind: input.kind,
          name: input.name,
          enabled: input.enabled,
          botConfigId: input.botConfigId,
          config: input.config,
          ...(secrets && this.sealSecrets(id, secrets)),
        },
      });
      // Names of the secrets only: their values never reach the trail (or any log).
      await this.audit.record(tx, {
        action: 'channel.created',
        target: { type: 'channel', id },
        data: {
          kind: input.kind,
          name: input.name,
          enabled: input.enabled,
          botConfigId: input.botConfigId,
          config: input.config,
          secretsSet: secrets ? Object.keys(secrets).sort() : [],
        },
      });
      return this.toChannel(row);
    });
  }

  async update(id: string, input: UpdateChannelRequest): Promise<ChannelDto> {
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.channel.findUnique({ where: { id } });
      if (!before) throw notFound();
      if (before.kind !== input.kind) {
        throw new ValidationError([
          { path: 'kind', message: `this channel is ${before.kind}; a channel's kind cannot change` },
        ]);
      }
      if (input.name !== undefined) await this.assertNameFree(tx, input.name, id);
      await this.assertReferences(tx, {
        botConfigId: input.botConfigId,
        defaultQueueId: input.config?.defaultQueueId,
      });

      const data: Prisma.ChannelUpdateInput = {};
      const changed: Record<string, { from: unknown; to: unknown }> = {};
      const set = <K extends 'name' | 'enabled' | 'botConfigId'>(key: K, value: Channel[K] | undefined) => {
        if (value === undefined || value === before[key]) return;
        changed[key] = { from: before[key], to: value };
        if (key === 'botConfigId') {
          data.botConfig = value ? { connect: { id: value as string } } : { disconnect: true };
        } else {
          (data as Record<string, unknown>)[key] = value;
        }
      };
      set('name', input.name);
      set('enabled', input.enabled);
      set('botConfigId', input.botConfigId);
      if (input.config !== undefined) {
        const from = readConfig(before.kind, before.config);
        if (JSON.stringify(from) !== JSON.stringify(input.config)) {
          changed.config = { from, to: input.config };
          data.config = input.config;
        }
      }
      let secretsChanged: string[] = [];
      if (input.kind === 'whatsapp' && input.secrets) {
        const current = this.readSecrets(before);
        const provided = Object.entries(input.secrets).filter(
          (entry): entry is [string, string] => entry[1] !== undefined,
        );
        secretsChanged = provided
          .filter(([key, value]) => current[key] !== value)
          .map(([key]) => key)
          .sort();
        if (secretsChanged.length > 0) {
          Object.assign(data, this.sealSecrets(id, { ...current, ...Object.fromEntries(provided) }));
        }
      }

      const after = Object.keys(data).length > 0 ? await tx.channel.update({ where: { id }, data }) : before;
      if (Object.keys(changed).length > 0 || secretsChanged.length > 0) {
        await this.audit.record(tx, {
          action: 'channel.updated',
          target: { type: 'channel', id },
          data: { ...changed, secretsChanged },
        });
      }
      return this.toChannel(after);
    });
  }

  /** Only a channel that never had a conversation can go; otherwise disable it (history stays). */
  async remove(id: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const before = await tx.channel.findUnique({ where: { id } });
      if (!before) throw notFound();
      const conversations = await tx.conversation.count({ where: { channelId: id } });
      if (conversations > 0) {
        throw new DomainError(
          ChannelsErrorCode.InUse,
          `This channel has ${conversations} conversation(s); disable it instead of deleting it.`,
          409,
        );
      }
      // Contacts without a conversation hold nothing but PII; they go with their channel.
      const contactsDeleted = await this.contacts.deleteOfChannel(tx, id);
      await tx.channel.delete({ where: { id } });
      await this.audit.record(tx, {
        action: 'channel.deleted',
        target: { type: 'channel', id },
        data: { kind: before.kind, name: before.name, contactsDeleted },
      });
    });
  }
}
