import { describe, expect, it } from 'vitest';
import { readSettings, storageKeys } from './widget.settings.js';

const CHANNEL = '3f2c1a9e-8b7d-4c6e-9f10-2a3b4c5d6e7f';
const script = (src: string, batonChannel?: string) => ({
  src,
  dataset: batonChannel === undefined ? {} : { batonChannel },
});

describe('readSettings', () => {
  it('takes the API origin from the script URL and the channel from data-baton-channel', () => {
    expect(
      readSettings(script('https://baton.example/widget/widget.js', CHANNEL), 'https://shop.example'),
    ).toEqual({
      apiOrigin: 'https://baton.example',
      channelId: CHANNEL,
    });
  });

  it('falls back to the page origin when there is no script element (or it has no src)', () => {
    expect(readSettings(null, 'https://shop.example')).toEqual({
      apiOrigin: 'https://shop.example',
      channelId: null,
    });
    expect(readSettings(script('', CHANNEL), 'https://shop.example').apiOrigin).toBe('https://shop.example');
  });

  it('ignores a channel attribute that is missing or not a channel id', () => {
    expect(
      readSettings(script('https://baton.example/widget/widget.js'), 'https://x.example').channelId,
    ).toBeNull();
    expect(
      readSettings(script('https://baton.example/widget/widget.js', '"><img src=x>'), 'https://x.example')
        .channelId,
    ).toBeNull();
  });

  it('keys browser storage by channel', () => {
    expect(storageKeys(CHANNEL)).toEqual({
      token: `baton:${CHANNEL}:token`,
      outbox: `baton:${CHANNEL}:outbox`,
      seen: `baton:${CHANNEL}:seen`,
    });
  });
});
