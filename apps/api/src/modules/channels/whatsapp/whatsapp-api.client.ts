import { Injectable } from '@nestjs/common';
import { ConfigService } from '../../../config/config.service.js';
import { ZWhatsappSendResponse } from './whatsapp-payload.schemas.js';

/** Shorter than the recipient lock's lease, so a hung call never outlives the lock that orders it. */
const SEND_TIMEOUT_MS = 10_000;

export interface SendFailure {
  ok: false;
  /** Worth trying again later (network, timeout, 429, 5xx); anything else will not get better. */
  retryable: boolean;
  error: { status: number | null; providerCode: number | null; message: string };
}
export type SendResult = { ok: true; externalId: string | null } | SendFailure;

/** Sends through a WhatsApp Cloud API-compatible provider (`WHATSAPP_API_BASE_URL`). */
@Injectable()
export class WhatsappApiClient {
  constructor(private readonly config: ConfigService) {}

  async sendText(phoneNumberId: string, accessToken: string, to: string, body: string): Promise<SendResult> {
    const base = this.config.env.WHATSAPP_API_BASE_URL.replace(/\/+$/, '');
    let response: Response;
    try {
      response = await fetch(`${base}/${encodeURIComponent(phoneNumberId)}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to,
          type: 'text',
          text: { body },
        }),
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      });
    } catch (err) {
      const message = err instanceof Error ? `${err.name}: ${err.message}` : 'network error';
      return {
        ok: false,
        retryable: true,
        error: { status: null, providerCode: null, message: message.slice(0, 300) },
      };
    }
    const text = await response.text().catch(() => '');
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the status only
    }
    if (response.ok) {
      const parsed = ZWhatsappSendResponse.safeParse(json);
      return { ok: true, externalId: parsed.success ? (parsed.data.messages[0]?.id ?? null) : null };
    }
    const providerError = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    return {
      ok: false,
      retryable: response.status === 408 || response.status === 429 || response.status >= 500,
      error: {
        status: response.status,
        providerCode: typeof providerError?.code === 'number' ? providerError.code : null,
        message: (typeof providerError?.message === 'string'
          ? providerError.message
          : response.statusText
        ).slice(0, 300),
      },
    };
  }
}
