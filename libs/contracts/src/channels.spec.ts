import { describe, expect, it } from 'vitest';
import { ZCreateChannelRequest, ZUpdateChannelRequest } from './channels.js';

const paths = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  result.error?.issues.map((issue) => issue.path.join('.')) ?? [];

describe('channel contracts', () => {
  it('accept origins only (scheme and host), and name the bad entry', () => {
    const ok = ZCreateChannelRequest.safeParse({
      kind: 'webchat',
      name: 'Shop',
      config: { allowedOrigins: ['https://shop.example', 'http://localhost:5173'] },
    });
    expect(ok.success).toBe(true);
    for (const bad of [
      'https://shop.example/',
      'https://shop.example/path',
      'shop.example',
      'ftp://x.example',
    ]) {
      const result = ZCreateChannelRequest.safeParse({
        kind: 'webchat',
        name: 'Shop',
        config: { allowedOrigins: [bad] },
      });
      expect(paths(result), bad).toEqual(['config.allowedOrigins.0']);
    }
  });

  it('require WhatsApp secrets on create, allow rotating one on update, and reject an unknown kind clearly', () => {
    const config = { phoneNumberId: '106540352242922' };
    expect(paths(ZCreateChannelRequest.safeParse({ kind: 'whatsapp', name: 'WA', config }))).toEqual([
      'secrets',
    ]);
    expect(
      ZUpdateChannelRequest.safeParse({ kind: 'whatsapp', secrets: { accessToken: 'x'.repeat(20) } }).success,
    ).toBe(true);
    const unknown = ZCreateChannelRequest.safeParse({ kind: 'fax', name: 'x' });
    expect(unknown.error?.issues[0]).toMatchObject({
      path: ['kind'],
      message: 'kind must be one of: webchat, whatsapp, api',
    });
    // Secrets belong to WhatsApp only; elsewhere they are an unknown field, not silently dropped.
    expect(paths(ZCreateChannelRequest.safeParse({ kind: 'api', name: 'x', secrets: {} }))).toEqual(['']);
  });
});
