/** `octo server`: the WebSocket front end, in the foreground until SIGINT or SIGTERM. */
import type { Workspace } from '../../core/api.js';
import { OctoError, errnoCode, getErrorMessage } from '../../core/errors.js';
import { sanitizeLine } from '../../core/text/index.js';
import { generateToken, isLoopback, MIN_TOKEN_LENGTH } from '../../server/auth.js';
import { EXIT, signalExit, type CliIo, type CliSignal, type Output } from '../io.js';
import { UsageError, type ServerOptions } from '../parse.js';
import { packageVersion } from '../version.js';
import { withWorkspace } from '../workspace.js';

/**
 * Resolves at the first SIGINT, SIGTERM or SIGHUP (a closed terminal: the same clean stop, the turn
 * saved and the lock released); a second SIGINT or SIGTERM ends the process at once. A SIGHUP while
 * stopping does not: the terminal (or the pipe stderr goes to) went away meanwhile, and the log line
 * saying so fails with it, which is no reason to leave the lock and server.json behind.
 */
export function untilStopped(io: CliIo, onStop: (signal: CliSignal) => void): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: CliSignal) => (): void => {
      if (stopping) {
        if (signal !== 'SIGHUP') io.forceExit(signalExit(signal));
        return;
      }
      stopping = true;
      onStop(signal);
      resolve();
    };
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) io.onSignal(signal, stop(signal));
  });
}

/** Log lines of a server or daemon on stderr: untrusted parts (a Host header, a name) made harmless. */
export function logger(
  output: Output,
  prefix: string,
  note: (line: string) => void = (line) => output.note(line),
): (line: string) => void {
  return (line) => note(`${prefix}: ${sanitizeLine(line)}`);
}

export async function runServer(
  options: ServerOptions,
  output: Output,
  onSecondaryError: (error: unknown) => void,
): Promise<number> {
  const { io } = output;
  if (!isLoopback(options.host) && !options.allowRemote) {
    throw new UsageError(
      `--host ${options.host} is reachable from other machines; add --allow-remote to mean it (connections are not encrypted).`,
      'server',
    );
  }
  const fromEnv = io.env.OCTO_SERVER_TOKEN;
  const token = fromEnv !== undefined && fromEnv !== '' ? fromEnv : generateToken();
  return withWorkspace(io, onSecondaryError, (ws) => serve(ws, options, output, token, token === fromEnv), {
    interactive: true,
    allow: options.allow,
  });
}

async function serve(
  ws: Workspace,
  options: ServerOptions,
  output: Output,
  token: string,
  tokenFromEnv: boolean,
): Promise<number> {
  const { io } = output;
  const server = await import('../../server/index.js');
  const running = await server.readServerFile(ws.paths.data);
  if (running !== null && running.pid !== io.pid) {
    throw new OctoError(
      'listen_failed',
      `Another octo server (pid ${running.pid}) serves this data folder at ${running.url}; stop it first.`,
    );
  }
  const log = logger(output, 'octo server');
  const hub = new server.Hub(ws, {
    version: packageVersion(),
    approvalTimeoutMs: ws.config.server.approval_timeout_ms,
    log,
  });
  let listening;
  try {
    listening = await server.startWsServer(hub, {
      host: options.host,
      port: options.port,
      token,
      origins: options.origins,
      hosts: options.hosts,
      maxBufferedBytes: ws.config.server.client_buffer_bytes,
      log,
    });
  } catch (error) {
    await hub.close();
    throw new OctoError(
      'listen_failed',
      `Cannot listen on ${options.host}:${options.port}: ${listenFailure(error)}.`,
      {
        cause: error,
      },
    );
  }
  try {
    await server.writeServerFile(ws.paths.data, {
      url: listening.url,
      pid: io.pid,
      started: new Date(io.now()).toISOString(),
      // A token the user keeps in the environment is not copied to disk.
      ...(tokenFromEnv ? {} : { token }),
    });
    output.note(`octo server listening on ${listening.url}`);
    const file = server.serverFilePath(ws.paths.data);
    output.note(
      tokenFromEnv
        ? `octo server: token from $OCTO_SERVER_TOKEN; ${file} names the URL and pid`
        : `octo server: the token is in ${file} (0600)`,
    );
    if (tokenFromEnv && token.length < MIN_TOKEN_LENGTH) {
      output.note(
        `octo server: warning: $OCTO_SERVER_TOKEN has ${token.length} characters; use at least ${MIN_TOKEN_LENGTH} random ones`,
      );
    }
    if (!isLoopback(options.host)) {
      output.note(
        'octo server: warning: listening beyond this machine; the connection is not encrypted (put TLS or an SSH tunnel in front)',
      );
    }
    await untilStopped(io, (signal) => log(`stopping (${signal})`));
    await hub.close();
  } finally {
    await listening.close();
    await server.removeServerFile(ws.paths.data, io.pid);
  }
  return EXIT.ok;
}

/** Why an address could not be bound, in the user's terms (an unknown errno keeps the system's words). */
function listenFailure(error: unknown): string {
  switch (errnoCode(error)) {
    case 'EADDRINUSE':
      return 'another program uses that port; pick another with --port (0 takes a free one)';
    case 'EACCES':
      return 'not allowed (ports below 1024 need privileges); pick another with --port';
    case 'EADDRNOTAVAIL':
      return 'no network interface of this machine has that address';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'that host name does not resolve';
    default:
      return getErrorMessage(error);
  }
}
