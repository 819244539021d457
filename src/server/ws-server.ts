/** `octo server`: the protocol over WebSocket (ws), behind the handshake checks of auth.ts. */
import { createServer, STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  checkHandshake,
  SUBPROTOCOL,
  subprotocols,
  AUTH_SUBPROTOCOL_PREFIX,
  type HandshakePolicy,
} from './auth.js';
import type { Hub } from './hub.js';
import { newPeerId, type Peer } from './peer.js';
import { MAX_FRAME_BYTES } from './protocol.js';
import { BINARY_FRAME, receiveText } from './receive.js';
import { SlowClientGuard } from './slow-client.js';

export const WS_PATH = '/ws';
/**
 * Frames above MAX_FRAME_BYTES are read whole and answered with an error frame (the connection stays
 * up); a frame above this is not even read: the connection is closed (1009), bounding a client's memory.
 */
const HARD_FRAME_BYTES = 64 * 1024 * 1024;
/** A client that answers no ping within this is gone (a laptop lid closed): it is dropped. */
const HEARTBEAT_MS = 30_000;

export interface WsServerOptions {
  host: string;
  port: number;
  token: string;
  /** Normalised `--allow-origin` values. */
  origins: readonly string[];
  /** Further names a Host header may use (`--allow-host`), lower case. */
  hosts: readonly string[];
  /** A client with more than this unsent is dropped (it does not read). */
  maxBufferedBytes: number;
  log: (line: string) => void;
}

export interface RunningWsServer {
  /** ws://HOST:PORT/ws with the real port. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Names a Host header may use besides loopback ones: the bound address, or every local one for a wildcard. */
function hostNames(host: string, extra: readonly string[]): Set<string> {
  const names = new Set([host.toLowerCase().replace(/^\[|\]$/g, ''), ...extra]);
  if (host === '0.0.0.0' || host === '::') {
    names.add(hostname().toLowerCase());
    for (const list of Object.values(networkInterfaces())) {
      for (const address of list ?? []) names.add(address.address.toLowerCase());
    }
  }
  return names;
}

export function formatUrl(host: string, port: number): string {
  const shown = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `ws://${shown}:${port}${WS_PATH}`;
}

/** Refuses an upgrade with a plain HTTP answer and closes the socket. */
function refuseUpgrade(socket: Duplex, status: number, body: string): void {
  const headers = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...(status === 401 ? ['WWW-Authenticate: Bearer realm="octo"'] : []),
  ];
  socket.once('finish', () => socket.destroy());
  socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`);
}

const REFUSAL_BODY: Record<401 | 403, string> = {
  401: 'octo server: a token is needed (Authorization: Bearer TOKEN, or the subprotocol octo.auth.TOKEN).\n',
  403: 'octo server: this request comes from a page or host that is not allowed.\n',
};

class WsPeer implements Peer {
  readonly id = newPeerId();
  alive = true;
  private readonly guard: SlowClientGuard;

  constructor(
    private readonly socket: WebSocket,
    readonly label: string,
    maxBufferedBytes: number,
    log: (line: string) => void,
  ) {
    // A client that does not read would make the server hold every frame for it: it is cut off instead.
    this.guard = new SlowClientGuard(
      maxBufferedBytes,
      () => socket.bufferedAmount,
      (reason) => {
        log(`dropped client ${this.label}: ${reason}`);
        socket.terminate();
      },
    );
    socket.once('close', () => this.guard.stop());
  }

  send(json: string): void {
    if (!this.isOpen()) return;
    this.socket.send(json);
    this.guard.sent(Buffer.byteLength(json));
  }

  isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }
}

export async function startWsServer(hub: Hub, options: WsServerOptions): Promise<RunningWsServer> {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: HARD_FRAME_BYTES,
    perMessageDeflate: false,
    // Invalid UTF-8 is answered with an error frame (receive.ts) instead of closing the connection.
    skipUTF8Validation: true,
    handleProtocols: (offered) => {
      if (offered.has(SUBPROTOCOL)) return SUBPROTOCOL;
      // A browser that offered only the token must get one of its own protocols back.
      return [...offered].find((p) => p.startsWith(AUTH_SUBPROTOCOL_PREFIX)) ?? false;
    },
  });
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    const status = path === WS_PATH ? 426 : 404;
    response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
    response.end(status === 426 ? 'octo server: connect with a WebSocket.\n' : 'octo server: not found.\n');
  });
  const peers = new Map<WebSocket, WsPeer>();
  let policy: HandshakePolicy | null = null;

  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', (error) =>
      options.log(`connection error from ${remoteOf(request)}: ${error.message}`),
    );
    const path = (request.url ?? '').split('?')[0];
    if (path !== WS_PATH || policy === null) {
      refuseUpgrade(socket, 404, 'octo server: the WebSocket is at /ws.\n');
      return;
    }
    const verdict = checkHandshake(request.headers, policy);
    if (!verdict.ok) {
      options.log(`refused ${remoteOf(request)}: ${verdict.status} (${verdict.reason.slice(0, 120)})`);
      refuseUpgrade(socket, verdict.status, REFUSAL_BODY[verdict.status]);
      return;
    }
    wss.handleUpgrade(request, socket, head, (client) => {
      const peer = new WsPeer(client, `ws ${remoteOf(request)}`, options.maxBufferedBytes, options.log);
      peers.set(client, peer);
      options.log(
        `client ${peer.label} connected (${subprotocols(request.headers).length > 0 ? 'subprotocol' : 'header'} token)`,
      );
      client.on('pong', () => {
        peer.alive = true;
      });
      client.on('message', (data: Buffer, isBinary) => {
        hub.receive(peer, isBinary ? BINARY_FRAME : receiveText(data, MAX_FRAME_BYTES));
      });
      client.on('error', (error) => options.log(`client ${peer.label}: ${error.message}`));
      client.on('close', () => {
        peers.delete(client);
        hub.disconnect(peer);
        options.log(`client ${peer.label} disconnected`);
      });
      hub.connect(peer);
    });
  });

  const heartbeat = setInterval(() => {
    for (const [client, peer] of peers) {
      if (!peer.alive) {
        options.log(`dropped client ${peer.label}: no answer to a ping in ${HEARTBEAT_MS / 1000} s`);
        client.terminate();
        continue;
      }
      peer.alive = false;
      client.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  policy = {
    token: options.token,
    origins: new Set(options.origins),
    hosts: hostNames(options.host, options.hosts),
    port,
  };
  return {
    url: formatUrl(options.host, port),
    port,
    close: async () => {
      clearInterval(heartbeat);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const client of peers.keys()) client.close(1001, 'octo server is shutting down');
      // Clients get a moment for the closing handshake; then whatever is left is cut.
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      for (const client of peers.keys()) client.terminate();
      server.closeAllConnections();
      await closed;
    },
  };
}

function remoteOf(request: IncomingMessage): string {
  const { remoteAddress, remotePort } = request.socket;
  return `${remoteAddress ?? '?'}:${remotePort ?? '?'}`;
}
