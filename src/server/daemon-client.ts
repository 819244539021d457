/** The client side of a daemon's socket: finding the daemon of a session, `octo send`, `octo attach`. */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import * as z from 'zod';
import type { Env } from '../core/deps.js';
import { errnoCode, getErrorMessage } from '../core/errors.js';
import { daemonDir, daemonPaths, type DaemonPaths } from './daemon-paths.js';
import { encodeFrame } from './encode.js';
import { LineReader } from './line-reader.js';
import { isAlive, privateDirProblem } from './private-files.js';
import { lazily } from '../core/lazy.js';

/** What the daemon's info file says about it. */
const daemonInfoSchema = lazily(() =>
  z.object({
    pid: z.number().int(),
    name: z.string(),
    session_id: z.string(),
    socket: z.string(),
    token: z.string(),
    started: z.string(),
  }),
);
export type DaemonInfoFile = z.infer<ReturnType<typeof daemonInfoSchema>>;

export type Located = { ok: true; paths: DaemonPaths; info: DaemonInfoFile } | { ok: false; reason: string };

/** The daemon holding `name` for this data folder, or why there is none. Never talks to a folder not ours. */
export async function locateDaemon(env: Env, dataDir: string, name: string): Promise<Located> {
  const paths = daemonPaths(daemonDir(env, dataDir), name);
  const none = `no daemon holds session ${name}`;
  const problem = await privateDirProblem(paths.dir);
  if (problem !== null) {
    const missing = problem.endsWith('does not exist');
    return {
      ok: false,
      reason: missing ? `${none} (no socket at ${paths.socket})` : `refusing the socket folder: ${problem}`,
    };
  }
  let text: string;
  try {
    text = await readFile(paths.info, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return { ok: false, reason: `${none} (no socket at ${paths.socket})` };
    throw error;
  }
  const parsed = daemonInfoSchema().safeParse(safeJson(text));
  if (!parsed.success) return { ok: false, reason: `${none} (${paths.info} is unreadable)` };
  if (!isAlive(parsed.data.pid))
    return { ok: false, reason: `${none} (its daemon, pid ${parsed.data.pid}, is gone)` };
  return { ok: true, paths, info: parsed.data };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // An unreadable info file is reported as such by the caller.
    return undefined;
  }
}

/** Frames as JSON lines over a connected socket, authenticated with the daemon's token. */
export class FrameConnection {
  private readonly listeners = new Set<(frame: Record<string, unknown>) => void>();
  private readonly closeListeners = new Set<(reason: string) => void>();
  private readonly reader = new LineReader(64 * 1024 * 1024);

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const line of this.reader.push(chunk)) {
        if (!line.ok) continue;
        const frame = safeJson(line.data.toString('utf8'));
        if (typeof frame !== 'object' || frame === null) continue;
        for (const listener of [...this.listeners]) listener(frame as Record<string, unknown>);
      }
    });
    socket.on('close', () => {
      for (const listener of [...this.closeListeners]) listener('the daemon closed the connection');
    });
    socket.on('error', (error) => {
      for (const listener of [...this.closeListeners]) listener(getErrorMessage(error));
    });
  }

  static open(located: Extract<Located, { ok: true }>): Promise<FrameConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(located.paths.socket);
      socket.once('error', (error) => {
        const code = errnoCode(error);
        const gone = code === 'ECONNREFUSED' || code === 'ENOENT';
        reject(
          new Error(
            gone
              ? `no daemon holds session ${located.info.name} (nothing listens on ${located.paths.socket})`
              : getErrorMessage(error),
          ),
        );
      });
      socket.once('connect', () => {
        socket.removeAllListeners('error');
        const connection = new FrameConnection(socket);
        connection.send({ type: 'auth', token: located.info.token });
        resolve(connection);
      });
    });
  }

  send(frame: object): void {
    this.socket.write(`${encodeFrame(frame)}\n`);
  }

  onFrame(listener: (frame: Record<string, unknown>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onClose(listener: (reason: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(): void {
    this.socket.end();
  }
}

export type SendResult = { ok: true } | { ok: false; reason: string };

/**
 * `octo send`: one message to the daemon holding `name`. Ok once the daemon has taken it (started a
 * turn with it or queued it); an error frame, a refused connection or silence is a failure.
 */
export async function sendToDaemon(
  env: Env,
  dataDir: string,
  name: string,
  text: string,
  timeoutMs: number,
): Promise<SendResult> {
  const located = await locateDaemon(env, dataDir, name);
  if (!located.ok) return located;
  let connection: FrameConnection;
  try {
    connection = await FrameConnection.open(located);
  } catch (error) {
    return { ok: false, reason: getErrorMessage(error) };
  }
  const requestId = `send-${randomBytes(4).toString('hex')}`;
  try {
    return await new Promise<SendResult>((resolve) => {
      const timer = setTimeout(
        () => resolve({ ok: false, reason: `the daemon did not answer in ${timeoutMs / 1000} s` }),
        timeoutMs,
      );
      const done = (result: SendResult): void => {
        clearTimeout(timer);
        resolve(result);
      };
      connection.onClose((reason) => done({ ok: false, reason }));
      connection.onFrame((frame) => {
        if (frame.type === 'hello') {
          connection.send({ type: 'message', session_id: name, content: text, request_id: requestId });
        } else if (
          frame.type === 'error' &&
          (frame.request_id === requestId || frame.request_id === undefined)
        ) {
          done({ ok: false, reason: typeof frame.message === 'string' ? frame.message : 'refused' });
        } else if (frame.type === 'status' && isFor(frame.data, requestId)) {
          done({ ok: true });
        }
      });
    });
  } finally {
    connection.close();
  }
}

function isFor(data: unknown, requestId: string): boolean {
  return (
    typeof data === 'object' && data !== null && (data as { request_id?: unknown }).request_id === requestId
  );
}
