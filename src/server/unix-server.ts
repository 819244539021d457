/**
 * A daemon's socket: the protocol as JSON lines over a unix socket that only this user can reach. The
 * socket is 0600 in a 0700 folder owned by the user (the kernel checks both on connect), and the first
 * line must carry the token from the 0600 `NAME.json` beside it: a second check where socket permissions
 * are not enforced, and proof the peer could read this user's files.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { chmod, rm } from 'node:fs/promises';
import { errnoCode, getErrorMessage, OctoError } from '../core/errors.js';
import { readJsonFile, replaceFile } from '../core/replace-file.js';
import { generateToken, tokensEqual } from './auth.js';
import { daemonPaths, type DaemonPaths } from './daemon-paths.js';
import type { Hub } from './hub.js';
import { LineReader } from './line-reader.js';
import { newPeerId, type Peer } from './peer.js';
import { authFrame, MAX_FRAME_BYTES } from './protocol.js';
import { ensurePrivateDir } from './private-files.js';
import { receiveText, tooLarge } from './receive.js';
import { SlowClientGuard } from './slow-client.js';

/** A connection that has not sent its token by then is closed. */
const AUTH_TIMEOUT_MS = 10_000;

export interface DaemonInfo {
  pid: number;
  name: string;
  session_id: string;
  socket: string;
  token: string;
  started: string;
}

export interface UnixServerOptions {
  dir: string;
  name: string;
  sessionId: string;
  pid: number;
  now: () => number;
  maxBufferedBytes: number;
  log: (line: string) => void;
}

export interface RunningUnixServer {
  paths: DaemonPaths;
  close(): Promise<void>;
}

class UnixPeer implements Peer {
  readonly id = newPeerId();
  readonly label = `unix #${this.id}`;
  private readonly guard: SlowClientGuard;

  constructor(
    private readonly socket: Socket,
    maxBufferedBytes: number,
    log: (line: string) => void,
  ) {
    this.guard = new SlowClientGuard(
      maxBufferedBytes,
      () => socket.writableLength,
      (reason) => {
        log(`dropped client ${this.label}: ${reason}`);
        socket.destroy();
      },
    );
    socket.once('close', () => this.guard.stop());
  }

  send(json: string): void {
    if (!this.isOpen()) return;
    const line = `${json}\n`;
    this.socket.write(line);
    this.guard.sent(Buffer.byteLength(line));
  }

  isOpen(): boolean {
    return !this.socket.destroyed && this.socket.writable;
  }
}

/** True when something answers on the socket (another daemon), false for a leftover file. */
function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

export async function startUnixServer(hub: Hub, options: UnixServerOptions): Promise<RunningUnixServer> {
  await ensurePrivateDir(options.dir);
  const paths = daemonPaths(options.dir, options.name);
  if (await answers(paths.socket)) {
    throw new OctoError('listen_failed', `Another daemon answers on ${paths.socket}; stop it first.`);
  }
  // A socket left by a daemon that was killed: nothing listens on it any more.
  await rm(paths.socket, { force: true });
  const token = generateToken();
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(hub, socket, token, options);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(paths.socket, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // The folder is 0700, so nobody else could use the socket in the moment before this.
  await chmod(paths.socket, 0o600);
  const info: DaemonInfo = {
    pid: options.pid,
    name: options.name,
    session_id: options.sessionId,
    socket: paths.socket,
    token,
    started: new Date(options.now()).toISOString(),
  };
  await replaceFile(paths.info, `${JSON.stringify(info, null, 2)}\n`, { flush: false });
  return {
    paths,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      await removeIfOurs(paths, options.pid);
    },
  };
}

function serveConnection(hub: Hub, socket: Socket, token: string, options: UnixServerOptions): void {
  const peer = new UnixPeer(socket, options.maxBufferedBytes, options.log);
  const reader = new LineReader(MAX_FRAME_BYTES);
  let authenticated = false;
  const timer = setTimeout(() => {
    if (authenticated) return;
    hub.refuse(peer, 'No auth frame in time.', undefined, 'unauthorized');
    socket.end();
  }, AUTH_TIMEOUT_MS);
  timer.unref();
  const authenticate = (text: string): void => {
    const parsed = authFrame.safeParse(parseJson(text));
    if (!parsed.success || !tokensEqual(parsed.data.token, token)) {
      options.log(`refused ${peer.label}: no valid token`);
      hub.refuse(
        peer,
        'The first line must be {"type":"auth","token":"..."} with the daemon\'s token.',
        undefined,
        'unauthorized',
      );
      socket.end();
      return;
    }
    authenticated = true;
    clearTimeout(timer);
    hub.connect(peer);
  };
  socket.on('data', (chunk: Buffer) => {
    for (const line of reader.push(chunk)) {
      if (socket.destroyed || socket.writableEnded) return;
      const received = line.ok
        ? receiveText(line.data, MAX_FRAME_BYTES)
        : tooLarge(line.bytes, MAX_FRAME_BYTES);
      if (received.ok && received.text.trim() === '') continue;
      if (authenticated) hub.receive(peer, received);
      // Anything but a valid auth line first ends the connection.
      else authenticate(received.ok ? received.text : '');
    }
  });
  socket.on('error', (error) => {
    // A client that exits without closing (octo send, once it has its answer) resets the connection.
    if (errnoCode(error) !== 'ECONNRESET' && errnoCode(error) !== 'EPIPE') {
      options.log(`client ${peer.label}: ${getErrorMessage(error)}`);
    }
  });
  socket.on('close', () => {
    clearTimeout(timer);
    if (authenticated) hub.disconnect(peer);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Not JSON is not an auth frame; the caller refuses it as such.
    return undefined;
  }
}

/** Removes the socket and the info file unless another daemon has replaced them since. */
async function removeIfOurs(paths: DaemonPaths, pid: number): Promise<void> {
  const info = (await readJsonFile(paths.info)) as { pid?: unknown } | null;
  const owner = typeof info?.pid === 'number' ? info.pid : null;
  if (owner !== null && owner !== pid) return;
  await rm(paths.socket, { force: true });
  await rm(paths.info, { force: true });
}
