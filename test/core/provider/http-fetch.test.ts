/** The provider client's fetch over node:http, against real local servers. */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import net, { type AddressInfo, type Socket } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { errnoCode } from '../../../src/core/errors.js';
import { createHttpFetch } from '../../../src/core/provider/http-fetch.js';
import { failureOf } from './harness.js';

interface Seen {
  method: string;
  url: string;
  rawHeaders: string[];
  body: string;
}

interface Server {
  url: string;
  seen: Seen[];
  /** Each request's server-side response, as it arrives. */
  responses: ServerResponse[];
  close(): Promise<void>;
}

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

type Handler = (request: IncomingMessage, response: ServerResponse, seen: Seen) => void;

async function serve(handler: Handler): Promise<Server> {
  const seen: Seen[] = [];
  const responses: ServerResponse[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = {
        method: request.method ?? '',
        url: request.url ?? '',
        rawHeaders: request.rawHeaders,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(entry);
      responses.push(response);
      handler(request, response, entry);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const result = {
    url: `http://127.0.0.1:${port}`,
    seen,
    responses,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  servers.push(result);
  return result;
}

/** Resolves when the server has taken `count` requests. */
async function requestsReached(server: Server, count: number): Promise<void> {
  while (server.seen.length < count) await new Promise((resolve) => setImmediate(resolve));
}

function headerValues(seen: Seen, name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < seen.rawHeaders.length; i += 2)
    if (seen.rawHeaders[i]?.toLowerCase() === name) values.push(seen.rawHeaders[i + 1] ?? '');
  return values;
}

function socketOf(server: Server): Socket {
  const socket = server.responses[0]?.socket;
  if (socket === undefined || socket === null) throw new Error('no connection');
  return socket;
}

function readerOf(response: Response): ReadableStreamDefaultReader<Uint8Array> {
  const reader = (response.body as ReadableStream<Uint8Array> | null)?.getReader();
  if (reader === undefined) throw new Error('no body');
  return reader;
}

const decoder = new TextDecoder();

describe('requests and responses', () => {
  it('sends the method, every header value and the JSON body, and streams back status and headers', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(201, 'Made', [
        ['content-type', 'text/event-stream'],
        ['x-several', 'one'],
        ['x-several', 'two'],
      ]);
      response.write('data: first\n\n');
      response.end('data: [DONE]\n\n');
    });
    const fetch = createHttpFetch();
    const headers = new Headers({ authorization: 'Bearer k', 'content-type': 'application/json' });
    const response = await fetch(`${server.url}/v1/chat/completions?x=1`, {
      method: 'post',
      headers: [...headers, ['x-list', 'a'], ['x-list', 'b']],
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'héllo' }] }),
    });

    expect(response.status).toBe(201);
    expect(response.statusText).toBe('Made');
    expect(response.ok).toBe(true);
    expect(response.url).toBe(`${server.url}/v1/chat/completions?x=1`);
    expect(response.headers.get('x-several')).toBe('one, two');
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(await response.text()).toBe('data: first\n\ndata: [DONE]\n\n');
    const [seen] = server.seen;
    if (seen === undefined) throw new Error('no request');
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/v1/chat/completions?x=1');
    expect(JSON.parse(seen.body)).toEqual({ model: 'm', messages: [{ role: 'user', content: 'héllo' }] });
    expect(headerValues(seen, 'x-list')).toEqual(['a', 'b']);
    expect(headerValues(seen, 'authorization')).toEqual(['Bearer k']);
    expect(headerValues(seen, 'content-type')).toEqual(['application/json']);
    expect(headerValues(seen, 'content-length')).toEqual([String(Buffer.byteLength(seen.body))]);
    expect(headerValues(seen, 'accept-encoding')).toEqual(['gzip, deflate, br']);
  });

  it('keeps the connection for the next request', async () => {
    const server = await serve((_request, response) => response.end('ok'));
    const fetch = createHttpFetch();
    const ports = new Set<number>();
    for (let i = 0; i < 3; i += 1) {
      expect(await (await fetch(server.url, { method: 'POST', body: '{}' })).text()).toBe('ok');
      ports.add(server.responses[i]?.socket?.remotePort ?? -1);
    }
    expect(ports.size).toBe(1);
  });

  it('gives a 204 and a HEAD no body, and an error status its body', async () => {
    const server = await serve((request, response) => {
      if (request.url === '/none') response.writeHead(204).end();
      else response.writeHead(429, { 'retry-after': '2' }).end('{"error":{"message":"slow down"}}');
    });
    const fetch = createHttpFetch();
    const empty = await fetch(`${server.url}/none`);
    const limited = await fetch(`${server.url}/limited`, { method: 'POST', body: '{}' });
    const head = await fetch(`${server.url}/limited`, { method: 'HEAD' });

    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(await limited.json()).toEqual({ error: { message: 'slow down' } });
    expect(head.body).toBeNull();
  });
});

