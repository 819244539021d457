import type { CommandResult } from '../api.js';
import { getErrorMessage, isOctoError } from '../errors.js';
import type { ResolvedModel } from '../provider/types.js';
import type { NewRecord } from '../session/types.js';
import { closest } from '../text/distance.js';
import { sanitizeLine } from '../text/sanitize.js';

/** What a slash command may see and do of its session. */
export interface CommandContext {
  readOnly: boolean;
  busy: boolean;
  currentModel: string;
  resolve(model: string): ResolvedModel;
  append(record: NewRecord): Promise<void>;
}

interface CommandSpec {
  name: string;
  usage: string;
  summary: string;
  run(args: string, context: CommandContext): Promise<CommandResult>;
}

const message = (level: 'info' | 'warning' | 'error', text: string): CommandResult => ({ type: 'message', level, text });

const modelCommand: CommandSpec = {
  name: 'model',
  usage: '/model provider:model',
  summary: 'switch the model of this session (recorded in the session)',
  async run(args, context) {
    const model = args.trim();
    if (model === '') return message('info', `Model: ${context.currentModel}. Change it with /model provider:model.`);
    if (context.readOnly) return message('error', 'This view is read-only; the model cannot be changed here.');
    if (context.busy) return message('error', 'A turn is running; change the model when it has finished.');
    try {
      context.resolve(model);
    } catch (error) {
      // An unconfigured key is fine to switch to (it is explained when a turn starts); a bad name is not.
      if (!isOctoError(error, 'provider_unconfigured')) return message('error', getErrorMessage(error));
    }
    if (model === context.currentModel) return message('info', `Already using ${model}.`);
    await context.append({ kind: 'command', command: 'model', model, previous: context.currentModel });
    return { type: 'modelChanged', model, previous: context.currentModel };
  },
};

/** Slash commands the core runs; the TUI adds its own navigation commands around these. */
export const CORE_COMMANDS: readonly CommandSpec[] = [modelCommand];

export function coreCommandHelp(): Array<{ usage: string; summary: string }> {
  return CORE_COMMANDS.map(({ usage, summary }) => ({ usage, summary }));
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
    return { type: 'unknown', name: sanitizeLine(name), suggestions: closest(name, names, 3).map((n) => `/${n}`) };
  }
  return spec.run(match[2] ?? '', context);
}
