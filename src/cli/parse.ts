/** Turns an explicit argv into one typed invocation; every mistake is a UsageError (exit 2). */
import type { ApprovalCategory } from '../core/api.js';
import { closest } from '../core/text/index.js';
import { normalizeOrigin } from '../server/auth.js';
import { ArgvError, readArgv, type OptionTable, type ReadArgv } from './argv.js';

export interface RunOptions {
  /** True for `octo run`, false for bare `octo`. */
  explicit: boolean;
  name?: string;
  /** A name, or true for bare `--resume` (the picker). */
  resume?: string | true;
  resumeRecent: boolean;
  model?: string;
  prompt?: string;
  json: boolean;
  attach: string[];
  theme?: string;
  /** Tool categories granted without asking (`--allow write,shell`). */
  allow: ApprovalCategory[];
  /** Use what the project's config asks for in this run, approved or not (`--trust-project`). */
  trustProject: boolean;
  /** `--daemon`: stay alive holding the session, taking messages from `octo send` and `octo attach`. */
  daemon: boolean;
  /** `--format` of a daemon's stdout: the protocol's frames as JSON lines, or plain text. */
  format: 'jsonl' | 'plain';
}

/** `octo server`: the WebSocket front end (docs/protocol.md). */
export interface ServerOptions {
  host: string;
  port: number;
  /** `--allow-origin`: browser pages that may connect (with the token). */
  origins: string[];
  /** `--allow-host`: names a client may use for this machine besides loopback and the bound address. */
  hosts: string[];
  allowRemote: boolean;
  allow: ApprovalCategory[];
}

export type SessionsAction =
  | { action: 'list'; all: boolean; json: boolean; trash: boolean }
  | { action: 'show'; name: string; json: boolean }
  | { action: 'rename'; name: string; newName: string }
  | { action: 'rm'; name: string }
  | { action: 'restore'; name: string }
  | { action: 'export'; name: string; format: 'md' | 'json' }
  | { action: 'fork'; name: string; newName: string; atSeq?: number }
  | { action: 'search'; text: string; json: boolean; all: boolean }
  | { action: 'move'; name: string; dir: string };

export type HelpTopic = 'main' | 'run' | 'sessions' | 'doctor' | 'trust' | 'server' | 'send' | 'attach';

export type Invocation =
  | { kind: 'help'; topic: HelpTopic }
  | { kind: 'version' }
  | { kind: 'run'; options: RunOptions }
  | { kind: 'sessions'; sessions: SessionsAction }
  | { kind: 'doctor'; reindex: boolean; clean: boolean }
  | { kind: 'trust'; yes: boolean; revoke: boolean; json: boolean }
  | { kind: 'server'; options: ServerOptions }
  /** `text` absent: read it from stdin. */
  | { kind: 'send'; name: string; text?: string }
  | { kind: 'attach'; name: string; theme?: string };

/** A mistake on the command line; the message is shown with the usage. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly topic: HelpTopic = 'main',
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** What `--allow` may grant: the approval categories of the core. */
const ALLOW_ITEMS: readonly ApprovalCategory[] = ['write', 'shell', 'mcp'];

/** Every command answers `--help` and `--version`. */
const COMMON_OPTIONS: OptionTable = {
  help: { kind: 'flag', short: 'h' },
  version: { kind: 'flag', short: 'v' },
};

const RUN_OPTIONS: OptionTable = {
  name: { kind: 'value' },
  resume: { kind: 'optional' },
  'resume-recent': { kind: 'flag' },
  model: { kind: 'value' },
  // A prompt is free text: `-p "-5 is negative"` and `-p "--- a/file.ts"` are prompts.
  prompt: { kind: 'value', short: 'p', verbatim: true },
  json: { kind: 'flag' },
  attach: { kind: 'value' },
  theme: { kind: 'value' },
  allow: { kind: 'value' },
  'trust-project': { kind: 'flag' },
  daemon: { kind: 'flag' },
  format: { kind: 'value' },
};

/**
 * One command of the table below: its options and how its reading becomes an invocation. A new
 * command is one more entry (and its help topic).
 */
