import { ZApiKeyRequest } from '@baton/contracts';
import { z } from 'zod';

/** Empty text means "none" for the optional fields. */
const orNull = (text: string) => text.trim() || null;

/** A calendar date (local) → the end of that day as an instant: the key works through the whole day. */
function endOfDay(date: string): string | null {
  if (!date) return null;
  const end = new Date(`${date}T23:59:59`);
  return Number.isNaN(end.getTime()) ? date : end.toISOString();
}

/** The contract's schema, with the optional fields as typed text and the expiry as a date. */
export const ZApiKeyForm = ZApiKeyRequest.extend({
  scopes: z
    .array(z.string())
    .refine((scopes) => scopes.length > 0, 'Choose at least one scope.')
    .pipe(ZApiKeyRequest.shape.scopes.unwrap()),
  channelId: z.string().transform(orNull).pipe(ZApiKeyRequest.shape.channelId.unwrap()),
  webhookUrl: z.string().transform(orNull).pipe(ZApiKeyRequest.shape.webhookUrl.unwrap()),
  expiresAt: z.string().transform(endOfDay).pipe(ZApiKeyRequest.shape.expiresAt.unwrap()),
});
export type ApiKeyInput = z.input<typeof ZApiKeyForm>;

/** Today plus `days`, as the value of a date input (local calendar date). */
export function dateInDays(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
