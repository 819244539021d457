import { getErrorMessage, isOctoError } from '../errors.js';
import { message, type CommandSpec } from './types.js';

export const modelCommand: CommandSpec = {
  name: 'model',
  usage: '/model provider:model',
  waitsForIdle: 'always',
  summary: 'switch the model of this session (recorded in the session)',
  async run(args, context) {
    const model = args.trim();
    if (model === '')
      return message('info', `Model: ${context.currentModel}. Change it with /model provider:model.`);
    if (context.readOnly)
      return message('error', 'This view is read-only; the model cannot be changed here.');
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
