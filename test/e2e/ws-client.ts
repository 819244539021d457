/** A real WebSocket client (the `ws` package) and a running `octo server`, for end-to-end tests. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import WebSocket from 'ws';
import { SERVER_FRAMES } from '../../src/server/protocol.js';
import type { OctoHome, OctoProcess } from './support.js';

export type Frame = Record<string, unknown> & { type: string };

/** A server outlives the runs of one test; one still up after this is killed as hung. */
export const SERVER_HANG_MS = 120_000;

export interface RunningServer {
  process: OctoProcess;
  url: string;
  port: number;
  token: string;
  /** SIGTERM, then the exit. */
  stop(): Promise<{ code: number | null; stderr: string }>;
}

/** Starts `octo server --port 0 ...` and waits for its "listening" line. */
export async function startServer(
  home: OctoHome,
  args: readonly string[] = [],
  env: Record<string, string> = {},
): Promise<RunningServer> {
  const child = home.spawn(['server', '--port', '0', ...args], {
    env: { ...home.env, ...env },
    hangMs: SERVER_HANG_MS,
  });
  const listening = /octo server listening on (ws:\/\/\S+)/;
  await child.waitFor((p) => listening.test(p.stderr), 'the listening line');
  const url = listening.exec(child.stderr)?.[1] ?? '';
  const info = JSON.parse(await readFile(path.join(home.dataDir, 'server.json'), 'utf8')) as {
    token?: string;
  };
  return {
    process: child,
    url,
    port: Number(new URL(url).port),
    token: env.OCTO_SERVER_TOKEN ?? info.token ?? '',
    stop: async () => {
      child.child.kill('SIGTERM');
      const result = await child.exited;
      return { code: result.code, stderr: result.stderr };
    },
  };
}

/** Every frame the server sends must match its schema in src/server/protocol.ts. */
function checkFrame(frame: Frame): void {
  const schema = (SERVER_FRAMES as Record<string, { safeParse(v: unknown): { success: boolean } }>)[
    frame.type
  ];
  expect(schema, `a frame of unknown type ${frame.type}`).toBeDefined();
  expect(schema?.safeParse(frame).success, `frame matches its schema: ${JSON.stringify(frame)}`).toBe(true);
}

export class Client {
  readonly frames: Frame[] = [];
  private readonly waiters: Array<() => void> = [];
  closed = false;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString('utf8')) as Frame;
      checkFrame(frame);
      this.frames.push(frame);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  /** Connects; resolves once open (rejects with the HTTP status when the handshake is refused). */
  static connect(
    server: Pick<RunningServer, 'url' | 'token'>,
    options: { token?: string | null; headers?: Record<string, string>; protocols?: string[] } = {},
  ): Promise<Client> {
    const token = options.token === undefined ? server.token : options.token;
    const headers = {
      ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
      ...options.headers,
    };
    const socket = new WebSocket(server.url, options.protocols ?? [], { headers });
    return new Promise((resolve, reject) => {
      const client = new Client(socket);
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_request, response) => {
        reject(new HandshakeRefused(response.statusCode ?? 0));
        response.resume();
      });
      socket.once('error', reject);
    });
  }

  send(frame: object | string): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first frame (from `from` on) that matches; waits for it, failing if the connection closes. */
  async next(predicate: (frame: Frame) => boolean, what: string, from = 0): Promise<Frame> {
    for (;;) {
      const found = this.frames.slice(from).find(predicate);
      if (found !== undefined) return found;
      if (this.closed)
        throw new Error(`connection closed before ${what}; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Waits for a frame of `type` (and the extra fields given). */
  expectFrame(type: string, fields: Record<string, unknown> = {}, from = 0): Promise<Frame> {
    return this.next(
      (f) => f.type === type && Object.entries(fields).every(([key, value]) => f[key] === value),
      `a ${type} frame ${JSON.stringify(fields)}`,
      from,
    );
  }

  ofType(type: string): Frame[] {
    return this.frames.filter((f) => f.type === type);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.close();
    await closed;
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}

export class HandshakeRefused extends Error {
  constructor(readonly status: number) {
    super(`handshake refused with HTTP ${status}`);
  }
}

/** The status a refused handshake got. */
export async function refusedWith(attempt: Promise<Client>): Promise<number> {
  try {
    const client = await attempt;
    await client.close();
  } catch (error) {
    if (error instanceof HandshakeRefused) return error.status;
    throw error;
  }
  throw new Error('the handshake was accepted');
}

/** Seqs of the session frames a client got, in order. */
export function seqs(frames: readonly Frame[]): number[] {
  return frames.flatMap((f) => (typeof f.seq === 'number' ? [f.seq] : []));
}
