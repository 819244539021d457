/**
 * Slash commands in `-p`: `/info`, `/context`, `/summarize`, `/done`, `/run NAME`,
 * `/knowledge` ... run without the full screen and never reach the model, except for the text a command
 * hands on (`/run`'s prompt, `/done`'s follow-up), which runs as a turn.
 */
import type { CommandResult, SessionHandle, Workspace } from '../../core/api.js';
import { sanitizeLine, sanitizeText } from '../../core/text/index.js';
import { TUI_COMMANDS } from '../../tui/commands.js';
import { describeCommandResult } from '../format/command-result.js';
import { EXIT, type ExitCode, type Output } from '../io.js';
import { runOneTurn, type OneTurnOptions } from './turn.js';

export async function runPromptCommand(
  ws: Workspace,
  handle: SessionHandle,
  line: string,
  options: OneTurnOptions,
  output: Output,
): Promise<ExitCode> {
  const name = /^\/(\S+)/.exec(line)?.[1] ?? '';
  const session = sessionJson(handle);
  if (TUI_COMMANDS.some((c) => c.name === name)) {
    const text = `/${name} works in the full screen only (octo run --resume ${sanitizeLine(session.name)}); nothing was sent to the model.`;
    if (options.json)
      output.json({ session, command: name, result: { type: 'message', level: 'error', text } });
    else output.error(text);
    return EXIT.usage;
  }
  const result = await handle.command(line);
  const handedOn = textHandedOn(result);
  if (handedOn !== null) {
    if (!options.json) output.note(describeCommandResult(result).lines.join('\n'));
    const commandJson = { name, result };
    return runOneTurn(
      ws,
      handle,
      { ...options, prompt: handedOn.text, ...modelOf(handedOn), command: commandJson },
      output,
    );
  }
  const printed = describeCommandResult(result);
  if (options.json) output.json({ session, command: name, result });
  else if (printed.error) output.error(sanitizeText(printed.lines.join('\n')));
  else output.write(`${sanitizeText(printed.lines.join('\n'))}\n`);
  if (!printed.error) return EXIT.ok;
  return result.type === 'unknown' ? EXIT.usage : EXIT.failure;
}

function sessionJson(handle: SessionHandle): { id: string; name: string; projectDir: string } {
  const { id, name, projectDir } = handle.summary();
  return { id, name, projectDir };
}

/** The text a command hands to the model as the next message: /run's prompt, /done's follow-up. */
function textHandedOn(result: CommandResult): { text: string; model?: string } | null {
  if (result.type === 'submit') return { text: result.text, ...modelOf(result) };
  if (result.type === 'checkpoint' && result.followUp !== undefined) return { text: result.followUp };
  return null;
}

function modelOf(value: { model?: string }): { model?: string } {
  return value.model === undefined ? {} : { model: value.model };
}
