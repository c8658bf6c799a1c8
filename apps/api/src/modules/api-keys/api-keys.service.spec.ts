import { describe, expect, it } from 'vitest';
import { checkWebhookUrl } from './api-keys.service.js';

describe('webhook URLs in production', () => {
  it('accepts https on public hosts', () => {
    expect(() => checkWebhookUrl('https://bot.example.com/hooks', true)).not.toThrow();
  });

  it('refuses plain http and internal hosts', () => {
    for (const url of [
      'http://bot.example.com/hooks',
      'https://localhost/hooks',
      'https://127.0.0.1/x',
      'https://10.1.2.3/x',
      'https://172.20.0.5/x',
      'https://192.168.1.10/x',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/x',
      'https://[fd00::1]/x',
      'https://metadata.internal/x',
    ]) {
      expect(() => checkWebhookUrl(url, true), url).toThrow(
        expect.objectContaining({
          details: [{ path: 'webhookUrl', message: 'must be an https URL on a public host' }],
        }),
      );
    }
  });

  it('lets development use local receivers', () => {
    expect(() => checkWebhookUrl('http://127.0.0.1:8080/hooks', false)).not.toThrow();
  });
});
