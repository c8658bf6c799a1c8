import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
} from 'openai/resources/chat/completions';

/** What the fake answers one request with: a completion, an HTTP error, or no answer at all. */
export type FakeReply = ChatCompletion | { status: number; body?: unknown } | 'hang';

export interface RecordedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, as the client sent it. */
  body: ChatCompletionCreateParamsNonStreaming;
  /** Set when the client closed the connection before the fake answered (an aborted request). */
  abandoned: boolean;
}

export type FakeResponder = (
  body: ChatCompletionCreateParamsNonStreaming,
  request: { index: number; path: string },
) => FakeReply | Promise<FakeReply>;

export interface FakeOpenAi {
  /** Pass as the client's `baseURL` (ends in `/v1`). */
  baseUrl: string;
  /** Every chat-completions request received since start (or the last `reset`), oldest first. */
  readonly requests: RecordedRequest[];
  setResponder(responder: FakeResponder): void;
  /** Forgets recorded requests and, when given, installs a new responder. */
  reset(responder?: FakeResponder): void;
  /** Stops the server; connections still hanging are destroyed. */
  close(): Promise<void>;
}

const CHAT_PATHS = new Set(['/v1/chat/completions', '/chat/completions']);

function errorBody(message: string, type: string) {
  return { error: { message, type, param: null, code: null } };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * An OpenAI-compatible chat-completions server on a free local port. The responder decides each
 * answer from the request body; anything unexpected answers in OpenAI's error format, so a test
 * sees what went wrong in the client's error message.
 */
export async function startFakeOpenAi(responder?: FakeResponder): Promise<FakeOpenAi> {
  let current: FakeResponder | undefined = responder;
  const requests: RecordedRequest[] = [];

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        if (req.method !== 'POST' || !CHAT_PATHS.has(path))
          return sendJson(res, 404, errorBody(`No fake for ${req.method} ${path}`, 'invalid_request_error'));
        let body: ChatCompletionCreateParamsNonStreaming;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatCompletionCreateParamsNonStreaming;
        } catch {
          return sendJson(res, 400, errorBody('The body is not JSON', 'invalid_request_error'));
        }
        const recorded: RecordedRequest = { path, headers: req.headers, body, abandoned: false };
        const index = requests.push(recorded) - 1;
        res.on('close', () => {
          if (!res.writableFinished) recorded.abandoned = true;
        });
        if (!current) return sendJson(res, 500, errorBody('The test set no responder', 'server_error'));
        let reply: FakeReply;
        try {
          reply = await current(body, { index, path });
        } catch (error) {
          return sendJson(res, 500, errorBody(`The responder threw: ${String(error)}`, 'server_error'));
        }
        if (reply === 'hang') return;
        if ('status' in reply)
          return sendJson(res, reply.status, reply.body ?? errorBody('Fake server error', 'server_error'));
        sendJson(res, 200, reply);
      })();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    setResponder(next) {
      current = next;
    },
    reset(next) {
      requests.length = 0;
      if (next) current = next;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // A hung request keeps its socket open forever; close() alone would wait for it.
        server.closeAllConnections();
      });
    },
  };
}

function completion(
  message: ChatCompletion.Choice['message'],
  finishReason: ChatCompletion.Choice['finish_reason'],
  model: string,
): ChatCompletion {
  return {
    id: `chatcmpl-${randomBytes(12).toString('hex')}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message, finish_reason: finishReason, logprobs: null }],
    usage: { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 },
  };
}

/** A plain assistant answer (`finish_reason: 'stop'`). */
export function textCompletion(content: string, model = 'fake-model'): ChatCompletion {
  return completion({ role: 'assistant', content, refusal: null }, 'stop', model);
}

export interface FakeToolCall {
  name: string;
  /** An object is JSON-encoded as the API does; a string is sent as is (to script malformed JSON). */
  arguments: unknown;
  id?: string;
}

/** An assistant message calling tools (`finish_reason: 'tool_calls'`), optionally with text beside the calls. */
export function toolCallCompletion(
  calls: FakeToolCall[],
  content: string | null = null,
  model = 'fake-model',
): ChatCompletion {
  return completion(
    {
      role: 'assistant',
      content,
      refusal: null,
      tool_calls: calls.map((call) => ({
        id: call.id ?? `call_${randomBytes(8).toString('hex')}`,
        type: 'function' as const,
        function: {
          name: call.name,
          arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
        },
      })),
    },
    'tool_calls',
    model,
  );
}

/** Answers the n-th request with the n-th reply; requests beyond the script get a 500 naming the overrun. */
export function scripted(...replies: FakeReply[]): FakeResponder {
  return (_body, { index }) =>
    replies[index] ?? {
      status: 500,
      body: errorBody(`Script has ${replies.length} replies; got request #${index + 1}`, 'server_error'),
    };
}
