import { activeCompactions } from '../context/index.js';
import { message, refusal, type CommandSpec } from './types.js';

export const uncompressCommand: CommandSpec = {
  name: 'uncompress',
  usage: '/uncompress',
  summary: 'undo the last compression: its messages return to the context',
  async run(_args, context) {
    const refused = refusal(context, 'undoing a compression');
    if (refused !== null) return refused;
    const records = context.records();
    const last = activeCompactions(records).at(-1);
    if (last === undefined) return message('info', 'Nothing to undo: no compression is in effect.');
    const tokensBefore = context.context.breakdown(false).total;
    const compacted = new Set(last.compactedSeqs);
    // Messages first, the compaction last: until it is marked undone, it alone keeps them out, so a
    // crash in between leaves the context as it was rather than half restored.
    for (const record of records) {
      if (record.kind === 'message' && compacted.has(record.seq) && !record.inContext) {
        await context.update(record.seq, { inContext: true });
      }
    }
    await context.update(last.seq, { undone: true });
    await context.refresh();
    context.context.changed(false);
    return {
      type: 'uncompressed',
      restored: compacted.size,
      tokensBefore,
      tokensAfter: context.context.breakdown(false).total,
    };
  },
};
