/** Help texts, written by hand so that each has its examples. */
import type { HelpTopic } from './parse.js';

const MAIN = `octo — a terminal workspace for long-running, AI-assisted development

Usage
  octo                                 open the workspace on this project's latest session
  octo run [options]                   open a session, or run one turn with -p
  octo sessions list [--all] [--json] [--trash]
                                       sessions of this project (all projects with --all)
  octo sessions show NAME [--json]     the full history of a session
  octo sessions rename NAME NEW_NAME
  octo sessions rm NAME                move to the trash (restore with: octo sessions restore NAME)
  octo sessions export NAME [--format md|json]
  octo sessions fork NAME NEW_NAME [--at SEQ]
                                       a new session with NAME's history (up to record SEQ)
  octo sessions search TEXT [--json] [--all]
                                       full text over this project's sessions (all with --all)
  octo sessions move NAME DIR          attach a session to the project in DIR (a moved checkout)
  octo doctor [--reindex] [--clean]    check the store, permissions, locks and leftovers
  octo trust [--yes] [--json] [--revoke]
                                       show what this project's .octo/config.toml asks that reaches
                                       outside it (keys, hosts, servers, shell), and approve it
  octo server [--host H] [--port P] [--allow-origin ORIGIN]...
                                       serve sessions over WebSocket (token required)
  octo run --name NAME --daemon [--format jsonl] [-p TEXT]
                                       hold a session in the background, taking messages
  octo send --name NAME "TEXT"         deliver a message to the daemon holding NAME
  octo attach NAME                     the workspace as a client of the server or daemon holding NAME
  octo --version | --help

Run options
  --name NAME          create the session NAME, or resume it if it exists
  --resume [NAME]      resume NAME (must exist); without NAME, pick one
  --resume-recent      resume the most recently updated session of this project
  --model PROVIDER:MODEL   e.g. openai:gpt-4o-mini, openrouter:anthropic/claude-sonnet-4, ollama:qwen2.5-coder:7b
  -p, --prompt TEXT    run one turn without the full screen (text on stdin works too);
                       TEXT is taken as typed, even when it begins with '-'
  --json               with -p: print one JSON result instead of streaming the reply
  --attach FILE        attach an image (png, jpeg, gif, webp) or a video; repeatable
  --theme THEME        colour theme of the workspace
  --allow LIST         grant tools without asking: write, shell, mcp (comma-separated);
                       with -p, a tool call that is not granted is refused and the model told so
  --trust-project      use what this project's .octo/config.toml asks for (providers, models,
                       MCP servers, shell settings) in this run, without remembering it
  --daemon             stay alive holding the session (see octo send, octo attach)
  --format jsonl|plain with --daemon: the protocol's frames as JSON lines on stdout, or plain text

Examples
  octo run --name auth-refactor -p "Read src/auth.ts and list what to change"
  octo run --resume auth-refactor -p "Go on with step 2"
  git diff | octo run --resume-recent
  octo run --name ui --attach screenshot.png -p "What is wrong with this layout?"
  octo run --name ci -p "Summarise the failure" --json | jq .reply
  octo run --name fix --allow write,shell -p "Make the failing test pass"
  octo sessions list --all

Exit codes
  0 success · 1 error (message on stderr) · 2 usage · 3 spending or token limit reached
  129 terminal closed (SIGHUP) · 130 interrupted (Ctrl-C) · 143 terminated (SIGTERM)

'--' ends the options: what follows is an operand (octo sessions search -- --json).
Session names: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.
Configuration: $OCTO_HOME/config.toml, else $XDG_CONFIG_HOME/octo/config.toml, plus .octo/config.toml.
`;

const RUN = `Usage: octo run [--name NAME | --resume [NAME] | --resume-recent] [--model PROVIDER:MODEL]
                [-p TEXT] [--json] [--attach FILE]... [--theme THEME] [--allow write,shell,mcp]
                [--trust-project]
       octo run --name NAME --daemon [--format jsonl|plain] [-p TEXT] [--allow write,shell,mcp]

Without -p (and with no text on stdin) the session opens in the full-screen workspace.
With -p the turn runs here: the reply streams to stdout as plain text, tool calls and
warnings go to stderr. Ctrl-C stops the turn, keeps the partial reply and exits 130.
MCP servers are waited for (up to their connect timeout) so the model sees their tools.
Writing files, shell commands and MCP tools that change things need --allow with -p;
otherwise the model is told the tool was not allowed. When the project's .octo/config.toml
asks for something not approved yet (a provider's host or key, a model, an MCP server, the
shell), -p sends nothing and exits 1 naming it: approve it with 'octo trust', or pass
--trust-project for this run only.

With --daemon the session stays open after its first turn (or at once without -p): messages
come from 'octo send --name NAME', and 'octo attach NAME' opens the workspace on it. Its
frames go to stdout (JSON lines with --format jsonl). Schedules and background jobs keep
running; SIGTERM stops it cleanly (the turn saved, the socket and the lock removed). A tool
call that needs approval waits for an attached client ([server] approval_timeout_ms, then denied).

Examples
  octo run --name auth-refactor -p "Where is the token refreshed?"
  octo run --resume auth-refactor -p "Now write the fix" --allow write --json
  echo "Explain this error: ..." | octo run --resume-recent
  octo run --name ci-watch --daemon --format jsonl -p "Watch the build" > ci-watch.jsonl &
`;

