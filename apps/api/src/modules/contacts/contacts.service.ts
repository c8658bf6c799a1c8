import { contactFieldContext, type ContactField } from '@baton/security';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { emailIndex, normalizePhone, phoneIndex } from '../../common/crypto/contact-indexes.js';
import { DataEncryptionService } from '../../common/crypto/data-encryption.service.js';
import { Prisma, type Contact } from '../../generated/prisma/client.js';
import { PrismaService, type Tx } from '../../prisma/prisma.service.js';
import { AuditService, auditInsertFrom, type AuditEntry } from '../audit/audit.service.js';

/** Who a new contact is, in plain text; stored encrypted, with blind indexes of the email and phone. */
export interface ContactIdentity {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
}

export interface NewContact {
  channelId: string;
  /** The channel-side identity (visitor id, hash of a WhatsApp number, an API caller's id). */
  externalId: string;
  identity?: ContactIdentity;
  /** What the `contact.created` audit event says besides the channel. */
  audit: Record<string, unknown>;
  /** Recorded as done by the system rather than the request's actor (an inbound webhook). */
  bySystem?: boolean;
}

/** A contact as an exact lookup finds it: no personal data. */
export interface ContactMatch {
  id: string;
  channelId: string;
  createdAt: Date;
  erasedAt: Date | null;
}

/** A contact's details, decrypted; null where nothing is stored. */
export interface ContactDetails {
  id: string;
  createdAt: Date;
  name: string | null;
  email: string | null;
  phone: string | null;
}

type Sealed = Pick<
  Contact,
  'nameCiphertext' | 'emailCiphertext' | 'phoneCiphertext' | 'emailBlindIndex' | 'phoneBlindIndex' | 'keyId'
>;

/**
 * Customers as channels know them. The only writer of `contacts`: their personal data is encrypted
 * here, each field bound to its contact, and decrypted here for the few readers allowed to see it.
 */
