import type { CommandHelp, CommandResult } from '../api.js';
import { closest, sanitizeLine } from '../text/index.js';
import { contextCommand } from './context.js';
import { doneCommand } from './done.js';
import { infoCommand } from './info.js';
import { knowledgeCommand } from './knowledge.js';
import { mcpCommand } from './mcp.js';
import { modelCommand } from './model.js';
import { runCommand } from './run.js';
import { jobsCommand, scheduleCommand } from './schedule.js';
import { summarizeCommand } from './summarize.js';
import { message, type CommandContext, type CommandSpec } from './types.js';
import { uncompressCommand } from './uncompress.js';

export type { CommandContext, CommandSpec } from './types.js';
export type { CommandServices } from './services.js';
export type * from './results.js';
export { CONTEXT_FILTERS } from './results.js';
export { sessionInfo } from './info.js';

/** Slash commands the core runs; the TUI adds its own navigation commands around these. */
export const CORE_COMMANDS: readonly CommandSpec[] = [
  modelCommand,
  infoCommand,
  contextCommand,
  summarizeCommand,
  doneCommand,
  knowledgeCommand,
  uncompressCommand,
  runCommand,
  mcpCommand,
  scheduleCommand,
  jobsCommand,
];

export function coreCommandHelp(): CommandHelp[] {
  return CORE_COMMANDS.map(({ name, usage, summary, waitsForIdle }) => ({
    name,
    usage,
    summary,
    ...(waitsForIdle === undefined ? {} : { waitsForIdle }),
  }));
}

/**
 * True when typed text is a slash command rather than a message: its first word is a slash and a name
 * (`/info`, `/run reduce`, `/nonsense`). A path (`/usr/bin is …`: a second slash in the first word), a
 * lone `/` or `/42` is a message. The full screen and `-p` both decide by this.
 */
export function isSlashCommand(text: string): boolean {
  const word = /^\S+/.exec(text.trim())?.[0] ?? '';
  return /^\/[A-Za-z][A-Za-z0-9_-]*$/.test(word);
}

/** Runs `/name args`; an unknown command is a result, never something sent to the model. */
export async function runSessionCommand(
  line: string,
  context: CommandContext,
  knownElsewhere: readonly string[] = [],
): Promise<CommandResult> {
  const match = /^\/(\S+)\s*([\s\S]*)$/.exec(line.trim());
  if (match === null) return message('error', 'A command starts with / (see /help).');
  const name = match[1] ?? '';
  const spec = CORE_COMMANDS.find((c) => c.name === name);
  if (spec === undefined) {
    const names = [...CORE_COMMANDS.map((c) => c.name), ...knownElsewhere];
    return {
      type: 'unknown',
      name: sanitizeLine(name),
      suggestions: closest(name, names, 3).map((n) => `/${n}`),
    };
  }
  return spec.run(match[2] ?? '', context);
}
