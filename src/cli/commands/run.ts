/** `octo` and `octo run`: pick the session, then open the workspace or run one turn (-p). */
import type { Workspace } from '../../core/api.js';
import { sanitizeLine } from '../../core/text/index.js';
import { EXIT, type ExitCode, type Output } from '../io.js';
import { readAll } from '../read-all.js';
import type { RunOptions } from '../parse.js';
import { launchTui, type TuiChoice } from '../tui.js';
import { assertNames, withWorkspace } from '../workspace.js';
import { printWarnings } from '../format/diagnostics.js';
import { sessionTable } from './sessions-list.js';
import { noteTrustedForRun, refuseUntrusted } from './trust.js';
import { runOneTurn } from './turn.js';
import { promptCommand } from './prompt-command.js';
import { chooseSession, notFound } from './choose-session.js';

/** -p TEXT, else text piped on stdin (docs/architecture.md "Command line"); undefined when there is neither. */
async function promptOf(options: RunOptions, output: Output): Promise<string | undefined> {
  if (options.prompt !== undefined && options.prompt.trim() !== '') return options.prompt;
  if (output.io.stdinIsTTY) return undefined;
  const piped = await readAll(output.io.stdin);
  return piped.trim() === '' ? undefined : piped;
}

/** Without a terminal there is no picker: show the candidates and how to choose one. */
async function listCandidates(ws: Workspace, output: Output): Promise<ExitCode> {
  const sessions = await ws.sessions.list({ projectId: ws.project.id });
  if (sessions.length === 0) {
    output.error(
      `--resume without a name needs a terminal, and ${sanitizeLine(ws.project.dir)} has no sessions yet.`,
    );
    return EXIT.failure;
  }
  output.error(
    '--resume without a name opens a picker, which needs a terminal. Name the session: octo run --resume NAME',
  );
  output.note(sessionTable(sessions, output.io.now(), { withProject: false }).join('\n'));
  return EXIT.failure;
}

function tuiChoice(options: RunOptions): TuiChoice {
  const common = {
    ...(options.model !== undefined ? { model: options.model } : {}),
    ...(options.theme !== undefined ? { theme: options.theme } : {}),
  };
  if (options.name !== undefined) return { ...common, sessionName: options.name, create: true };
  if (typeof options.resume === 'string') return { ...common, sessionName: options.resume };
  if (options.resume === true) return { ...common, picker: true };
  // Bare `octo` opens the project's latest session (or a new one); so does `octo run` with nothing chosen.
  return { ...common, resumeRecent: true };
}

/** The TUI's own exit code passes through (it restores the terminal before returning). */
async function openFullScreen(
  ws: Workspace,
  options: RunOptions,
  output: Output,
  onListenerError: (error: unknown) => void,
): Promise<number> {
  if (typeof options.resume === 'string') {
    const summary = await ws.sessions.find(options.resume);
    if (summary === null) throw await notFound(ws, options.resume);
    // A server or daemon holds it: this terminal becomes one more client of that process.
    const { attachFullScreen, servingHolder } = await import('./attach.js');
    const serving = await servingHolder(ws, output, summary, { onlyIfHeld: true });
    if (serving !== null) {
      const theme = options.theme === undefined ? {} : { theme: options.theme };
      return attachFullScreen(ws, output, serving, { sessionName: summary.name, ...theme }, onListenerError);
    }
  }
  return launchTui(ws, output.io, tuiChoice(options));
}

export async function runRun(
  options: RunOptions,
  output: Output,
  onSecondaryError: (error: unknown) => void,
): Promise<number> {
  const { io } = output;
  if (options.daemon) {
    const { runDaemon } = await import('./daemon.js');
    return runDaemon(options, output, onSecondaryError);
  }
  assertNames([options.name, typeof options.resume === 'string' ? options.resume : undefined]);
  const prompt = await promptOf(options, output);
  if (prompt === undefined && (!io.stdinIsTTY || !io.stdoutIsTTY)) {
    if (options.resume === true)
      return withWorkspace(io, onSecondaryError, (ws) => listCandidates(ws, output));
    output.error(
      'No terminal to open the workspace in. Run one turn with -p TEXT, or pipe the text on stdin.',
    );
    return EXIT.usage;
  }
  if (prompt === undefined) {
    if (options.json) output.note('--json applies to -p; opening the workspace.');
    // The full screen answers 'approval.requested' itself: it asks the user.
    return withWorkspace(
      io,
      onSecondaryError,
      (ws) => openFullScreen(ws, options, output, onSecondaryError),
      {
        allow: options.allow,
        interactive: true,
        trustProject: options.trustProject,
      },
    );
  }
  if (options.resume === true) return withWorkspace(io, onSecondaryError, (ws) => listCandidates(ws, output));
  // Nobody can answer a question here: what --allow does not grant is refused, and the model told so.
  return withWorkspace(
    io,
    onSecondaryError,
    async (ws) => {
      printWarnings(ws, output);
      // Nobody can be asked here: what the project's config asks and the user has not approved stops the run.
      if (refuseUntrusted(ws, output)) return EXIT.failure;
      noteTrustedForRun(ws, output);
      const handle = await chooseSession(ws, options);
      await reportMcp(ws, output);
      const turn = { json: options.json, attach: options.attach };
      const asked = promptCommand(prompt);
      if ('text' in asked) return runOneTurn(ws, handle, { ...turn, prompt: asked.text }, output);
      // Loaded only for a command: a plain -p turn does not pay for the result formatting.
      const { runPromptCommand } = await import('./slash.js');
      return runPromptCommand(ws, handle, asked.line, { ...turn, prompt: asked.line }, output);
    },
    { allow: options.allow, interactive: false, trustProject: options.trustProject },
  );
}

/**
 * Waits for the MCP servers (bounded by their connect timeout) so the model is offered their tools,
 * and names each one that failed, with its reason, in one stderr line.
 */
async function reportMcp(ws: Workspace, output: Output): Promise<void> {
  const servers = await ws.mcp.settled();
  for (const server of servers) {
    const name = sanitizeLine(server.name);
    const reason = server.reason === undefined ? '' : `: ${sanitizeLine(server.reason)}`;
    if (server.status === 'failed') output.note(`warning: MCP server ${name} failed${reason}`);
  }
}