interface CommandSpec {
  topic: HelpTopic;
  options: OptionTable;
  read(args: CommandArgs): Invocation;
}

/** One command's argv as read against its table, with typed accessors that throw usage errors. */
class CommandArgs {
  constructor(
    private readonly read: ReadArgv,
    readonly topic: HelpTopic,
  ) {}

  get operands(): readonly string[] {
    return this.read.operands;
  }

  has(name: string): boolean {
    return this.read.values.has(name);
  }

  flag(name: string): boolean {
    return this.read.values.get(name)?.includes(true) === true;
  }

  /** The last value given (repeats override, as most command lines do). */
  text(name: string): string | undefined {
    const last = this.read.values.get(name)?.at(-1);
    return last === true ? undefined : last;
  }

  /** The last value given, or true when the last one was given without a value (`--resume`). */
  optional(name: string): string | true | undefined {
    return this.read.values.get(name)?.at(-1);
  }

  texts(name: string): string[] {
    return (this.read.values.get(name) ?? []).filter((v): v is string => v !== true);
  }

  /** Refuses operands (`hint` says where such a word belongs, if anywhere). */
  noOperands(hint = ''): void {
    const [first] = this.operands;
    if (first !== undefined)
      throw new UsageError(`Unexpected argument ${JSON.stringify(first)}${hint}.`, this.topic);
  }
}

const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  run: {
    topic: 'run',
    options: RUN_OPTIONS,
    read: (args) => {
      args.noOperands(' (a prompt goes after -p)');
      return { kind: 'run', options: runOptions(args, true) };
    },
  },
  sessions: {
    topic: 'sessions',
    options: {
      all: { kind: 'flag' },
      json: { kind: 'flag' },
      format: { kind: 'value' },
      trash: { kind: 'flag' },
      at: { kind: 'value' },
    },
    read: (args) => ({ kind: 'sessions', sessions: sessionsAction(args) }),
  },
  doctor: {
    topic: 'doctor',
    options: { reindex: { kind: 'flag' }, clean: { kind: 'flag' } },
    read: (args) => {
      args.noOperands();
      return { kind: 'doctor', reindex: args.flag('reindex'), clean: args.flag('clean') };
    },
  },
  trust: {
    topic: 'trust',
    options: { yes: { kind: 'flag' }, revoke: { kind: 'flag' }, json: { kind: 'flag' } },
    read: (args) => {
      args.noOperands();
      if (args.flag('revoke') && (args.flag('yes') || args.flag('json')))
        throw new UsageError('--revoke takes neither --yes nor --json.', 'trust');
      return { kind: 'trust', yes: args.flag('yes'), revoke: args.flag('revoke'), json: args.flag('json') };
    },
  },
  server: {
    topic: 'server',
    options: {
      host: { kind: 'value' },
      port: { kind: 'value' },
      'allow-origin': { kind: 'value' },
      'allow-host': { kind: 'value' },
      'allow-remote': { kind: 'flag' },
      allow: { kind: 'value' },
    },
    read: (args) => {
      args.noOperands();
      return { kind: 'server', options: serverOptions(args) };
    },
  },
  send: {
    topic: 'send',
    // The message is free text after the options; a message that starts with "-" goes after `--`.
    options: { name: { kind: 'value' } },
    read: (args) => {
      const name = args.text('name');
      if (name === undefined) throw new UsageError('octo send needs --name NAME.', 'send');
      const text = args.operands.join(' ');
      return { kind: 'send', name, ...(args.operands.length > 0 ? { text } : {}) };
    },
  },
  attach: {
    topic: 'attach',
    options: { theme: { kind: 'value' } },
    read: (args) => {
      const [name, extra] = args.operands;
      if (name === undefined || extra !== undefined)
        throw new UsageError('Usage: octo attach NAME', 'attach');
      const theme = args.text('theme');
      return { kind: 'attach', name, ...(theme === undefined ? {} : { theme }) };
    },
  },
};

/** Bare `octo [run options]`: the workspace, or one turn with -p. */
const DEFAULT_COMMAND: CommandSpec = {
  topic: 'main',
  options: RUN_OPTIONS,
  read: (args) => {
    const [first] = args.operands;
    if (first !== undefined) throw unknownCommand(first);
    return { kind: 'run', options: runOptions(args, false) };
  },
};

