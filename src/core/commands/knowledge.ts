import { sanitizeLine } from '../text/index.js';
import type { KnowledgeChange } from './results.js';
import { message, refusal, type CommandSpec } from './types.js';

const OPS: ReadonlyArray<KnowledgeChange['op']> = ['pin', 'unpin', 'forget'];

function isOp(value: string): value is KnowledgeChange['op'] {
  return (OPS as readonly string[]).includes(value);
}

export const knowledgeCommand: CommandSpec = {
  name: 'knowledge',
  usage: '/knowledge [pin|unpin|forget ID]',
  waitsForIdle: 'withArguments',
  summary: 'list what the session has learned; pin an entry to keep it, forget one to drop it',
  async run(args, context) {
    const [op = 'list', rawId = ''] = args.trim().split(/\s+/).filter(Boolean);
    const entries = context.context.assembly().entries;
    if (op === 'list') return { type: 'knowledge', entries, changed: null };
    if (!isOp(op))
      return message(
        'error',
        `Unknown action ${sanitizeLine(op)}; use /knowledge, or pin, unpin or forget with an ID.`,
      );
    const refused = refusal(context, 'changing knowledge');
    if (refused !== null) return refused;
    const entry = entries.find((e) => e.id.toLowerCase() === rawId.toLowerCase());
    if (entry === undefined) {
      const known = entries.map((e) => e.id).join(', ');
      return message(
        'error',
        `No knowledge entry ${sanitizeLine(rawId) || '(none given)'}${known === '' ? '; there are none yet' : `; known: ${known}`}.`,
      );
    }
    if ((op === 'pin' && entry.pinned) || (op === 'unpin' && !entry.pinned)) {
      return message('info', `${entry.id} is already ${entry.pinned ? 'pinned' : 'not pinned'}.`);
    }
    await context.append({ kind: 'knowledge', op, entryId: entry.id });
    context.context.changed('knowledge');
    return { type: 'knowledge', entries: context.context.assembly().entries, changed: { op, id: entry.id } };
  },
};
