import { compactFor, failedText, figuresOf } from './summarize.js';
import { message, refusal, type CommandSpec } from './types.js';

/** What the summariser is told a checkpoint is. */
const CHECKPOINT_FOCUS =
  'This is a checkpoint: the phase of work so far is finished. Record what it achieved and decided.';

export const doneCommand: CommandSpec = {
  name: 'done',
  usage: '/done [next message]',
  waitsForIdle: 'always',
  summary: 'checkpoint: summarise the finished phase; the text, if any, is then sent as the next message',
  async run(args, context) {
    const refused = refusal(context, 'a checkpoint');
    if (refused !== null) return refused;
    const followUp = args.trim();
    const outcome = await compactFor(context, 'done', CHECKPOINT_FOCUS);
    if (!('status' in outcome)) return outcome;
    const next = followUp === '' ? {} : { followUp };
    switch (outcome.status) {
      case 'compacted':
        return { type: 'checkpoint', compaction: figuresOf(outcome), ...next };
      case 'nothing':
        return { type: 'checkpoint', compaction: null, ...next };
      case 'failed':
        return message('error', failedText(outcome.reason));
    }
  },
};
