/**
 * `octo attach NAME`, and `octo run --resume NAME` when a server or daemon holds NAME: the full screen
 * as a client of the process that holds the session (it writes; every client sees the same turns).
 * When nothing serves NAME the session opens here as usual: writable when it is free, a read-only view
 * naming its holder when another terminal writes it.
 */
import { hostname } from 'node:os';
import type { SessionSummary, Workspace } from '../../core/api.js';
import { getErrorMessage, OctoError } from '../../core/errors.js';
import { sanitizeLine } from '../../core/text/index.js';
import type { FrameChannel, Holder } from '../../client/index.js';
import { EXIT, type Output } from '../io.js';
import { launchTui } from '../tui.js';
import { assertNames, withWorkspace } from '../workspace.js';
import { notFound } from './choose-session.js';

/** A process that serves the session, and how to reach it. */
export interface ServingHolder {
  holder: Holder;
  connect(): Promise<FrameChannel>;
}

/** The daemon holding `summary`, if one runs for it. */
async function daemonOf(
  ws: Workspace,
  output: Output,
  summary: SessionSummary,
): Promise<ServingHolder | null> {
  const { locateDaemon, FrameConnection } = await import('../../server/holders.js');
  const located = await locateDaemon(output.io.env, ws.paths.data, summary.name);
  if (!located.ok || located.info.session_id !== summary.id) return null;
  const { info } = located;
  return {
    holder: {
      label: `the daemon of ${summary.name} (pid ${info.pid})`,
      pid: info.pid,
      host: hostname(),
      since: info.started,
      serves: { sessionId: summary.id },
    },
    connect: () => FrameConnection.open(located),
  };
}

/** The `octo server` of this data folder, if one runs and this terminal has its token. */
async function serverOf(ws: Workspace, output: Output): Promise<ServingHolder | null> {
  const { readServerFile } = await import('../../server/holders.js');
  const info = await readServerFile(ws.paths.data);
  if (info === null) return null;
  const token = info.token ?? output.io.env.OCTO_SERVER_TOKEN;
  if (token === undefined || token === '') {
    throw new OctoError(
      'holder_refused',
      `octo server (pid ${info.pid}) at ${info.url} was given its token in OCTO_SERVER_TOKEN: set it here too.`,
    );
  }
  const { openWsChannel } = await import('../../client/index.js');
  return {
    holder: {
      label: `octo server (pid ${info.pid}) at ${info.url}`,
      pid: info.pid,
      host: hostname(),
      since: info.started,
      serves: 'all',
    },
    connect: () => openWsChannel(info.url, token),
  };
}

/**
 * Who serves `summary`: its daemon, else the server, when `held` says the server holds it (for `run
 * --resume`) or always (for `attach`, where the server opens it if no one else writes it).
 */
export async function servingHolder(
  ws: Workspace,
  output: Output,
  summary: SessionSummary,
  options: { onlyIfHeld: boolean },
): Promise<ServingHolder | null> {
  const daemon = await daemonOf(ws, output, summary);
  if (daemon !== null) return daemon;
  const server = await serverOf(ws, output).catch((error: unknown) => {
    if (options.onlyIfHeld) return null;
    throw error;
  });
  if (server === null || !options.onlyIfHeld) return server;
  // Held by the server: opening it here finds its lock, with the server's pid as the holder.
  const probe = await ws.sessions.open(summary.id, { readOnly: true });
  try {
    return probe.holder?.pid === server.holder.pid ? server : null;
  } finally {
    await probe.close();
  }
}

/** The full screen on `summary` through `serving`; the local workspace answers everything else. */
export async function attachFullScreen(
  ws: Workspace,
  output: Output,
  serving: ServingHolder,
  choice: { sessionName: string; theme?: string },
  onListenerError: (error: unknown) => void,
): Promise<number> {
  const { AttachedWorkspace } = await import('../../client/index.js');
  let channel: FrameChannel;
  try {
    channel = await serving.connect();
  } catch (error) {
    throw new OctoError(
      'holder_gone',
      `Cannot reach ${serving.holder.label}: ${sanitizeLine(getErrorMessage(error))}`,
      { cause: error },
    );
  }
  const attached = await AttachedWorkspace.connect(ws, channel, serving.holder, { onListenerError });
  try {
    return await launchTui(attached, output.io, choice);
  } finally {
    // The local workspace is closed by its caller; this only lets go of the holder.
    await attached.detach();
  }
}

export async function runAttach(
  name: string,
  theme: string | undefined,
  output: Output,
  onSecondaryError: (error: unknown) => void,
): Promise<number> {
  assertNames([name]);
  const { io } = output;
  if (!io.stdinIsTTY || !io.stdoutIsTTY) {
    output.error(`octo attach needs a terminal. To send a message to ${name}: octo send --name ${name} TEXT`);
    return EXIT.usage;
  }
  const choice = { sessionName: name, ...(theme === undefined ? {} : { theme }) };
  return withWorkspace(
    io,
    onSecondaryError,
    async (ws) => {
      const summary = await ws.sessions.find(name);
      if (summary === null) throw await notFound(ws, name);
      const serving = await servingHolder(ws, output, summary, { onlyIfHeld: false });
      // Nothing serves it: opened here, read-only when another terminal writes it (the TUI says who).
      if (serving === null) return launchTui(ws, io, choice);
      return attachFullScreen(ws, output, serving, choice, onSecondaryError);
    },
    { interactive: true },
  );
}
