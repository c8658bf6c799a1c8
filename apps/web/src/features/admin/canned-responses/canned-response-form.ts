import { ZCannedResponseRequest } from '@baton/contracts';
import { z } from 'zod';

/** Typing "/Refund" is forgiven: the slash is dropped and the contract lower-cases the rest. */
export function normaliseShortcut(text: string): string {
  return text.trim().replace(/^\//, '').toLowerCase();
}

/**
 * The contract's schema, with the shortcut as typed and checked against the shortcuts already in use
 * (`taken`); the server has the last word on both.
 */
export function cannedResponseForm(taken: (shortcut: string) => boolean) {
  return ZCannedResponseRequest.extend({
    shortcut: z
      .string()
      .transform(normaliseShortcut)
      .pipe(ZCannedResponseRequest.shape.shortcut)
      .refine((shortcut) => !taken(shortcut), {
        error: (issue) => `/${String(issue.input)} is already used by another canned response.`,
      }),
  });
}
export type CannedResponseInput = z.input<ReturnType<typeof cannedResponseForm>>;
