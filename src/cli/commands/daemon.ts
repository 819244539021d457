/**
 * `octo run --name NAME --daemon`: holds one session for as long as it runs, takes messages over its
 * unix socket (`octo send`, `octo attach`), runs its schedules and jobs, and stops cleanly on SIGTERM.
 */
import type { Workspace } from '../../core/api.js';
import { OctoError } from '../../core/errors.js';
import { describeHolder } from '../format/diagnostics.js';
import { EXIT, type Output } from '../io.js';
import type { RunOptions } from '../parse.js';
import { packageVersion } from '../version.js';
import { assertNames, withWorkspace } from '../workspace.js';
import { JsonlOutput, PlainOutput } from './daemon-output.js';
import { chooseSession } from './choose-session.js';
import { logger, untilStopped } from './server.js';

export async function runDaemon(
  options: RunOptions,
  output: Output,
  onSecondaryError: (error: unknown) => void,
): Promise<number> {
  const resume = typeof options.resume === 'string' ? options.resume : undefined;
  assertNames([options.name, resume]);
  if (options.attach.length > 0) {
    throw new OctoError('attachment_invalid', 'A daemon takes text messages; attach files with octo run -p.');
  }
  return withWorkspace(io(output), onSecondaryError, (ws) => hold(ws, options, output), {
    interactive: true,
    allow: options.allow,
  });
}

const io = (output: Output): Output['io'] => output.io;

async function hold(ws: Workspace, options: RunOptions, output: Output): Promise<number> {
  const { io: cli } = output;
  const server = await import('../../server/index.js');
  const plain = options.format === 'jsonl' ? null : new PlainOutput(output);
  // In plain text the daemon's own lines go where the reply's do, never onto its unfinished line.
  const log = logger(output, 'octo daemon', plain === null ? undefined : (line) => plain.note(line));
  const hub = new server.Hub(ws, {
    version: packageVersion(),
    approvalTimeoutMs: ws.config.server.approval_timeout_ms,
    log,
  });
  try {
    const handle = await chooseSession(ws, options);
    if (handle.readOnly) {
      throw new OctoError(
        'session_locked',
        `Session ${handle.summary().name} is being written by ${describeHolder(handle.holder)}; a daemon needs to be its only writer.`,
      );
    }
    const live = await hub.hold(handle.id);
    const sink = plain ?? new JsonlOutput(cli.stdout);
    hub.watch(sink, live, new Set(options.format === 'jsonl' ? [] : ['delta']));
    const socket = await server.startUnixServer(hub, {
      dir: server.daemonDir(cli.env, ws.paths.data),
      name: live.name,
      sessionId: live.id,
      pid: cli.pid,
      now: () => cli.now(),
      maxBufferedBytes: ws.config.server.client_buffer_bytes,
      log,
    });
    try {
      log(
        `holding session ${live.name} (pid ${cli.pid}) on ${socket.paths.socket}; send with: octo send --name ${live.name} "..."`,
      );
      if (options.prompt !== undefined && options.prompt.trim() !== '')
        hub.enqueue(live, { text: options.prompt });
      await untilStopped(cli, (signal) => log(`stopping (${signal})`));
      // The running turn is interrupted and saved before the socket goes, so clients see it end.
      await hub.close();
    } finally {
      await socket.close();
    }
  } finally {
    await hub.close();
  }
  return EXIT.ok;
}