describe('aborts', () => {
  it('rejects at once with the AbortError of a signal aborted before, sending nothing', async () => {
    const server = await serve((_request, response) => response.end('never'));
    const fetch = createHttpFetch();
    const error = await failureOf(fetch(server.url, { signal: AbortSignal.abort() }));
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(server.seen).toHaveLength(0);
  });

  it('rejects with the AbortError and closes the connection when aborted waiting for the answer', async () => {
    const server = await serve(() => undefined);
    const fetch = createHttpFetch();
    const controller = new AbortController();
    const pending = fetch(server.url, { method: 'POST', body: '{}', signal: controller.signal });
    await requestsReached(server, 1);
    const closed = once(socketOf(server), 'close');
    controller.abort();

    expect(await failureOf(pending)).toMatchObject({ name: 'AbortError' });
    await closed;
  });

  it('fails the reader with the AbortError and closes the connection when aborted mid-body', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: one\n\n');
    });
    const fetch = createHttpFetch();
    const controller = new AbortController();
    const response = await fetch(server.url, { method: 'POST', body: '{}', signal: controller.signal });
    const reader = readerOf(response);
    expect(decoder.decode((await reader.read()).value)).toBe('data: one\n\n');
    const closed = once(socketOf(server), 'close');
    const next = reader.read();
    controller.abort();

    expect(await failureOf(next)).toMatchObject({ name: 'AbortError' });
    await closed;
  });
});

describe('broken connections', () => {
  it('fails with "fetch failed" and ECONNREFUSED as the cause when nothing listens', async () => {
    const server = await serve(() => undefined);
    await server.close();
    const error = await failureOf(createHttpFetch()(server.url, { method: 'POST', body: '{}' }));

    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
  });

  it('fails with "fetch failed" and the system error when the server resets while the request is sent', async () => {
    const server = net.createServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      const body = Buffer.alloc(16 * 1024 * 1024, 'x');
      const error = await failureOf(createHttpFetch()(`http://127.0.0.1:${port}`, { method: 'POST', body }));

      expect(error).toBeInstanceOf(TypeError);
      expect(error).toMatchObject({ message: 'fetch failed' });
      expect(['ECONNRESET', 'EPIPE']).toContain(errnoCode((error as Error).cause));
    } finally {
      server.close();
    }
  });

  it('fails the reader with "terminated" and a closed connection when the server closes or resets mid-body', async () => {
    const server = await serve((request, response) => {
      if (request.url === '/silent') {
        response.socket?.destroy();
        return;
      }
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const socket = response.socket;
      response.write('data: one\n\n', () =>
        request.url === '/reset' ? socket?.resetAndDestroy() : socket?.destroy(),
      );
    });
    const fetch = createHttpFetch();
    for (const path of ['/close', '/reset']) {
      const reader = readerOf(await fetch(`${server.url}${path}`, { method: 'POST', body: '{}' }));
      expect(decoder.decode((await reader.read()).value)).toBe('data: one\n\n');
      const error = await failureOf(reader.read());
      expect(error).toBeInstanceOf(TypeError);
      expect(error).toMatchObject({
        message: 'terminated',
        cause: { code: 'ERR_CONNECTION_CLOSED', message: 'the connection closed before the reply ended' },
      });
    }
    expect(await failureOf(fetch(`${server.url}/silent`, { method: 'POST', body: '{}' }))).toMatchObject({
      message: 'fetch failed',
      cause: { code: 'ERR_CONNECTION_CLOSED' },
    });
  });
});

