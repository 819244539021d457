/** Turns an explicit argv into one typed invocation; every mistake is a UsageError (exit 2). */
import { cac, type Command } from 'cac';
import type { ApprovalCategory } from '../core/api.js';
import { closest } from '../core/text/distance.js';
import { optionValues } from './raw-options.js';

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

export type HelpTopic = 'main' | 'run' | 'sessions' | 'doctor';

export type Invocation =
  | { kind: 'help'; topic: HelpTopic }
  | { kind: 'version' }
  | { kind: 'run'; options: RunOptions }
  | { kind: 'sessions'; sessions: SessionsAction }
  | { kind: 'doctor'; reindex: boolean };

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

const COMMANDS = ['run', 'sessions', 'doctor'] as const;
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
/** What `--allow` may grant: the approval categories of the core. */
const ALLOW_ITEMS: readonly ApprovalCategory[] = ['write', 'shell', 'mcp'];
/** Options whose values are text: mri would turn "007" into 7, so their raw text is read back. */
const STRING_OPTIONS = {
  name: ['--name'],
  model: ['--model'],
  theme: ['--theme'],
  format: ['--format'],
  allow: ['--allow'],
  at: ['--at'],
};
/** Flags of `octo sessions`, each accepted only by the actions that use it. */
const SESSIONS_FLAGS = ['all', 'json', 'format', 'trash', 'at'] as const;
type SessionsFlag = (typeof SESSIONS_FLAGS)[number];

function addRunOptions(command: Command): Command {
  return command
    .option('--name <name>', 'create or resume the session named N')
    .option('--resume [name]', 'resume an existing session (bare: pick one)')
    .option('--resume-recent', "resume this project's most recently updated session")
    .option('--model <model>', 'provider:model')
    .option('-p, --prompt <text>', 'run one turn without the full screen')
    .option('--json', 'print one JSON result instead of streaming')
    .option('--attach <file>', 'attach an image or video (repeatable)')
    .option('--theme <theme>', 'colour theme of the workspace')
    .option('--allow <categories>', 'grant write, shell and mcp tools without asking');
}

function buildParser(): ReturnType<typeof cac> {
  const cli = cac('octo');
  cli.option('-h, --help', 'show help').option('-v, --version', 'show the version');
  addRunOptions(cli.command('[...args]', 'open the workspace'));
  addRunOptions(cli.command('run', 'open a session, or run one turn with -p'));
  cli
    .command('sessions [action] [...args]', 'list and manage sessions')
    .option('--all', 'all projects')
    .option('--json', 'machine-readable output')
    .option('--format <format>', 'md or json')
    .option('--trash', 'the sessions in the trash')
    .option('--at <seq>', 'fork at this record');
  cli.command('doctor', 'check the store').option('--reindex', 'rebuild the session index');
  return cli;
}

function isCacError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'CACError';
}

export function parseArgv(argv: readonly string[]): Invocation {
  const cli = buildParser();
  const parsed = cli.parse(['node', 'octo', ...argv], { run: false });
  const command = cli.matchedCommand;
  const args = parsed.args.map(String);
  const topic = helpTopic(cli.matchedCommandName);
  if (parsed.options.help === true) return { kind: 'help', topic };
  if (parsed.options.version === true) return { kind: 'version' };
  if (command === undefined) throw new UsageError('Nothing to do.');
  if (command.name === '' && args.length > 0) throw unknownCommand(args[0] ?? '');
  try {
    command.checkUnknownOptions();
    command.checkOptionValue();
    command.checkUnusedArgs();
  } catch (error) {
    if (isCacError(error)) throw new UsageError(error.message.replaceAll('`', ''), topic);
    throw error;
  }
  switch (cli.matchedCommandName) {
    case 'run':
    case undefined:
      return { kind: 'run', options: runOptions(argv, parsed.options, cli.matchedCommandName === 'run') };
    case 'sessions':
      return { kind: 'sessions', sessions: sessionsAction(argv, args, parsed.options) };
    case 'doctor':
      return { kind: 'doctor', reindex: parsed.options.reindex === true };
    default:
      throw unknownCommand(cli.matchedCommandName);
  }
}

