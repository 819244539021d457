/** A slash command's typed result as a frame: its words in `message`, the result itself in `data`. */
import type { CommandResult } from '../core/api.js';
import { assertNever } from '../core/errors.js';
import type { QueuedMessage } from './live-session.js';

export interface DescribedResult {
  message: string;
  /** Sent as an error frame rather than a status. */
  error: boolean;
  /** Text the command hands on to the model as the next message (/run, /done with a follow-up). */
  submit?: QueuedMessage;
}

export function describeResult(name: string, result: CommandResult): DescribedResult {
  const done = (message: string): DescribedResult => ({ message, error: false });
  switch (result.type) {
    case 'message':
      return { message: result.text, error: result.level === 'error' };
    case 'unknown': {
      const hint = result.suggestions.length > 0 ? ` Did you mean: ${result.suggestions.join(', ')}?` : '';
      return { message: `Unknown command: /${result.name}.${hint}`, error: true };
    }
    case 'modelChanged':
      return done(`Model changed to ${result.model} (was ${result.previous}).`);
    case 'submit':
      return {
        message: `/${name}: sending the ${result.command} prompt.`,
        error: false,
        submit: { text: result.text, ...(result.model === undefined ? {} : { model: result.model }) },
      };
    case 'checkpoint':
      return {
        message: `/${name}: checkpoint made.`,
        error: false,
        ...(result.followUp === undefined ? {} : { submit: { text: result.followUp } }),
      };
    case 'info':
    case 'context':
    case 'knowledge':
    case 'compacted':
    case 'uncompressed':
    case 'mcpServers':
    case 'schedules':
    case 'jobs':
      return done(`Command '${name}' done.`);
    default:
      return assertNever(result, 'command result');
  }
}
