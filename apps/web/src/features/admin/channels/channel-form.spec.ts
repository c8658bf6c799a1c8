import type { Channel } from '@baton/contracts';
import { describe, expect, it } from 'vitest';
import { draftOf } from './channel-draft';
import { channelForm } from './channel-form';

const issues = (channel: Channel | null, draft: ReturnType<typeof draftOf>) => {
  const result = channelForm(channel).safeParse(draft);
  return Object.fromEntries(result.error?.issues.map((i) => [i.path.join('.'), i.message]) ?? []);
};

const whatsapp: Channel = {
  id: '00000000-0000-4000-8000-000000000001',
  kind: 'whatsapp',
  name: 'WhatsApp',
  enabled: true,
  botConfigId: null,
  secretsSet: ['verifyToken', 'appSecret', 'accessToken'],
  config: { phoneNumberId: '1234' },
  webhookPath: '/api/v1/channels/00000000-0000-4000-8000-000000000001/whatsapp/webhook',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('the channel form', () => {
  it('names the allowed sites that are not origins, beside that field', () => {
    const draft = { ...draftOf(null), name: 'Shop', origins: 'https://shop.example\nshop.example/help' };
    expect(Object.keys(issues(null, draft))).toEqual(['origins']);
    expect(issues(null, draft).origins).toMatch(/^Not a site origin: shop\.example\/help\./);
    expect(issues(null, { ...draft, origins: 'HTTPS://Shop.example/' })).toEqual({});
  });

  it('needs every WhatsApp secret for a new channel, in the contract’s bounds', () => {
    const draft = { ...draftOf(null), kind: 'whatsapp' as const, name: 'WA', phoneNumberId: '1234' };
    expect(Object.keys(issues(null, draft)).sort()).toEqual([
      'secrets.accessToken',
      'secrets.appSecret',
      'secrets.verifyToken',
    ]);
  });

  it('keeps the stored secrets of an existing channel when left empty, and checks one typed in', () => {
    const draft = draftOf(whatsapp);
    expect(issues(whatsapp, draft)).toEqual({});
    expect(
      Object.keys(issues(whatsapp, { ...draft, secrets: { ...draft.secrets, appSecret: 'short' } })),
    ).toEqual(['secrets.appSecret']);
  });

  it('checks only the fields of the kind chosen', () => {
    const draft = { ...draftOf(null), kind: 'api' as const, name: 'API', origins: 'not a site' };
    expect(issues(null, draft)).toEqual({});
  });
});