function helpTopic(name: string | undefined): HelpTopic {
  return name === 'run' || name === 'sessions' || name === 'doctor' ? name : 'main';
}

function unknownCommand(name: string): UsageError {
  const near = closest(name, COMMANDS, 1);
  const hint = near.length > 0 ? ` Did you mean: octo ${near.join(', ')}?` : '';
  return new UsageError(`Unknown command: ${name}.${hint}`);
}

type ParsedOptions = Record<string, unknown>;

/** The last raw text given for a string option (repeats override, as most CLIs do). */
function lastText(argv: readonly string[], flags: readonly string[], label: string): string | undefined {
  const values = optionValues(argv, flags);
  const last = values.at(-1);
  if (last === true) throw new UsageError(`${label} needs a value.`);
  return last;
}

function runOptions(argv: readonly string[], options: ParsedOptions, explicit: boolean): RunOptions {
  const topic = explicit ? 'run' : 'main';
  const resumeValues = optionValues(argv, ['--resume']);
  const resume = resumeValues.at(-1);
  const attach = optionValues(argv, ['--attach']).map((value) => {
    if (value === true) throw new UsageError('--attach needs a file.', topic);
    return value;
  });
  const name = lastText(argv, STRING_OPTIONS.name, '--name');
  const resumeRecent = options.resumeRecent === true;
  const chosen = [name !== undefined, resume !== undefined, resumeRecent].filter(Boolean).length;
  if (chosen > 1) throw new UsageError('Use only one of --name, --resume and --resume-recent.', topic);
  if (resume === '') throw new UsageError('--resume needs a name, or no value at all for the picker.', topic);
  const prompt = lastText(argv, ['-p', '--prompt'], '-p');
  const model = lastText(argv, STRING_OPTIONS.model, '--model');
  const theme = lastText(argv, STRING_OPTIONS.theme, '--theme');
  const allow = allowList(lastText(argv, STRING_OPTIONS.allow, '--allow'), topic);
  return {
    explicit,
    ...(name !== undefined ? { name } : {}),
    ...(resume !== undefined ? { resume } : {}),
    resumeRecent,
    ...(model !== undefined ? { model } : {}),
    ...(prompt !== undefined ? { prompt } : {}),
    json: options.json === true,
    attach,
    ...(theme !== undefined ? { theme } : {}),
    allow,
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

function sessionsAction(
  argv: readonly string[],
  args: readonly string[],
  options: ParsedOptions,
): SessionsAction {
  const [action = 'list', ...rest] = args;
  const json = options.json === true;
  const allowed = (flags: Partial<Record<SessionsFlag, boolean>>): void => {
    for (const flag of SESSIONS_FLAGS) {
      if (options[flag] !== undefined && flags[flag] !== true) {
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
      return { action, all: options.all === true, json, trash: options.trash === true };
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
      const format = lastText(argv, STRING_OPTIONS.format, '--format') ?? 'md';
      if (format !== 'md' && format !== 'json') throw new UsageError('--format is md or json.', 'sessions');
      return { action, name, format };
    }
    case 'fork': {
      allowed({ at: true });
      const [name = '', newName = ''] = operands(2, 'fork NAME NEW_NAME [--at SEQ]');
      const atSeq = seqOf(lastText(argv, STRING_OPTIONS.at, '--at'));
      return { action, name, newName, ...(atSeq !== undefined ? { atSeq } : {}) };
    }
    case 'search': {
      allowed({ all: true, json: true });
      if (rest.length === 0)
        throw new UsageError('Usage: octo sessions search TEXT [--json] [--all]', 'sessions');
      // Several words unquoted are one search, as a search box would take them.
      return { action, text: rest.join(' '), json, all: options.all === true };
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
