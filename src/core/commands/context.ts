import { messageText } from '../context/index.js';
import type { MessageRecord } from '../store/index.js';
import { sanitizeLine } from '../text/index.js';
import { CONTEXT_FILTERS, type ContextFilter, type ContextRow } from './results.js';
import { message, type CommandContext, type CommandSpec } from './types.js';

/** Rows /context large shows. */
const LARGE_ROWS = 10;
/** Characters of a row's preview. */
const PREVIEW_CHARS = 80;

function preview(text: string): string {
  const line = sanitizeLine(text).replace(/\s+/g, ' ').trim();
  return line.length <= PREVIEW_CHARS ? line : `${line.slice(0, PREVIEW_CHARS - 1)}…`;
}

/** Every part of the next request in order, with its tokens and share. */
export function contextRows(context: CommandContext): ContextRow[] {
  const { assembly, measured } = context.context.measured();
  const total = Math.max(1, measured.total);
  const part = (
    kind: ContextRow['kind'],
    tokens: number,
    text: string,
  ): Omit<ContextRow, 'index' | 'share'> => ({
    kind,
    role: 'system',
    seq: null,
    tokens,
    at: null,
    preview: preview(text),
  });
  const retained = assembly.entries.filter((e) => e.retained).length;
  const parts = [
    part('system', measured.system, assembly.prompt),
    part('tools', measured.tools, 'tool schemas'),
    part('knowledge', measured.knowledge, `${retained} knowledge entries`),
    part('summary', measured.summary, assembly.compaction?.summary ?? ''),
  ].filter((p) => p.tokens > 0);
  const messages = assembly.messages
    .filter((m) => measured.perMessage.has(m.seq))
    .map((m: MessageRecord): Omit<ContextRow, 'index' | 'share'> => ({
      kind: 'message',
      role: m.role,
      seq: m.seq,
      tokens: measured.perMessage.get(m.seq) ?? 0,
      at: m.at,
      preview: preview(messageText(m)),
    }));
  return [...parts, ...messages].map((row, i) => ({ ...row, index: i + 1, share: row.tokens / total }));
}

function filterRows(rows: readonly ContextRow[], filter: ContextFilter): ContextRow[] {
  switch (filter) {
    case 'all':
      return [...rows];
    case 'user':
    case 'assistant':
    case 'tool':
      return rows.filter((r) => r.kind === 'message' && r.role === filter);
    case 'system':
      return rows.filter((r) => r.role === 'system');
    case 'large':
      return [...rows].sort((a, b) => b.tokens - a.tokens).slice(0, LARGE_ROWS);
  }
}

function isFilter(value: string): value is ContextFilter {
  return (CONTEXT_FILTERS as readonly string[]).includes(value);
}

export const contextCommand: CommandSpec = {
  name: 'context',
  usage: '/context [all|user|assistant|tool|system|large]',
  summary: 'what the next request holds: each part with its tokens and share',
  run(args, context) {
    const filter = args.trim() === '' ? 'all' : args.trim();
    if (!isFilter(filter)) {
      return Promise.resolve(
        message('error', `Unknown filter ${sanitizeLine(filter)}; use one of ${CONTEXT_FILTERS.join(', ')}.`),
      );
    }
    const rows = filterRows(contextRows(context), filter);
    return Promise.resolve({
      type: 'context',
      filter,
      rows,
      breakdown: context.context.breakdown({ prepareCounts: false }),
    });
  },
};
