/**
 * The provider client's `fetch`, over node:http and node:https. Node's own fetch (undici) builds its
 * request, dispatcher, pool and client and instantiates its WebAssembly HTTP parser on the first
 * request: ~20 ms in one piece on the main thread from the SDK's call to the request leaving, against
 * ~8 ms here (node:http is loaded already and parses in C++); and a process that used it stays alive
 * ~130-200 ms after its last reply, so a `-p` turn exits that much later. undici itself still loads
 * (the SDK builds headers with `Headers`; the answer is a `Response`), and with it the compile of its
 * parser starts, off the request's path (see warmFetch in model-service.ts).
 * It does what the SDK and octo ask of fetch: method, headers, a string or byte body, a streamed body
 * with backpressure, abort before and during the request and the body, redirects, gzip/deflate/br,
 * errors shaped as fetch shapes them (`TypeError('fetch failed')` before the response,
 * `TypeError('terminated')` in the body, the system error as the cause). Anything else (a streamed or
 * form body, a `Request`, another scheme) goes to node's fetch.
 */
import http from 'node:http';
import type { ClientRequest, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { pipeline, type Readable, type Transform } from 'node:stream';

/** fetch's own limit. */
const MAX_REDIRECTS = 20;
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
/** Statuses whose response has no body, whatever the server sends. */
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);
/** What node's fetch asks for, and decodes. */
const ACCEPT_ENCODING = 'gzip, deflate, br';
/** Body bytes queued for a reader that does not pull before the socket is paused. */
const BODY_HIGH_WATER_BYTES = 64 * 1024;
/** Request headers that name the body, dropped when a redirect turns the request into a GET. */
const BODY_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
];
/** Credentials fetch does not carry to another origin on a redirect. */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];

/** One request, as sent (and re-sent on a redirect). */
interface Plan {
  url: URL;
  method: string;
  headers: Map<string, string[]>;
  body: Buffer | null;
  signal: AbortSignal | null;
  redirect: NonNullable<RequestInit['redirect']>;
  redirects: number;
}

/**
 * The peer closed the connection before the reply ended. Node reports it as ECONNRESET with no
 * system call ('socket hang up', 'aborted'); a reset the kernel saw carries its syscall.
 */
export class ConnectionClosed extends Error {
  readonly code = 'ERR_CONNECTION_CLOSED';
  constructor() {
    super('the connection closed before the reply ended');
    this.name = 'ConnectionClosed';
  }
}

let shared: typeof fetch | null = null;

/** The process's one instance, so every client shares its keep-alive connections. */
export function httpFetch(): typeof fetch {
  shared ??= createHttpFetch();
  return shared;
}

/** A fetch with its own keep-alive agents; `fallback` takes what it does not handle itself. */
export function createHttpFetch(
  fallback: typeof fetch = (input, init) => globalThis.fetch(input, init),
): typeof fetch {
  const agents = new Agents();
  return async (input, init) => {
    const plan = planOf(input, init);
    if (plan === null) return fallback(input, init);
    return send(plan, agents);
  };
}

class Agents {
  readonly http = new http.Agent({ keepAlive: true });
  private secure: Transport | null = null;

  transport(url: URL): Transport {
    if (url.protocol === 'http:') return { request: http.request, agent: this.http };
    // Loaded on first use (not imported: the command line's bundle runs without a dynamic import):
    // TLS costs start-up time a local server never needs.
    const https = process.getBuiltinModule('node:https');
    this.secure ??= { request: https.request, agent: new https.Agent({ keepAlive: true }) };
    return this.secure;
  }
}

interface Transport {
  request: typeof http.request;
  agent: http.Agent;
}

/** The request, or null when it is one for node's fetch. */
function planOf(input: string | URL | Request, init: RequestInit | undefined): Plan | null {
  if (typeof input !== 'string' && !(input instanceof URL)) return null;
  const url = new URL(input);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username !== '' || url.password !== '') return null;
  const body = bodyOf(init?.body);
  if (body === undefined) return null;
  const method = methodOf(init?.method);
  if (body !== null && (method === 'GET' || method === 'HEAD'))
    throw new TypeError(`A ${method} request cannot have a body.`);
  const headers = headerMap(init?.headers);
  if (body !== null && !headers.has('content-type')) headers.set('content-type', [body.type]);
  if (!headers.has('accept')) headers.set('accept', ['*/*']);
  if (!headers.has('accept-encoding')) headers.set('accept-encoding', [ACCEPT_ENCODING]);
  return {
    url,
    method,
    headers,
    body: body?.bytes ?? null,
    signal: init?.signal ?? null,
    redirect: init?.redirect ?? 'follow',
    redirects: 0,
  };
}

