import type { DataEncryptionService } from './data-encryption.service.js';

/** `+` and digits: the one form every channel stores, so one number gives one index everywhere. */
export function normalizePhone(raw: string): string {
  return `+${raw.replace(/\D/g, '')}`;
}

/** Blind indexes for exact lookups of a contact's encrypted phone and email, shared by every channel. */
export function phoneIndex(encryption: DataEncryptionService, phone: string): string {
  return encryption.blindIndex(normalizePhone(phone), 'contact-phone');
}

export function emailIndex(encryption: DataEncryptionService, email: string): string {
  return encryption.blindIndex(email.trim().toLowerCase(), 'contact-email');
}
