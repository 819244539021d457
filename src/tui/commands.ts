/** Slash commands as the TUI sees them: its own navigation commands plus the core's, and Tab completion. */
import type { CommandHelp } from '../core/api.js';
import { isSlashCommand } from '../core/commands/index.js';

export type { CommandHelp } from '../core/api.js';

export type TuiCommandName = 'help' | 'list' | 'session' | 'new' | 'rename' | 'fork' | 'clear' | 'exit';

export const TUI_COMMANDS: ReadonlyArray<CommandHelp & { name: TuiCommandName }> = [
  { name: 'help', usage: '/help', summary: 'keys and commands' },
  { name: 'list', usage: '/list', summary: 'list the sessions in the conversation pane' },
  { name: 'session', usage: '/session NAME', summary: 'switch to a session' },
  {
    name: 'new',
    usage: '/new [NAME]',
    summary: 'start a new session (a name is generated when none is given)',
  },
  { name: 'rename', usage: '/rename NAME', summary: 'rename this session' },
  {
    name: 'fork',
    usage: '/fork [NAME]',
    summary: 'copy this session (also one another terminal writes) and continue in the copy',
  },
  { name: 'clear', usage: '/clear', summary: 'clear the screen (the history is kept)' },
  { name: 'exit', usage: '/exit', summary: 'leave octo' },
];

/** Every command, for /help and completion: the TUI's own and the workspace's (`ws.commandHelp()`). */
export function allCommands(core: readonly CommandHelp[]): CommandHelp[] {
  return [...TUI_COMMANDS, ...core];
}

export type ParsedInput =
  | { kind: 'empty' }
  | { kind: 'prompt'; text: string }
  | { kind: 'tui'; name: TuiCommandName; args: string }
  /** Anything else starting with /: the core answers (and says when it is unknown). */
  | { kind: 'core'; line: string };

export function parseInput(raw: string): ParsedInput {
  const text = raw.trim();
  if (text === '') return { kind: 'empty' };
  if (text.startsWith('//')) return { kind: 'prompt', text: raw.replace(/^\s*\//, '') };
  // `/usr/bin is …` is a message about a path, not an unknown command.
  if (!isSlashCommand(text)) return { kind: 'prompt', text: raw };
  const match = /^\/(\S+)\s*([\s\S]*)$/.exec(text);
  const name = match?.[1] ?? '';
  const tui = TUI_COMMANDS.find((c) => c.name === name);
  if (tui !== undefined) return { kind: 'tui', name: tui.name, args: (match?.[2] ?? '').trim() };
  return { kind: 'core', line: text };
}

/** Tab completion of a command name: the completed text, or null and the choices when ambiguous. */
export function completeCommand(
  text: string,
  names: readonly string[],
): { text: string | null; choices: string[] } {
  const match = /^\/(\S*)$/.exec(text);
  if (match === null) return { text: null, choices: [] };
  const prefix = match[1] ?? '';
  const choices = names.filter((n) => n.startsWith(prefix)).sort();
  if (choices.length === 1) return { text: `/${choices[0] ?? ''} `, choices };
  const common = choices.reduce((acc, n) => {
    let i = 0;
    while (i < acc.length && acc[i] === n[i]) i++;
    return acc.slice(0, i);
  }, choices[0] ?? '');
  return { text: common.length > prefix.length ? `/${common}` : null, choices };
}