/** fetch upper-cases the standard methods only; others go as written. */
function methodOf(method: string | undefined): string {
  const upper = (method ?? 'GET').toUpperCase();
  return ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH'].includes(upper)
    ? upper
    : (method ?? 'GET');
}

/** The body's bytes and default type; undefined for a kind node's fetch handles (streams, forms, blobs). */
function bodyOf(body: RequestInit['body']): { bytes: Buffer; type: string } | null | undefined {
  if (body === null || body === undefined) return null;
  if (typeof body === 'string') return { bytes: Buffer.from(body, 'utf8'), type: 'text/plain;charset=UTF-8' };
  if (body instanceof URLSearchParams)
    return {
      bytes: Buffer.from(body.toString(), 'utf8'),
      type: 'application/x-www-form-urlencoded;charset=UTF-8',
    };
  if (body instanceof ArrayBuffer) return { bytes: Buffer.from(body), type: '' };
  if (ArrayBuffer.isView(body))
    return { bytes: Buffer.from(body.buffer, body.byteOffset, body.byteLength), type: '' };
  return undefined;
}

/** Lower-cased names, each with its values in order (a `Headers`, pairs or a record). */
function headerMap(init: RequestInit['headers']): Map<string, string[]> {
  const map = new Map<string, string[]>();
  const add = (name: string, value: string): void => {
    const key = name.toLowerCase();
    map.set(key, [...(map.get(key) ?? []), value.trim()]);
  };
  if (init === undefined) return map;
  if (Array.isArray(init)) {
    for (const pair of init as unknown[][]) {
      const [name, value] = pair;
      if (pair.length !== 2 || typeof name !== 'string' || typeof value !== 'string')
        throw new TypeError('A header must be a [name, value] pair.');
      add(name, value);
    }
  } else if (isHeaders(init)) init.forEach((value, name) => add(name, value));
  else
    for (const [name, value] of Object.entries(init))
      for (const one of typeof value === 'string' ? [value] : value) add(name, one);
  return map;
}

/** Duck-typed: `instanceof Headers` would load undici for a plain record. */
function isHeaders(init: NonNullable<RequestInit['headers']>): init is Headers {
  return (
    typeof (init as Partial<Headers>).forEach === 'function' &&
    typeof (init as Partial<Headers>).get === 'function'
  );
}

function outgoingHeaders(plan: Plan): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, values] of plan.headers) {
    if (name === 'content-length' || (name === 'content-type' && values.every((v) => v === ''))) continue;
    headers[name] = values.length === 1 ? values[0] : values;
  }
  // fetch states the length of every body, and 0 for a POST or PUT without one.
  if (plan.body !== null || plan.method === 'POST' || plan.method === 'PUT')
    headers['content-length'] = String(plan.body?.length ?? 0);
  return headers;
}

async function send(plan: Plan, agents: Agents): Promise<Response> {
  const { signal } = plan;
  signal?.throwIfAborted();
  const transport = agents.transport(plan.url);
  return new Promise<Response>((resolve, reject) => {
    let request: ClientRequest;
    try {
      request = transport.request(plan.url, {
        method: plan.method,
        headers: outgoingHeaders(plan),
        agent: transport.agent,
      });
    } catch (error) {
      reject(new TypeError('fetch failed', { cause: error }));
      return;
    }
    /** A failure of the connection itself (refused, reset, TLS): the body's error names it. */
    let connectionError: Error | null = null;
    const onAbort = (): void => {
      request.destroy();
      reject(abortReason(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', (error) => {
      connectionError = error;
      signal?.removeEventListener('abort', onAbort);
      reject(
        signal?.aborted === true
          ? abortReason(signal)
          : new TypeError('fetch failed', { cause: peerError(error) }),
      );
    });
    request.on('response', (response) => {
      signal?.removeEventListener('abort', onAbort);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (REDIRECT_STATUS.has(status) && location !== undefined && plan.redirect !== 'manual') {
        response.resume();
        try {
          resolve(send(redirected(plan, status, location), agents));
        } catch (error) {
          reject(new TypeError('fetch failed', { cause: error }));
        }
        return;
      }
      try {
        resolve(responseOf(response, plan, () => connectionError));
      } catch (error) {
        response.destroy();
        reject(new TypeError('fetch failed', { cause: error }));
      }
    });
    request.end(plan.body ?? undefined);
  });
}

/** The next request of a redirect, as fetch makes it. */
function redirected(plan: Plan, status: number, location: string): Plan {
  if (plan.redirect === 'error') throw new Error(`redirected to ${location}, and redirects were refused`);
  if (plan.redirects >= MAX_REDIRECTS) throw new Error('too many redirects');
  const url = new URL(location, plan.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`redirected to ${url.protocol}`);
  const headers = new Map(plan.headers);
  const toGet =
    (status === 303 && plan.method !== 'HEAD') ||
    ((status === 301 || status === 302) && plan.method === 'POST');
  if (toGet) for (const name of BODY_HEADERS) headers.delete(name);
  if (url.origin !== plan.url.origin) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
  return {
    ...plan,
    url,
    headers,
    method: toGet ? 'GET' : plan.method,
    body: toGet ? null : plan.body,
    redirects: plan.redirects + 1,
  };
}

function responseOf(response: IncomingMessage, plan: Plan, connectionError: () => Error | null): Response {
  const status = response.statusCode ?? 0;
  const headers = new Headers();
  const raw = response.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] ?? '', raw[i + 1] ?? '');
  let body: ReadableStream<Uint8Array> | null = null;
  if (plan.method === 'HEAD' || NULL_BODY_STATUS.has(status)) response.resume();
  else body = bodyStream(response, decoders(headers.get('content-encoding')), plan.signal, connectionError);
  const statusText = /^[\t\x20-\x7e\x80-\xff]*$/.test(response.statusMessage ?? '')
    ? response.statusMessage
    : '';
  const result = new Response(body, { status, statusText, headers });
  Object.defineProperty(result, 'url', { value: plan.url.href });
  Object.defineProperty(result, 'redirected', { value: plan.redirects > 0 });
  return result;
}