/**
 * The command is the first word when it names one; anything else is bare `octo` with run options.
 * Options come after their command, as with git.
 */
export function parseArgv(argv: readonly string[]): Invocation {
  const [word, ...rest] = argv;
  const named = word !== undefined && Object.hasOwn(COMMANDS, word) ? COMMANDS[word] : undefined;
  const command = named ?? DEFAULT_COMMAND;
  const words = named === undefined ? argv : rest;
  let read: ReadArgv;
  try {
    read = readArgv(words, { ...COMMON_OPTIONS, ...command.options });
  } catch (error) {
    if (error instanceof ArgvError) throw new UsageError(error.message, command.topic);
    throw error;
  }
  const args = new CommandArgs(read, command.topic);
  if (args.has('help')) return { kind: 'help', topic: command.topic };
  if (args.has('version')) return { kind: 'version' };
  return command.read(args);
}

function unknownCommand(name: string): UsageError {
  const near = closest(name, Object.keys(COMMANDS), 1);
  const hint = near.length > 0 ? ` Did you mean: octo ${near.join(', ')}?` : '';
  return new UsageError(`Unknown command: ${name}.${hint}`);
}

function runOptions(args: CommandArgs, explicit: boolean): RunOptions {
  const { topic } = args;
  const name = args.text('name');
  const resume = args.optional('resume');
  const resumeRecent = args.flag('resume-recent');
  const chosen = [name !== undefined, resume !== undefined, resumeRecent].filter(Boolean).length;
  if (chosen > 1) throw new UsageError('Use only one of --name, --resume and --resume-recent.', topic);
  if (resume === '') throw new UsageError('--resume needs a name, or no value at all for the picker.', topic);
  const prompt = args.text('prompt');
  const model = args.text('model');
  const theme = args.text('theme');
  const allow = allowList(args.text('allow'), topic);
  const daemon = args.flag('daemon');
  const format = args.text('format');
  if (format !== undefined && !daemon) {
    throw new UsageError('--format applies to --daemon (with -p, --json prints one JSON result).', topic);
  }
  if (format !== undefined && format !== 'jsonl' && format !== 'plain') {
    throw new UsageError('--format is jsonl or plain.', topic);
  }
  if (daemon && resume === true)
    throw new UsageError('--daemon needs a session: --name NAME or --resume NAME.', topic);
  if (daemon && args.flag('json'))
    throw new UsageError('--daemon prints frames with --format jsonl, not --json.', topic);
  return {
    explicit,
    ...(name !== undefined ? { name } : {}),
    ...(resume !== undefined ? { resume } : {}),
    resumeRecent,
    ...(model !== undefined ? { model } : {}),
    ...(prompt !== undefined ? { prompt } : {}),
    json: args.flag('json'),
    attach: args.texts('attach'),
    ...(theme !== undefined ? { theme } : {}),
    allow,
    trustProject: args.flag('trust-project'),
    daemon,
    format: format ?? 'plain',
  };
}

/** The loopback address: a server reachable from elsewhere is a decision (`--allow-remote`). */
const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_PORT = 8080;

function serverOptions(args: CommandArgs): ServerOptions {
  const port = args.text('port') ?? String(DEFAULT_PORT);
  if (!/^[0-9]{1,5}$/.test(port) || Number(port) > 65_535) {
    throw new UsageError(
      `--port takes a port number from 0 to 65535 (0: any free port), not "${port}".`,
      'server',
    );
  }
  const origins = args.texts('allow-origin').map((text) => {
    const origin = normalizeOrigin(text);
    if (origin === null) {
      throw new UsageError(
        `--allow-origin takes an origin such as http://localhost:5173, not "${text}" (a wildcard or "null" would let any page in).`,
        'server',
      );
    }
    return origin;
  });
  const host = args.text('host') ?? DEFAULT_HOST;
  if (host.trim() === '') throw new UsageError('--host needs an address.', 'server');
  return {
    host,
    port: Number(port),
    origins,
    hosts: args.texts('allow-host').map((name) => name.toLowerCase()),
    allowRemote: args.flag('allow-remote'),
    allow: allowList(args.text('allow'), 'server'),
  };
}

