import { describe, expect, it } from 'vitest';
import { cannedResponseForm } from './canned-response-form';

const taken = (shortcut: string) => shortcut === 'refund';
const messages = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.error?.issues.map((issue) => issue.message) ?? [];

describe('the canned response form', () => {
  it('forgives a typed slash and capitals, as the composer shows the shortcut', () => {
    const parsed = cannedResponseForm(taken).parse({ shortcut: ' /Shipping ', title: 'Ship', body: 'Soon.' });
    expect(parsed).toEqual({ shortcut: 'shipping', title: 'Ship', body: 'Soon.' });
  });

  it('refuses a shortcut another canned response uses, naming it', () => {
    const result = cannedResponseForm(taken).safeParse({ shortcut: '/Refund', title: 'R', body: 'B' });
    expect(messages(result)).toEqual(['/refund is already used by another canned response.']);
  });

  it('refuses what the API would refuse, in the contract’s words', () => {
    const result = cannedResponseForm(taken).safeParse({ shortcut: 'no spaces', title: 'R', body: 'B' });
    expect(messages(result)).toEqual(['1 to 32 lower-case letters, digits, dash or underscore']);
  });
});