/**
 * Decoders for the codings listed, last applied first; none for an unknown coding (the body then
 * stays as sent, as node's fetch leaves it). Flushed as bytes arrive, so a stream is not held back.
 */
function decoders(encoding: string | null): Transform[] {
  const codings = (encoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0) return [];
  const zlib = process.getBuiltinModule('node:zlib');
  const flush = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const brotli = {
    flush: zlib.constants.BROTLI_OPERATION_FLUSH,
    finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
  };
  const chain: Transform[] = [];
  for (const coding of codings.reverse()) {
    if (coding === 'gzip' || coding === 'x-gzip') chain.push(zlib.createGunzip(flush));
    else if (coding === 'deflate') chain.push(zlib.createInflate(flush));
    else if (coding === 'br') chain.push(zlib.createBrotliDecompress(brotli));
    else return [];
  }
  return chain;
}

/**
 * The body as a web stream that pauses the socket while the reader does not pull. An abort ends the
 * connection and fails the reader with the signal's reason; a cancel ends the connection.
 */
function bodyStream(
  response: IncomingMessage,
  chain: Transform[],
  signal: AbortSignal | null,
  connectionError: () => Error | null,
): ReadableStream<Uint8Array> {
  const last = chain.at(-1);
  // The pipeline carries an error of any stage to the last one, which the reader hears.
  if (last !== undefined) pipeline([response, ...chain], () => undefined);
  const source: Readable = last ?? response;
  let finished = false;
  let onAbort = (): void => undefined;
  const end = (): void => {
    finished = true;
    signal?.removeEventListener('abort', onAbort);
  };
  const stop = (): void => {
    end();
    response.destroy();
    source.destroy();
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        onAbort = () => {
          if (finished) return;
          stop();
          controller.error(abortReason(signal));
        };
        if (signal?.aborted === true) {
          onAbort();
          return;
        }
        signal?.addEventListener('abort', onAbort, { once: true });
        source.on('data', (chunk: Buffer) => {
          if (finished) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) source.pause();
        });
        source.on('end', () => {
          if (finished) return;
          end();
          controller.close();
        });
        source.on('error', (error) => {
          if (finished) return;
          stop();
          controller.error(new TypeError('terminated', { cause: peerError(connectionError() ?? error) }));
        });
      },
      pull() {
        if (!finished) source.resume();
      },
      cancel() {
        if (!finished) stop();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: BODY_HIGH_WATER_BYTES }),
  );
}

/** Node's word for a peer that closed ('socket hang up', 'aborted') becomes ConnectionClosed. */
function peerError(error: Error): Error {
  const { code, syscall } = error as NodeJS.ErrnoException;
  return code === 'ECONNRESET' && syscall === undefined ? new ConnectionClosed() : error;
}

/** What fetch rejects with on an abort: the signal's reason, an AbortError when it gave none. */
function abortReason(signal: AbortSignal | null): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  const message = typeof reason === 'string' ? reason : 'This operation was aborted';
  return new DOMException(message, 'AbortError');
}