/** `write,shell` → ['write', 'shell']; anything else is a usage error naming the valid items. */
function allowList(text: string | undefined, topic: HelpTopic): ApprovalCategory[] {
  if (text === undefined) return [];
  const items = text.split(',').map((item) => item.trim());
  const granted: ApprovalCategory[] = [];
  for (const item of items) {
    const known = ALLOW_ITEMS.find((category) => category === item);
    if (known === undefined) {
      throw new UsageError(
        `--allow takes ${ALLOW_ITEMS.join(', ')} separated by commas, not "${item}".`,
        topic,
      );
    }
    if (!granted.includes(known)) granted.push(known);
  }
  return granted;
}

/** `--at 12`: a record number, a positive integer. */
function seqOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[1-9][0-9]*$/.test(text))
    throw new UsageError('--at takes a record number (1 or more).', 'sessions');
  return Number(text);
}

/** Flags of `octo sessions`, each accepted only by the actions that use it. */
const SESSIONS_FLAGS = ['all', 'json', 'format', 'trash', 'at'] as const;
type SessionsFlag = (typeof SESSIONS_FLAGS)[number];
const SESSION_ACTIONS = [
  'list',
  'show',
  'rename',
  'rm',
  'restore',
  'export',
  'fork',
  'search',
  'move',
] as const;

function sessionsAction(args: CommandArgs): SessionsAction {
  const [action = 'list', ...rest] = args.operands;
  const json = args.flag('json');
  const allowed = (flags: Partial<Record<SessionsFlag, boolean>>): void => {
    for (const flag of SESSIONS_FLAGS) {
      if (args.has(flag) && flags[flag] !== true) {
        throw new UsageError(`--${flag} does not apply to sessions ${action}.`, 'sessions');
      }
    }
  };
  const operands = (count: number, usage: string): string[] => {
    if (rest.length !== count) throw new UsageError(`Usage: octo sessions ${usage}`, 'sessions');
    return [...rest];
  };
  switch (action) {
    case 'list':
      allowed({ all: true, json: true, trash: true });
      operands(0, 'list [--all] [--json] [--trash]');
      return { action, all: args.flag('all'), json, trash: args.flag('trash') };
    case 'show': {
      allowed({ json: true });
      const [name = ''] = operands(1, 'show NAME [--json]');
      return { action, name, json };
    }
    case 'rename': {
      allowed({});
      const [name = '', newName = ''] = operands(2, 'rename NAME NEW_NAME');
      return { action, name, newName };
    }
    case 'rm':
    case 'restore': {
      allowed({});
      const [name = ''] = operands(1, `${action} NAME`);
      return { action, name };
    }
    case 'export': {
      allowed({ format: true });
      const [name = ''] = operands(1, 'export NAME [--format md|json]');
      const format = args.text('format') ?? 'md';
      if (format !== 'md' && format !== 'json') throw new UsageError('--format is md or json.', 'sessions');
      return { action, name, format };
    }
    case 'fork': {
      allowed({ at: true });
      const [name = '', newName = ''] = operands(2, 'fork NAME NEW_NAME [--at SEQ]');
      const atSeq = seqOf(args.text('at'));
      return { action, name, newName, ...(atSeq !== undefined ? { atSeq } : {}) };
    }
    case 'search': {
      allowed({ all: true, json: true });
      if (rest.length === 0)
        throw new UsageError('Usage: octo sessions search TEXT [--json] [--all]', 'sessions');
      // Several words unquoted are one search, as a search box would take them.
      return { action, text: rest.join(' '), json, all: args.flag('all') };
    }
    case 'move': {
      allowed({});
      const [name = '', dir = ''] = operands(2, 'move NAME DIR');
      return { action, name, dir };
    }
    default: {
      const near = closest(action, SESSION_ACTIONS, 1);
      const hint = near.length > 0 ? ` Did you mean: octo sessions ${near.join(', ')}?` : '';
      throw new UsageError(`Unknown sessions command: ${action}.${hint}`, 'sessions');
    }
  }
}