const SERVER = `Usage: octo server [--host 127.0.0.1] [--port 8080] [--allow-origin ORIGIN]...
                   [--allow-remote] [--allow-host NAME]... [--allow write,shell,mcp]

Serves sessions over WebSocket at ws://HOST:PORT/ws (the protocol: docs/protocol.md) and says so
on stderr. Every connection needs the token: $OCTO_SERVER_TOKEN, else one made at start and
written with the URL and pid to <data>/server.json (0600, removed on exit). Clients send
'Authorization: Bearer TOKEN'; browsers offer the subprotocols 'octo.v1' and 'octo.auth.TOKEN'.
A browser page is refused (403) unless its origin is given with --allow-origin, and so is a
request naming another host (DNS rebinding). The server listens on 127.0.0.1 unless told
otherwise; another address needs --allow-remote (the connection is not encrypted).

Options
  --host ADDRESS       the address to listen on (127.0.0.1)
  --port PORT          the port (8080; 0 picks a free one, named on stderr)
  --allow-origin ORIGIN  a page that may connect, e.g. http://localhost:5173; repeatable
  --allow-remote       allow a --host that is not loopback
  --allow-host NAME    a name clients use for this machine (behind --allow-remote); repeatable
  --allow LIST         grant tools without asking: write, shell, mcp

Examples
  octo server --port 0
  OCTO_SERVER_TOKEN=$(openssl rand -hex 32) octo server --allow-origin http://localhost:5173
`;

const SEND = `Usage: octo send --name NAME "TEXT"
       echo "TEXT" | octo send --name NAME

Delivers a message to the daemon holding session NAME (octo run --name NAME --daemon) over its
socket ($XDG_RUNTIME_DIR/octo/NAME.sock, else <data>/run/NAME.sock). Prints 'ok' (exit 0) once the
daemon has taken it (started a turn or queued it), or 'error: <why>' (exit 1). A message that
starts with '-' goes after '--'.
`;

const ATTACH = `Usage: octo attach NAME [--theme THEME]

Opens the full-screen workspace on session NAME as a client of the daemon or server holding it:
what it shows is live, and what you type goes to that process, like any other client's; several
terminals can attach at once. The daemon is found by its socket, the server by <data>/server.json
(with OCTO_SERVER_TOKEN when the server was given its token that way). When nothing serves NAME it
opens here: writable when it is free, read-only when another terminal writes it.
`;

const SESSIONS = `Usage
  octo sessions list [--all] [--json] [--trash]
  octo sessions show NAME [--json]
  octo sessions rename NAME NEW_NAME
  octo sessions rm NAME
  octo sessions restore NAME
  octo sessions export NAME [--format md|json]
  octo sessions fork NAME NEW_NAME [--at SEQ]
  octo sessions search TEXT [--json] [--all]
  octo sessions move NAME DIR

fork copies the history up to record SEQ (the #numbers of 'sessions show'; all of it without --at).
search looks through messages, tool outputs and file paths of this project's sessions (--all: every
project) and names the session and record of each hit. move re-attaches a session to the project in
DIR, for a checkout moved where octo could not recognise it. --trash lists what 'rm' moved away.

Examples
  octo sessions list --json | jq '.[] | {name, cost}'
  octo sessions export auth-refactor > auth-refactor.md
  octo sessions fork auth-refactor auth-alt --at 12
  octo sessions search "refresh token" --all
  octo sessions move auth-refactor ~/src/app
`;

const DOCTOR = `Usage: octo doctor [--reindex] [--clean]

Checks the data folder, permissions, session files (damaged lines, torn ends, emptied files), locks,
leftovers of interrupted work and the session index, and warns when this project's identity could
not be found (its sessions are then tied to its path). Exits 1 if any check fails.
--reindex rebuilds the session index from the session files (octo also does this by itself when
the index is lost or damaged). --clean removes the leftovers that are safe to remove: temp files of
writes that never finished, stale locks and their owner files, empty files of sessions never created.
`;

const TRUST = `Usage: octo trust [--yes] [--json] | octo trust --revoke

A project's .octo/config.toml may ask for what reaches outside the repository: a provider's
base URL, key variable or headers (where your key and prompts go), a model on another provider,
an MCP server to start, a shell program, looser approvals or folders outside the project, a
shorter trash. None of it is used until you approve it, per project and per content hash: a
setting that changes is asked about again. The workspace asks when it opens; octo run -p refuses.

This command shows each setting with what it does and its status (new, changed, approved) and
asks you to type "yes" to approve them all. --yes approves without asking; --json prints the
list; --revoke forgets every approval of this project. Exits 1 when something stays unapproved.
`;

export function helpText(topic: HelpTopic): string {
  switch (topic) {
    case 'main':
      return MAIN;
    case 'run':
      return RUN;
    case 'sessions':
      return SESSIONS;
    case 'doctor':
      return DOCTOR;
    case 'trust':
      return TRUST;
    case 'server':
      return SERVER;
    case 'send':
      return SEND;
    case 'attach':
      return ATTACH;
  }
}

/** The short usage shown after a command-line mistake. */
export function usageHint(topic: HelpTopic): string {
  const command = topic === 'main' ? '' : ` ${topic}`;
  return `Run 'octo${command} --help' for usage.`;
}
