import type { OctoConfig } from '../config/index.js';
import type { EventBus } from '../events.js';
import { getErrorMessage, isOctoError } from '../errors.js';
import type { ChatClient, ModelService, ResolvedModel, ToolSchema } from '../provider/index.js';
import type { CompactionTrigger, NewRecord, SessionRecord, SessionWriter } from '../store/index.js';
import type { TokenCounter, TokenEncoding } from '../tokens/index.js';
import { assemble, type Assembly } from './assemble.js';
import { callSummariser } from './compress.js';
import { freshKnowledge, knowledgeRecords } from './knowledge.js';
import type { PressureLevel } from './levels.js';
import type { ContextMeter, Measured } from './measure.js';
import { latestTurnStart, planCompaction } from './plan.js';

/** Share of the target size given to the summary (and new knowledge); the rest keeps messages verbatim. */
const SUMMARY_SHARE = 0.25;
/** A summary smaller than this cannot say much. */
const MIN_SUMMARY_TOKENS = 400;
/** An automatic compression that would take out less than this share of the context is not worth a model call. */
const MIN_AUTO_SHARE = 0.1;

export interface CompactionDeps {
  sessionId: string;
  bus: EventBus;
  config: OctoConfig;
  counter: TokenCounter;
  meter: ContextMeter;
  models: ModelService;
  writer: SessionWriter;
  systemPrompt: string;
  tools: ToolSchema[];
  encoding: TokenEncoding;
  /** The session's model; the summariser unless compression.model is set. */
  sessionModel: string;
}

export interface CompactionRequest {
  trigger: CompactionTrigger;
  /** The level passed (automatic compression); null for /summarize and /done. */
  level: PressureLevel | null;
  focus: string;
  signal: AbortSignal;
}

export type CompactionOutcome =
  | {
      status: 'compacted';
      seq: number;
      messages: number;
      tokensBefore: number;
      tokensAfter: number;
      knowledgeAdded: number;
      cost: number | null;
    }
  | { status: 'nothing'; reason: string }
  | { status: 'failed'; reason: string };

/** Exact measure of an assembly, waiting for the tokenizer if need be. */
export async function measureExactly(deps: CompactionDeps, assembly: Assembly): Promise<Measured> {
  await deps.counter.ensure(deps.encoding, deps.meter.items(assembly, deps.tools, deps.encoding));
  return deps.meter.measure(assembly, deps.tools, deps.encoding, 'bound');
}

/**
 * Summarises the oldest messages so the context shrinks by the level's ratio (or, for /summarize and
 * /done, as far as the rules allow). Writes knowledge first, then the compaction record, which is the
 * commit point, then marks the messages `inContext: false`; an abort before the reply writes nothing.
 */
export async function runCompaction(
  deps: CompactionDeps,
  request: CompactionRequest,
): Promise<CompactionOutcome> {
  const retention = deps.config.compression.knowledge_retention;
  const records = deps.writer.records();
  const before = assemble(records, deps.systemPrompt, retention);
  const measured = await measureExactly(deps, before);
  const messages = before.messages;
  const limit = request.trigger === 'done' ? messages.length : latestTurnStart(messages);
  const target = request.level === null ? 0 : measured.total / request.level.targetRatio;
  const summaryBudget = Math.max(MIN_SUMMARY_TOKENS, Math.floor(target * SUMMARY_SHARE));
  const fixed = measured.system + measured.tools + measured.knowledge;
  const plan = planCompaction(
    messages,
    (m) => measured.perMessage.get(m.seq) ?? 0,
    limit,
    target - fixed - summaryBudget,
  );
  if (plan === null || plan.compact.length === 0) {
    return {
      status: 'nothing',
      reason: 'only the latest turn is in context; there is nothing older to compress',
    };
  }
  const taken = measured.messages + measured.attachments - plan.keptTokens;
  if (request.trigger === 'auto' && taken < measured.total * MIN_AUTO_SHARE) {
    return { status: 'nothing', reason: 'too little before the latest turn to be worth compressing' };
  }
  const level = request.level?.threshold ?? null;
  deps.bus.emit('context.compacting', {
    sessionId: deps.sessionId,
    trigger: request.trigger,
    level,
    tokens: measured.total,
  });
  try {
    return await summarise(deps, request, { records, before, measured, plan, summaryBudget, level });
  } catch (error) {
    // Whoever watches 'context.compacting' (the jobs pane) must hear how it ended.
    if (request.signal.aborted) {
      deps.bus.emit('context.compactionInterrupted', { sessionId: deps.sessionId, trigger: request.trigger });
    } else {
      deps.bus.emit('context.compactionFailed', {
        sessionId: deps.sessionId,
        trigger: request.trigger,
        reason: getErrorMessage(error),
      });
    }
    throw error;
  }
}

