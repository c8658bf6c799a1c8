import { describe, expect, it } from 'vitest';
import { ZApiKeyForm } from './api-key-form';

const typed = {
  name: 'Support bot',
  scopes: ['handoff:write'],
  channelId: '',
  webhookUrl: '',
  expiresAt: '',
};

describe('the API key form', () => {
  it('sends empty optional fields as none', () => {
    expect(ZApiKeyForm.parse(typed)).toEqual({
      name: 'Support bot',
      scopes: ['handoff:write'],
      channelId: null,
      webhookUrl: null,
      expiresAt: null,
    });
  });

  it('keeps the key working through the whole chosen day, local time', () => {
    const parsed = ZApiKeyForm.parse({ ...typed, expiresAt: '2031-03-14' });
    expect(parsed.expiresAt).toBe(new Date(2031, 2, 14, 23, 59, 59).toISOString());
  });

  it('asks for a scope, and refuses a channel id that is not one', () => {
    const result = ZApiKeyForm.safeParse({ ...typed, scopes: [], channelId: 'sales' });
    const byField = Object.fromEntries(result.error?.issues.map((i) => [i.path.join('.'), i.message]) ?? []);
    expect(byField.scopes).toBe('Choose at least one scope.');
    expect(Object.keys(byField)).toEqual(['scopes', 'channelId']);
  });
});
