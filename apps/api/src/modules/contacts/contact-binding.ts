/** The contact fields stored encrypted. */
export type ContactField = 'name' | 'email' | 'phone';

/**
 * The additional authenticated data each encrypted field of a contact is bound to: a ciphertext
 * copied onto another contact, or into another field, fails to decrypt.
 */
export function contactBinding(field: ContactField, contactId: string): string {
  return `contact-${field}:${contactId}`;
}
