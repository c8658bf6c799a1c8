import { describe, expect, it } from 'vitest';
import {
  ZWhatsappChange,
  ZWhatsappInboundMessage,
  ZWhatsappStatus,
  inboundBody,
} from './whatsapp-payload.schemas.js';

const body = (message: Record<string, unknown>) =>
  inboundBody(ZWhatsappInboundMessage.parse({ id: 'wamid.1', from: '15550001111', ...message }));

describe('inboundBody', () => {
  it('keeps text and what the customer tapped', () => {
    expect(body({ type: 'text', text: { body: '  Hola  ' } })).toBe('Hola');
    expect(body({ type: 'button', button: { text: 'Yes', payload: 'YES' } })).toBe('Yes');
    expect(body({ type: 'interactive', interactive: { list_reply: { id: '2', title: 'Refunds' } } })).toBe(
      'Refunds',
    );
  });

  it('turns anything else into a short placeholder, with a caption when there is one', () => {
    expect(body({ type: 'image', image: { id: 'm1', caption: 'my receipt' } })).toBe('[image] my receipt');
    expect(body({ type: 'audio', audio: { id: 'm2' } })).toBe('[audio]');
    expect(body({ type: 'sticker' })).toBe('[sticker]');
    expect(body({ type: 'text', text: { body: '   ' } })).toBe('[text]');
    expect(body({ type: 'text', text: { body: 'x'.repeat(6_000) } })).toHaveLength(5_000);
  });
});

describe('WhatsApp payload text', () => {
  const message = (text: string) => ({ id: 'wamid.1', from: '34600111222', text: { body: text } });

  it('refuses a message, contact or status whose text PostgreSQL could not store', () => {
    expect(ZWhatsappInboundMessage.safeParse(message('hola')).success).toBe(true);
    expect(ZWhatsappInboundMessage.safeParse(message('ho\u0000la')).success).toBe(false);
    expect(ZWhatsappInboundMessage.safeParse(message('hola \ud800')).success).toBe(false);
    expect(
      ZWhatsappChange.safeParse({
        metadata: { phone_number_id: 'pn1' },
        contacts: [{ wa_id: '34600111222', profile: { name: 'Ana\u0000' } }],
      }).success,
    ).toBe(false);
    expect(
      ZWhatsappStatus.safeParse({ id: 'wamid.1', status: 'failed', errors: [{ message: 'bad \udfff' }] })
        .success,
    ).toBe(false);
  });
});