describe('streaming', () => {
  it('pauses the server while the reader does not pull, and delivers every byte once it does', async () => {
    const PIECE = Buffer.alloc(64 * 1024, 'x');
    const TOTAL_PIECES = 1024;
    let written = 0;
    let blocked = false;
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      const more = (): void => {
        while (written < TOTAL_PIECES) {
          written += 1;
          if (!response.write(PIECE)) {
            blocked = true;
            response.once('drain', () => {
              blocked = false;
              more();
            });
            return;
          }
        }
        response.end();
      };
      more();
    });
    const ping = await serve((_request, response) => response.end('pong'));
    const fetch = createHttpFetch();
    const response = await fetch(server.url, { method: 'POST', body: '{}' });
    const reader = readerOf(response);
    let received = (await reader.read()).value?.byteLength ?? 0;

    // Round trips to another server turn the event loop many times: a reader that does not pull
    // must leave the server blocked and still, where a socket read unpaused would let it go on.
    let still = 0;
    for (let round = 0; round < 200 && still < 5; round += 1) {
      const before = written;
      await (await fetch(ping.url)).text();
      still = blocked && written === before ? still + 1 : 0;
    }
    expect(still).toBe(5);
    expect(written).toBeLessThan(TOTAL_PIECES / 2);

    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
    }
    expect(received).toBe(PIECE.length * TOTAL_PIECES);
  });

  it('decodes gzip and brotli bodies as they stream, before the server ends them', async () => {
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const server = await serve((request, response) => {
      const br = request.url === '/br';
      response.writeHead(200, {
        'content-type': 'text/event-stream',
        'content-encoding': br ? 'br' : 'gzip',
      });
      const encoder = br ? zlib.createBrotliCompress() : zlib.createGzip();
      encoder.pipe(response);
      encoder.write('data: first\n\n');
      encoder.flush(() => void gate.then(() => encoder.end('data: [DONE]\n\n')));
    });
    const fetch = createHttpFetch();
    for (const path of ['/gzip', '/br']) {
      const response = await fetch(`${server.url}${path}`, { method: 'POST', body: '{}' });
      const reader = readerOf(response);
      expect(decoder.decode((await reader.read()).value)).toBe('data: first\n\n');
      release();
      let rest = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        rest += decoder.decode(value);
      }
      expect(rest).toBe('data: [DONE]\n\n');
    }
  });
});

describe('redirects', () => {
  it('re-sends a POST on 307, turns it into a GET on 302, and drops the key on another origin', async () => {
    const other = await serve((_request, response) => response.end('elsewhere'));
    const server = await serve((request, response) => {
      if (request.url === '/temporary') response.writeHead(307, { location: '/final' }).end();
      else if (request.url === '/found') response.writeHead(302, { location: '/final' }).end();
      else if (request.url === '/away') response.writeHead(308, { location: `${other.url}/there` }).end();
      else response.end('final');
    });
    const fetch = createHttpFetch();
    const init = { method: 'POST', body: '{"a":1}', headers: { authorization: 'Bearer k' } };

    const kept = await fetch(`${server.url}/temporary`, init);
    expect([await kept.text(), kept.redirected, kept.url]).toEqual(['final', true, `${server.url}/final`]);
    expect(server.seen[1]).toMatchObject({ method: 'POST', url: '/final', body: '{"a":1}' });

    await (await fetch(`${server.url}/found`, init)).text();
    expect(server.seen[3]).toMatchObject({ method: 'GET', url: '/final', body: '' });

    expect(await (await fetch(`${server.url}/away`, init)).text()).toBe('elsewhere');
    const [away] = other.seen;
    if (away === undefined) throw new Error('not redirected');
    expect(away.body).toBe('{"a":1}');
    expect(headerValues(away, 'authorization')).toEqual([]);
  });
});

describe('https', () => {
  const REPO = path.resolve(import.meta.dirname, '..', '..', '..');
  /** A self-signed certificate for 127.0.0.1, made for these tests only. */
  const TLS = path.join(REPO, 'test', 'fixtures', 'tls');
  const CERT = path.join(TLS, 'localhost-cert.pem');

  async function serveTls(): Promise<{ url: string; close: () => void }> {
    const server = https.createServer(
      { cert: readFileSync(CERT), key: readFileSync(path.join(TLS, 'localhost-key.pem')) },
      (_request, response) => response.end('secure'),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    return {
      url: `https://127.0.0.1:${port}`,
      close: () => {
        server.closeAllConnections();
        server.close();
      },
    };
  }

  it('refuses a certificate no known authority signed, as a connection failure with its code', async () => {
    const server = await serveTls();
    try {
      const error = await failureOf(createHttpFetch()(server.url, { method: 'POST', body: '{}' }));
      expect(error).toMatchObject({
        message: 'fetch failed',
        cause: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
      });
    } finally {
      server.close();
    }
  });

  it('trusts the authorities added with NODE_EXTRA_CA_CERTS', async () => {
    const server = await serveTls();
    const module = path.join(REPO, 'src', 'core', 'provider', 'http-fetch.ts');
    const script = `import { createHttpFetch } from ${JSON.stringify(module)};
const response = await createHttpFetch()(process.argv[1], { method: 'POST', body: '{}' });
process.stdout.write(await response.text());`;
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script, server.url],
        { cwd: REPO, env: { PATH: process.env.PATH ?? '', NODE_EXTRA_CA_CERTS: CERT } },
      );
      expect(stdout).toBe('secure');
    } finally {
      server.close();
    }
  });
});
