import { getErrorMessage, isOctoError } from '../errors.js';
import { closest, sanitizeLine } from '../text/index.js';
import { message, refusal, type CommandSpec } from './types.js';

export const runCommand: CommandSpec = {
  name: 'run',
  usage: '/run NAME [text]',
  waitsForIdle: 'always',
  summary:
    'run a custom command from [[commands]] in the config; text after the name is appended to its prompt',
  run(args, context) {
    const match = /^(\S*)\s*([\s\S]*)$/.exec(args.trim());
    const name = match?.[1] ?? '';
    const extra = match?.[2]?.trim() ?? '';
    const names = context.config.commands.map((c) => c.name);
    if (name === '') {
      const list = names.length === 0 ? 'none are configured ([[commands]] in the config)' : names.join(', ');
      return Promise.resolve(message('info', `Custom commands: ${list}.`));
    }
    const command = context.config.commands.find((c) => c.name === name);
    if (command === undefined) {
      const near = closest(name, names, 3);
      return Promise.resolve(
        message(
          'error',
          `No custom command ${sanitizeLine(name)}.${near.length > 0 ? ` Did you mean: ${near.join(', ')}?` : ''}`,
        ),
      );
    }
    const refused = refusal(context, 'running a command');
    if (refused !== null) return Promise.resolve(refused);
    if (command.model !== undefined) {
      try {
        context.resolve(command.model);
      } catch (error) {
        // As with /model: a missing key is explained when the turn starts; an unknown provider is an error now.
        if (!isOctoError(error, 'provider_unconfigured'))
          return Promise.resolve(message('error', getErrorMessage(error)));
      }
    }
    const text = extra === '' ? command.prompt : `${command.prompt}\n\n${extra}`;
    return Promise.resolve({
      type: 'submit',
      command: name,
      text,
      ...(command.model === undefined ? {} : { model: command.model }),
    });
  },
};