interface Planned {
  records: readonly SessionRecord[];
  before: Assembly;
  measured: Measured;
  plan: NonNullable<ReturnType<typeof planCompaction>>;
  summaryBudget: number;
  level: number | null;
}

/** The summary call and the writes after it (the part a watcher sees as one running job). */
async function summarise(
  deps: CompactionDeps,
  request: CompactionRequest,
  { records, before, measured, plan, summaryBudget, level }: Planned,
): Promise<CompactionOutcome> {
  const retention = deps.config.compression.knowledge_retention;
  const chosen = await summariser(deps);
  if ('reason' in chosen) return failed(deps, request.trigger, chosen.reason);
  const { model, client } = chosen;
  const call = await callSummariser(
    client,
    model,
    {
      messages: plan.compact,
      previousSummary: before.compaction?.summary ?? '',
      known: before.entries,
      focus: request.focus,
      budget: summaryBudget,
    },
    request.signal,
  );
  const cost = call.usage === null ? null : deps.models.cost(model, call.usage, call.providerCost);
  const base = {
    kind: 'compaction',
    model: model.modelString,
    trigger: request.trigger,
    ...(level === null ? {} : { level }),
  } as const;
  if (!call.ok) {
    // The attempt cost money when the provider billed it: keep that, apart, without touching the context.
    if (call.usage !== null) {
      const tokens = measured.total;
      await deps.writer.append({
        ...base,
        summary: '',
        compactedSeqs: [],
        tokensBefore: tokens,
        tokensAfter: tokens,
        usage: call.usage,
        cost,
        failed: call.reason,
      });
    }
    return failed(deps, request.trigger, call.reason);
  }
  const added = knowledgeRecords(records, freshKnowledge(call.knowledge, before.entries));
  const compactedSeqs = plan.compact.map((m) => m.seq);
  const draft: NewRecord = {
    ...base,
    summary: call.summary,
    compactedSeqs,
    tokensBefore: measured.total,
    tokensAfter: 0,
    usage: call.usage ?? { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
    cost,
  };
  const next = assemble(withDrafts(records, [...added, draft]), deps.systemPrompt, retention);
  const after = await measureExactly(deps, next);
  for (const record of added) await deps.writer.append(record);
  const stored = await deps.writer.append({ ...draft, tokensAfter: after.total });
  for (const seq of compactedSeqs) await deps.writer.update(seq, { inContext: false });
  deps.bus.emit('context.compacted', {
    sessionId: deps.sessionId,
    tokensBefore: measured.total,
    tokensAfter: after.total,
    trigger: request.trigger,
    level,
    messages: compactedSeqs.length,
    ...(call.usage === null ? {} : { usage: call.usage }),
    cost,
  });
  if (added.length > 0)
    deps.bus.emit('knowledge.changed', { sessionId: deps.sessionId, entries: next.entries.length });
  return {
    status: 'compacted',
    seq: stored.seq,
    messages: compactedSeqs.length,
    tokensBefore: measured.total,
    tokensAfter: after.total,
    knowledgeAdded: added.length,
    cost,
  };
}

/** The summarising model and its client; one that cannot be used fails the compression, not the turn. */
async function summariser(
  deps: CompactionDeps,
): Promise<{ model: ResolvedModel; client: ChatClient } | { reason: string }> {
  try {
    const model = deps.models.resolve(deps.config.compression.model ?? deps.sessionModel);
    return { model, client: await deps.models.client() };
  } catch (error) {
    if (!isOctoError(error)) throw error;
    return { reason: getErrorMessage(error) };
  }
}

/** Tells the user the context was left as it was, and why. */
function failed(deps: CompactionDeps, trigger: CompactionTrigger, reason: string): CompactionOutcome {
  deps.bus.emit('context.compactionFailed', { sessionId: deps.sessionId, trigger, reason });
  return { status: 'failed', reason };
}

/** The records as they will be once the drafts are written (seqs as the writer will give them). */
function withDrafts(records: readonly SessionRecord[], drafts: readonly NewRecord[]): SessionRecord[] {
  const last = records.at(-1)?.seq ?? 0;
  const at = records.at(-1)?.at ?? new Date(0).toISOString();
  return [...records, ...drafts.map((d, i): SessionRecord => ({ ...d, seq: last + i + 1, at }))];
}
