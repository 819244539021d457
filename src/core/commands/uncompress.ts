import { activeCompactions } from '../context/index.js';
import { message, refusal, type CommandSpec } from './types.js';

export const uncompressCommand: CommandSpec = {
  name: 'uncompress',
  usage: '/uncompress',
  waitsForIdle: 'always',
  summary: 'undo the last compression: its messages return to the context',
  async run(_args, context) {
    const refused = refusal(context, 'undoing a compression');
    if (refused !== null) return refused;
    const records = await context.allRecords();
    const last = activeCompactions(records).at(-1);
    if (last === undefined) return message('info', 'Nothing to undo: no compression is in effect.');
    const tokensBefore = context.context.breakdown({ prepareCounts: false }).total;
    const compacted = new Set(last.compactedSeqs);
    // Messages first, the compaction last: until it is marked undone, it alone keeps them out, so a
    // crash in between leaves the context as it was rather than half restored.
    const restore = records.filter((r) => r.kind === 'message' && compacted.has(r.seq) && !r.inContext);
    await context.updateMany(
      restore.map((r) => r.seq),
      { inContext: true },
    );
    // undoneAfter: a provider's report of the prompt from before this moment no longer describes it.
    await context.update(last.seq, { undone: true, undoneAfter: records.at(-1)?.seq ?? last.seq });
    await context.refresh();
    context.context.changed('records');
    return {
      type: 'uncompressed',
      restored: compacted.size,
      tokensBefore,
      tokensAfter: context.context.breakdown({ prepareCounts: false }).total,
    };
  },
};
