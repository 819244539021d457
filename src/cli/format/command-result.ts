/** A slash command's typed result as the text `-p` prints: what the full screen shows as a note, as lines. */
import type { CommandResult } from '../../core/api.js';
import { assertNever } from '../../core/errors.js';
import { plural, sanitizeLine } from '../../core/text/index.js';
import {
  compactionFigures,
  contextNote,
  infoNote,
  jobsNote,
  knowledgeNote,
  type ResultNote,
} from '../../tui/view/command-result.js';

/** What to print, and whether it is a failure (stderr, exit non-zero). */
export interface PrintedResult {
  lines: string[];
  error: boolean;
}

const said = (...lines: string[]): PrintedResult => ({ lines, error: false });
const note = ({ text, body }: ResultNote): PrintedResult => said(text, ...body);

/** Results that hand text on to the model (/run, /done with a follow-up) print what was done first. */
export function describeCommandResult(result: CommandResult): PrintedResult {
  switch (result.type) {
    case 'message':
      return { lines: [result.text], error: result.level === 'error' };
    case 'unknown': {
      const hint = result.suggestions.length > 0 ? ` Did you mean ${result.suggestions.join(', ')}?` : '';
      return {
        lines: [`Unknown command /${result.name}; nothing was sent to the model.${hint}`],
        error: true,
      };
    }
    case 'modelChanged':
      return said(`Model: ${result.previous} → ${result.model}`);
    case 'info':
      return note(infoNote(result.info));
    case 'context':
      return note(contextNote(result.filter, result.rows, result.breakdown.total));
    case 'knowledge':
      return note(knowledgeNote(result.entries, result.changed));
    case 'compacted':
      return said(`Summarised now: ${compactionFigures(result.compaction)}`);
    case 'uncompressed':
      return said(
        `Compression undone: ${plural(result.restored, 'message')} back in context (${result.tokensBefore} → ${result.tokensAfter} tokens)`,
      );
    case 'checkpoint':
      return said(
        result.compaction === null
          ? 'Checkpoint recorded (nothing to compress).'
          : `Checkpoint recorded: ${compactionFigures(result.compaction)}`,
      );
    case 'submit':
      return said(
        `/run ${result.command}: sending its prompt${result.model === undefined ? '' : ` to ${result.model}`}.`,
      );
    case 'mcpServers':
      return said(
        `MCP servers: ${plural(result.servers.length, 'server')}`,
        ...result.servers.map((m) => `${m.name}  ${m.status}  ${plural(m.tools.length, 'tool')}`),
      );
    case 'schedules':
      return said(
        `Schedules: ${plural(result.schedules.length, 'schedule')}`,
        ...result.schedules.map((x) => `${x.id}  ${x.kind}  ${sanitizeLine(x.text)}`),
      );
    case 'jobs':
      return note(jobsNote(result.jobs));
    default:
      return assertNever(result, 'command result');
  }
}