@Injectable()
export class ContactsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly encryption: DataEncryptionService,
    private readonly audit: AuditService,
  ) {}

  private seal(id: string, identity: ContactIdentity = {}): Sealed {
    const seal = (field: ContactField, value: string | null | undefined) =>
      value ? this.encryption.encrypt(value, contactFieldContext(field, id)) : null;
    const name = seal('name', identity.name);
    const email = seal('email', identity.email?.trim().toLowerCase());
    const phone = seal('phone', identity.phone && normalizePhone(identity.phone));
    return {
      nameCiphertext: name?.ciphertext ?? null,
      emailCiphertext: email?.ciphertext ?? null,
      phoneCiphertext: phone?.ciphertext ?? null,
      emailBlindIndex: identity.email ? emailIndex(this.encryption, identity.email) : null,
      phoneBlindIndex: identity.phone ? phoneIndex(this.encryption, identity.phone) : null,
      keyId: name?.keyId ?? email?.keyId ?? phone?.keyId ?? null,
    };
  }

  private createdEntry(id: string, input: NewContact): AuditEntry {
    return {
      action: 'contact.created',
      ...(input.bySystem && { actor: null }),
      target: { type: 'contact', id },
      data: { channelId: input.channelId, ...input.audit },
    };
  }

  private async created(tx: Tx, id: string, input: NewContact): Promise<void> {
    await this.audit.record(tx, this.createdEntry(id, input));
  }

  /** A new contact (its channel-side identity is new by construction, such as a random visitor id). */
  async create(tx: Tx, input: NewContact): Promise<string> {
    const id = randomUUID();
    await tx.contact.create({
      data: {
        id,
        channelId: input.channelId,
        externalId: input.externalId,
        ...this.seal(id, input.identity),
      },
    });
    await this.created(tx, id, input);
    return id;
  }

  /**
   * The channel's contact with this identity, created (and audited) the first time it is seen. Two
   * first sightings at once end with one contact: the second reuses the first's. One statement looks
   * it up, or inserts it with its audit row; a second one only when a concurrent first sighting won.
   */
  async findOrCreate(tx: Tx, input: NewContact): Promise<string> {
    const id = randomUUID();
    const s = this.seal(id, input.identity);
    const audit = auditInsertFrom(
      this.createdEntry(id, input),
      Prisma.sql`inserted`,
      Prisma.sql`'{}'::jsonb`,
    );
    const [row] = await tx.$queryRaw<{ id: string }[]>`
      WITH found AS (
        SELECT id FROM contacts WHERE channel_id = ${input.channelId}::uuid AND external_id = ${input.externalId}
      ), inserted AS (
        INSERT INTO contacts (id, channel_id, external_id, name_ciphertext, email_ciphertext, phone_ciphertext,
                              email_blind_index, phone_blind_index, key_id, updated_at)
        SELECT ${id}::uuid, ${input.channelId}::uuid, ${input.externalId}, ${s.nameCiphertext}, ${s.emailCiphertext},
               ${s.phoneCiphertext}, ${s.emailBlindIndex}, ${s.phoneBlindIndex}, ${s.keyId}, now()
         WHERE NOT EXISTS (SELECT 1 FROM found)
        ON CONFLICT (channel_id, external_id) DO NOTHING
        RETURNING id
      ), a AS (
        ${audit}
      )
      SELECT id::text FROM found UNION ALL SELECT id::text FROM inserted`;
    if (row) return row.id;
    // Inserted by a transaction that committed after this statement began: visible to the next one.
    const where = { channelId_externalId: { channelId: input.channelId, externalId: input.externalId } };
    return (await tx.contact.findUniqueOrThrow({ where, select: { id: true } })).id;
  }

  /**
   * The channel a contact belongs to, or null when there is no such contact or it was erased (a
   * visitor returning with an erased contact's token starts afresh, like any other channel's customer).
   */
  async channelOf(contactId: string): Promise<string | null> {
    const contact = await this.prisma.contact.findUnique({
      where: { id: contactId },
      select: { channelId: true, erasedAt: true },
    });
    return contact && !contact.erasedAt ? contact.channelId : null;
  }

  /** The contact with its personal data decrypted, for this answer only (callers audit the reading). */
  async reveal(contactId: string): Promise<ContactDetails | null> {
    const contact = await this.prisma.contact.findUnique({ where: { id: contactId } });
    if (!contact) return null;
    const open = (field: ContactField, ciphertext: string | null) =>
      ciphertext && contact.keyId
        ? this.encryption.decrypt(
            { ciphertext, keyId: contact.keyId },
            contactFieldContext(field, contact.id),
          )
        : null;
    return {
      id: contact.id,
      createdAt: contact.createdAt,
      name: open('name', contact.nameCiphertext),
      email: open('email', contact.emailCiphertext),
      phone: open('phone', contact.phoneCiphertext),
    };
  }

  /** The contact's phone number alone, decrypted (what a channel sends to); null when none is stored. */
  async phoneOf(contactId: string): Promise<string | null> {
    const contact = await this.prisma.contact.findUnique({
      where: { id: contactId },
      select: { phoneCiphertext: true, keyId: true },
    });
    if (!contact?.phoneCiphertext || !contact.keyId) return null;
    return this.encryption.decrypt(
      { ciphertext: contact.phoneCiphertext, keyId: contact.keyId },
      contactFieldContext('phone', contactId),
    );
  }

  /** The contacts with this exact email or phone number, found by blind index (any channel). */
  async findBy(field: 'email' | 'phone', value: string): Promise<ContactMatch[]> {
    const where =
      field === 'email'
        ? { emailBlindIndex: emailIndex(this.encryption, value) }
        : { phoneBlindIndex: phoneIndex(this.encryption, value) };
    return this.prisma.contact.findMany({
      where,
      select: { id: true, channelId: true, createdAt: true, erasedAt: true },
      orderBy: { createdAt: 'asc' },
    });
  }

  /** The contact's identity as stored, for an export: decrypted details, channel-side id, erasure time. */
  async exportOf(
    contactId: string,
  ): Promise<(ContactDetails & { channelId: string; externalId: string; erasedAt: Date | null }) | null> {
    const [details, row] = await Promise.all([
      this.reveal(contactId),
      this.prisma.contact.findUnique({
        where: { id: contactId },
        select: { channelId: true, externalId: true, erasedAt: true },
      }),
    ]);
    return details && row ? { ...details, ...row } : null;
  }

  /**
   * Locks the contact for an erasure (no conversation can start for it until the transaction ends)
   * and says whether it was erased before; null when there is no such contact.
   */
  async lockForErasure(tx: Tx, contactId: string): Promise<{ erasedAt: Date | null } | null> {
    const [row] = await tx.$queryRaw<{ erased_at: Date | null }[]>`
      SELECT erased_at FROM contacts WHERE id = ${contactId}::uuid FOR UPDATE`;
    return row ? { erasedAt: row.erased_at } : null;
  }

  /**
   * Removes the contact's personal data: encrypted fields, blind indexes and the channel-side id
   * (replaced by one derived from the contact id, so the channel's unique key still holds). The row
   * stays, so conversations, audit events and exports still resolve the id.
   */
  async erase(tx: Tx, contactId: string, at: Date): Promise<void> {
    await tx.contact.update({
      where: { id: contactId },
      data: {
        externalId: `erased:${contactId}`,
        nameCiphertext: null,
        emailCiphertext: null,
        phoneCiphertext: null,
        emailBlindIndex: null,
        phoneBlindIndex: null,
        keyId: null,
        erasedAt: at,
      },
    });
  }

  /** Deletes those of `contactIds` left with no conversation (after a retention purge); returns how many. */
  async deleteWithoutConversations(tx: Tx, contactIds: readonly string[]): Promise<number> {
    if (contactIds.length === 0) return 0;
    return tx.$executeRaw`
      DELETE FROM contacts k
       WHERE k.id = ANY(${contactIds}::uuid[])
         AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.contact_id = k.id)`;
  }

  /** Removes a channel's contacts (only ever without conversations); returns how many. */
  async deleteOfChannel(tx: Tx, channelId: string): Promise<number> {
    const { count } = await tx.contact.deleteMany({ where: { channelId } });
    return count;
  }
}
