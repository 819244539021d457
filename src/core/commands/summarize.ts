import type { CommandResult } from '../api.js';
import type { CompactionOutcome } from '../context/index.js';
import { getErrorMessage, isAbortError } from '../errors.js';
import type { CompactionFigures } from './results.js';
import { message, refusal, type CommandContext, type CommandSpec } from './types.js';

/** The figures of a compaction that happened, or the message that says why none did. */
export function figuresOf(outcome: Extract<CompactionOutcome, { status: 'compacted' }>): CompactionFigures {
  const { messages, tokensBefore, tokensAfter, knowledgeAdded, cost } = outcome;
  return { messages, tokensBefore, tokensAfter, knowledgeAdded, cost };
}

/** Runs a compaction for a command; a cancel (Esc, close) is reported, the context unchanged. */
export async function compactFor(
  context: CommandContext,
  trigger: 'summarize' | 'done',
  focus: string,
): Promise<CompactionOutcome | CommandResult> {
  try {
    const outcome = await context.context.compactNow(trigger, focus);
    await context.refresh();
    return outcome;
  } catch (error) {
    if (!isAbortError(error)) throw error;
    return message('warning', `Compression cancelled (${getErrorMessage(error)}); the context is unchanged.`);
  }
}

export function failedText(reason: string): string {
  return `The summary could not be made (${reason}); the context is unchanged.`;
}

export const summarizeCommand: CommandSpec = {
  name: 'summarize',
  usage: '/summarize [focus]',
  waitsForIdle: 'always',
  summary: 'compress the conversation now (all but the latest turn), optionally focused on a topic',
  async run(args, context) {
    const refused = refusal(context, 'compressing');
    if (refused !== null) return refused;
    const outcome = await compactFor(context, 'summarize', args.trim());
    if (!('status' in outcome)) return outcome;
    switch (outcome.status) {
      case 'compacted':
        return { type: 'compacted', compaction: figuresOf(outcome) };
      case 'nothing':
        return message('info', `Nothing to compress: ${outcome.reason}.`);
      case 'failed':
        return message('error', failedText(outcome.reason));
    }
  },
};
