import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProviderRequest {
  /** `Date.now()` when the request arrived. */
  at: number;
  method: string;
  path: string;
  authorization: string | undefined;
  body: {
    messaging_product?: string;
    recipient_type?: string;
    to?: string;
    type?: string;
    text?: { body?: string };
  };
  /** What the fake answered. */
  status: number;
  /** The message id it returned (successful sends only). */
  id: string | null;
}

export interface FakeWhatsapp {
  /** Base URL to use as WHATSAPP_API_BASE_URL. */
  url: string;
  /** Every request, in the order they arrived. */
  requests: ProviderRequest[];
  /** The next `count` sends are answered with `status` (500 by default) instead of being accepted. */
  failNext(count: number, status?: number): void;
  /** Accepted text sends to one number, in order. */
  sentTo(to: string): ProviderRequest[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (data += chunk));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

/**
 * A WhatsApp Cloud API stand-in on a real HTTP port: accepts `POST /v21.0/{phoneNumberId}/messages`,
 * answers with a fresh `wamid.*` id, records every request, and can be told to fail the next ones.
 */
export async function startFakeWhatsapp(): Promise<FakeWhatsapp> {
  const requests: ProviderRequest[] = [];
  const failures: number[] = [];
  let counter = 0;

  const server = createServer((req, res) => {
    const at = Date.now();
    void readBody(req).then((raw) => {
      let body: ProviderRequest['body'] = {};
      try {
        body = JSON.parse(raw) as ProviderRequest['body'];
      } catch {
        // recorded as an empty body; the test will notice
      }
      const path = req.url ?? '';
      const record: ProviderRequest = {
        at,
        method: req.method ?? '',
        path,
        authorization: req.headers.authorization,
        body,
        status: 200,
        id: null,
      };
      requests.push(record);
      res.setHeader('content-type', 'application/json');
      if (req.method !== 'POST' || !/^\/v21\.0\/[^/]+\/messages$/.test(path)) {
        record.status = 404;
        res.writeHead(404).end(JSON.stringify({ error: { message: 'Unknown path', code: 100 } }));
        return;
      }
      const failWith = failures.shift();
      if (failWith !== undefined) {
        record.status = failWith;
        res
          .writeHead(failWith)
          .end(JSON.stringify({ error: { message: 'Simulated failure', code: 131000 } }));
        return;
      }
      counter += 1;
      record.id = `wamid.fake-${counter}-${Date.now().toString(36)}`;
      res.writeHead(200).end(
        JSON.stringify({
          messaging_product: 'whatsapp',
          contacts: [{ input: body.to, wa_id: body.to }],
          messages: [{ id: record.id }],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v21.0`,
    requests,
    failNext(count, status = 500) {
      for (let i = 0; i < count; i += 1) failures.push(status);
    },
    sentTo(to) {
      return requests.filter((r) => r.status === 200 && r.body.to === to);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** The provider's webhook notification around one change (messages or statuses) for a business number. */
export function whatsappNotification(phoneNumberId: string, value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
              ...value,
            },
          },
        ],
      },
    ],
  };
}
