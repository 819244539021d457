import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { replyChunks, replyCompletion } from './fake-provider-reply.js';
import { writeRecording, writeSse } from './fake-provider-sse.js';
import type {
  FakeAnswer,
  FakeHttpError,
  FakeRequest,
  FakeRequestBody,
  FakeStep,
} from './fake-provider-types.js';

export type * from './fake-provider-types.js';

/**
 * A scripted OpenAI-compatible server on 127.0.0.1, for the real `openai` client in this process or a
 * real octo binary in another (point it at `url` with `[providers.test] base_url = "<url>"`).
 *
 *   const fake = await startFakeProvider();
 *   fake.enqueue({ text: ['Hel', 'lo'], usage: { prompt: 10, completion: 2 } }, { status: 429, headers: { 'retry-after': '2' } });
 *   ... run the code under test ...
 *   expect(fake.requests[0]?.body.messages).toEqual([...]);
 *   await fake.close();
 */
export interface FakeProvider {
  /** Base URL, ending in /v1. */
  url: string;
  /** Every request received, in order. */
  requests: FakeRequest[];
  /** Script the next responses to /v1/chat/completions, one step per request. */
  enqueue(...steps: FakeStep[]): void;
  /** What to answer when nothing is queued (default: a 500 saying no response was scripted). */
  setFallback(step: FakeStep | null): void;
  /** Steps queued and not yet used. */
  pending(): number;
  /** Drops the steps not yet used (so a failed test's leftovers do not answer the next test). */
  clear(): void;
  close(): Promise<void>;
}

export interface FakeProviderOptions {
  /** Model ids listed by GET /v1/models. */
  models?: string[];
}

/** Loud rather than silent: a test that forgot to script a reply should fail with a reason. */
const NO_SCRIPT: FakeHttpError = {
  status: 500,
  body: { error: { message: 'fake provider: no scripted response', type: 'fake_error' } },
};

export async function startFakeProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const queue: FakeStep[] = [];
  const requests: FakeRequest[] = [];
  let fallback: FakeStep | null = null;
  const models = options.models ?? ['fake-model'];

  const server = createServer((incoming, response) => {
    handle(incoming, response).catch((error: unknown) => {
      // A failing script is a bug in the test: answer loudly rather than leave the client hanging.
      if (!response.headersSent)
        sendJson(response, 500, { error: { message: `fake provider: ${String(error)}` } });
      response.end();
    });
  });

  async function handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const request = await readRequest(incoming);
    requests.push(request);
    if (request.method === 'GET' && request.path === '/v1/models') {
      sendJson(response, 200, {
        object: 'list',
        data: models.map((id) => ({ id, object: 'model', owned_by: 'octo-test' })),
      });
      return;
    }
    if (request.method !== 'POST' || request.path !== '/v1/chat/completions') {
      sendJson(response, 404, {
        error: { message: `fake provider: no route ${request.method} ${request.path}` },
      });
      return;
    }
    if (request.bodyError !== null) {
      sendJson(response, 400, { error: { message: `fake provider: ${request.bodyError}` } });
      return;
    }
    await answer(await resolveStep(queue.shift() ?? fallback ?? NO_SCRIPT, request), request, response);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...steps) => queue.push(...steps),
    setFallback: (step) => {
      fallback = step;
    },
    pending: () => queue.length,
    clear: () => {
      queue.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Stalled and hanging streams would otherwise keep close() waiting forever.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function resolveStep(step: FakeStep, request: FakeRequest): Promise<FakeAnswer> {
  return typeof step === 'function' ? resolveStep(await step(request), request) : step;
}

async function answer(step: FakeAnswer, request: FakeRequest, response: ServerResponse): Promise<void> {
  if ('hang' in step) return;
  if ('recording' in step) {
    await writeRecording(response, step);
    return;
  }
  if ('status' in step) {
    sendError(response, step);
    return;
  }
  if (request.body.stream === true) {
    await writeSse(response, step.rawChunks ?? replyChunks(step, request.body), step);
    return;
  }
  sendJson(response, 200, replyCompletion(step, request.body));
}

function sendError(response: ServerResponse, step: FakeHttpError): void {
  const body = step.body ?? {
    error: { message: `fake provider: scripted HTTP ${step.status}`, type: 'fake_error' },
  };
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain' : 'application/json';
  response.writeHead(step.status, { 'content-type': type, ...step.headers });
  response.end(text);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function readRequest(incoming: IncomingMessage): Promise<FakeRequest> {
  const parts: Buffer[] = [];
  for await (const part of incoming) parts.push(part as Buffer);
  const raw = Buffer.concat(parts).toString('utf8');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    method: incoming.method ?? 'GET',
    path: new URL(incoming.url ?? '/', 'http://fake').pathname,
    headers,
    ...parseBody(raw),
    raw,
  };
}

function parseBody(raw: string): { body: FakeRequestBody; bodyError: string | null } {
  if (raw === '') return { body: {}, bodyError: null };
  try {
    const parsed: unknown = JSON.parse(raw);
    const isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
    return isObject
      ? { body: parsed as FakeRequestBody, bodyError: null }
      : { body: {}, bodyError: 'body is not a JSON object' };
  } catch (error) {
    // Answered as a 400 by the route, with this reason, like a real provider would.
    return { body: {}, bodyError: `body is not JSON (${String(error)})` };
  }
}
