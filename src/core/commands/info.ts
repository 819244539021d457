import { activeCompactions, messagesInContext } from '../context/index.js';
import { addUsage, ZERO_USAGE, type CostSource, type SessionRecord, type Usage } from '../store/index.js';
import type { SessionInfo } from './results.js';
import type { CommandContext, CommandSpec } from './types.js';

const SOURCES: readonly CostSource[] = ['main', 'agent', 'compression'];

/** The source of a record written for one model request, or null for any other record. */
function requestSource(record: SessionRecord): CostSource | null {
  if (record.kind === 'compaction') return 'compression';
  if (record.kind !== 'message' || (record.usage === undefined && record.cost === undefined)) return null;
  return record.costSource ?? 'main';
}

function bySource<T>(make: () => T): Record<CostSource, T> {
  return { main: make(), agent: make(), compression: make() };
}

/** /info's figures: sums over the stored per-request records, nothing kept on the side. */
export function sessionInfo(context: CommandContext, records: readonly SessionRecord[]): SessionInfo {
  const summary = context.summary();
  const tokensBySource = bySource<Usage>(() => ({ ...ZERO_USAGE }));
  const costBySource = bySource(() => 0);
  const requests = bySource(() => 0);
  let costKnown = false;
  let incomplete = false;
  let usageUnreported = 0;
  for (const record of records) {
    const source = requestSource(record);
    if (source === null || (record.kind !== 'message' && record.kind !== 'compaction')) continue;
    // A compression may take several summariser requests (a long history in parts), or none (octo's own).
    requests[source] += record.kind === 'compaction' ? (record.requests ?? 1) : 1;
    if (record.usage === null) usageUnreported += 1;
    else if (record.usage !== undefined)
      tokensBySource[source] = addUsage(tokensBySource[source], record.usage);
    if (record.cost === null) incomplete = true;
    else if (record.cost !== undefined) {
      costKnown = true;
      costBySource[source] += record.cost;
    }
  }
  const tokens = SOURCES.reduce((sum, s) => addUsage(sum, tokensBySource[s]), ZERO_USAGE);
  const compactions = records.filter((r) => r.kind === 'compaction');
  const active = activeCompactions(records);
  const entries = context.context.assembly().entries;
  const messages = records.filter((r) => r.kind === 'message').length;
  return {
    id: summary.id,
    name: summary.name,
    model: summary.model,
    createdAt: summary.createdAt,
    messages: {
      total: messages,
      inContext: messagesInContext(records).length,
      compacted: active.reduce((n, c) => n + c.compactedSeqs.length, 0),
    },
    tokens,
    tokensBySource,
    usageUnreported,
    cost: {
      total: costKnown ? SOURCES.reduce((sum, s) => sum + costBySource[s], 0) : null,
      bySource: costBySource,
      incomplete,
    },
    requests: { total: SOURCES.reduce((n, s) => n + requests[s], 0), bySource: requests },
    compressions: {
      count: compactions.filter((c) => c.failed === undefined).length,
      undone: compactions.filter((c) => c.undone === true).length,
      failed: compactions.filter((c) => c.failed !== undefined).length,
      tokensSaved: active.reduce((n, c) => n + Math.max(0, c.tokensBefore - c.tokensAfter), 0),
    },
    cacheHitRatio: tokens.input === 0 ? null : tokens.cacheRead / tokens.input,
    context: context.context.breakdown(),
    counting: context.context.counting(),
    knowledge: {
      entries: entries.length,
      pinned: entries.filter((e) => e.pinned).length,
      retained: entries.filter((e) => e.retained).length,
    },
    limits: context.context.limits(summary),
  };
}

export const infoCommand: CommandSpec = {
  name: 'info',
  usage: '/info',
  summary: 'tokens by kind, cost by source, requests, compressions and cache hits of this session',
  run: async (_args, context) => ({
    type: 'info',
    info: sessionInfo(context, await context.allRecords()),
  }),
};
