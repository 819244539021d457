import type { OctoConfig } from '../config/index.js';
import type { EventBus } from '../events.js';
import { getErrorMessage, isOctoError } from '../errors.js';
import type { ModelService, ToolSchema } from '../provider/index.js';
import {
  ZERO_USAGE,
  type CompactionTrigger,
  type NewRecord,
  type SessionRecord,
  type SessionWriter,
} from '../store/index.js';
import { countItem, type TokenCounter, type TokenEncoding } from '../tokens/index.js';
import { assemble, type Assembly } from './assemble.js';
import { summaryChars, type CompressionCall } from './compress.js';
import { freshKnowledge, knowledgeRecords, normalizeKnowledge, type NewKnowledge } from './knowledge.js';
import { pressureLevels, usableWindow, type PressureLevel } from './levels.js';
import type { ContextMeter, Measured } from './measure.js';
import { octoSummary } from './octo-summary.js';
import { retryPoint } from './pause.js';
import { latestTurnStart, planCompaction } from './plan.js';
import { knowledgeFromMessages } from './prose-knowledge.js';
import { openSummariser, type SummariserPick } from './summariser.js';
import { summariseHistory } from './summarise-history.js';

/** Share of the target size given to the summary (and new knowledge); the rest keeps messages verbatim. */
const SUMMARY_SHARE = 0.25;
/** A summary smaller than this cannot say much. */
const MIN_SUMMARY_TOKENS = 400;
/** An automatic compression that would take out less than this share of the context is not worth a model call. */
const MIN_AUTO_SHARE = 0.1;
/** A plausible report (reported.ts) is at least half of octo's count: its messages count at least half as much. */
const MIN_MESSAGE_SCALE = 0.5;

export interface CompactionDeps {
  sessionId: string;
  bus: EventBus;
  config: OctoConfig;
  counter: TokenCounter;
  meter: ContextMeter;
  models: ModelService;
  writer: SessionWriter;
  /**
   * What the context is made of: the writer's records, after the knowledge from before them when the
   * session was opened from its resume point (only its end read).
   */
  records(): readonly SessionRecord[];
  systemPrompt: string;
  tools: ToolSchema[];
  encoding: TokenEncoding;
  /** The session model's window (null when unknown). */
  window: number | null;
  /** The summarising model (compression.model, else the session's) and what it is asked for. */
  summariser: SummariserPick;
}

/**
 * `model`: the summariser writes the summary, and a failure leaves the context as it was.
 * `model-or-octo`: the same, but the next request would not fit the window, so when the summariser
 * fails octo compresses without it. `octo`: without the model at all (its failure still pauses it).
 */
export type SummaryMode = 'model' | 'model-or-octo' | 'octo';

export interface CompactionRequest {
  trigger: CompactionTrigger;
  /** The level passed (automatic compression); null for /summarize and /done. */
  level: PressureLevel | null;
  focus: string;
  signal: AbortSignal;
  mode: SummaryMode;
  /** The context's size as the pressure levels see it (a provider's report may stand); octo's count when absent. */
  tokens?: number;
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

interface Planned {
  records: readonly SessionRecord[];
  before: Assembly;
  measured: Measured;
  plan: NonNullable<ReturnType<typeof planCompaction>>;
  summaryBudget: number;
  /** The context size recorded as "before" (the provider's report when it stands). */
  tokens: number;
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
  const records = deps.records();
  const before = assemble(records, deps.systemPrompt, retention);
  const measured = await measureExactly(deps, before);
  const tokens = Math.max(request.tokens ?? 0, measured.total);
  const messages = before.messages;
  const limit = request.trigger === 'done' ? messages.length : latestTurnStart(messages);
  const target = targetTokens(deps, request.level, tokens);
  const summaryBudget = Math.max(MIN_SUMMARY_TOKENS, Math.floor(target * SUMMARY_SHARE));
  const fixed = measured.system + measured.tools + measured.knowledge;
  const scale = messageScale(measured, tokens);
  const plan = planCompaction(
    messages,
    (m) => measured.perMessage.get(m.seq) ?? 0,
    limit,
    (target - fixed - summaryBudget) / scale,
  );
  if (plan === null || plan.compact.length === 0) {
    return {
      status: 'nothing',
      reason: 'only the latest turn is in context; there is nothing older to compress',
    };
  }
  const taken = (measured.messages + measured.attachments - plan.keptTokens) * scale;
  if (request.mode === 'model' && request.trigger === 'auto' && taken < tokens * MIN_AUTO_SHARE) {
    return { status: 'nothing', reason: 'too little before the latest turn to be worth compressing' };
  }
  const planned = { records, before, measured, plan, summaryBudget, tokens };
  if (request.mode === 'octo') return withOctoSummary(deps, request, planned, null);
  const level = request.level?.threshold ?? null;
  deps.bus.emit('context.compacting', { sessionId: deps.sessionId, trigger: request.trigger, level, tokens });
  let call: CompressionCall;
  try {
    call = await summarise(deps, request, planned);
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
  if (call.ok) return commit(deps, request, planned, withStatedKnowledge(call, planned));
  await recordFailure(deps, request, planned, call);
  if (request.mode === 'model-or-octo') return withOctoSummary(deps, request, planned, call.reason);
  return { status: 'failed', reason: call.reason };
}

/**
 * A summariser that wrote prose ignored what it was asked for: it may have left decisions out or
 * reworded them past recognition. The decisions and constraints the developer stated in an explicit
 * form ("Decision: ...", a headed list) in the compressed messages are kept as well, in the
 * developer's words, and the prose's own entries that only repeat one of them (wrapped in more words:
 * "They decided to ...") are dropped, so they do not crowd others out of the retention.
 */
function withStatedKnowledge(call: Summarised, planned: Planned): Summarised {
  if (call.form !== 'prose') return call;
  const stated = knowledgeFromMessages(
    planned.plan.compact.filter((m) => m.role === 'user').map((m) => m.content),
  );
  const said = stated.map((e) => normalizeKnowledge(e.text));
  const repeats = (entry: NewKnowledge): boolean =>
    said.some((s) => s !== '' && normalizeKnowledge(entry.text).includes(s));
  return { ...call, knowledge: [...stated, ...call.knowledge.filter((e) => !repeats(e))] };
}

/**
 * The size to shrink to: the context divided by the level's ratio, and never more than the usable
 * window divided by it (a context far over the window, a 20,000-message session opened for the first
 * time, must come out well under it). Zero for /summarize and /done.
 */
function targetTokens(deps: CompactionDeps, level: PressureLevel | null, tokens: number): number {
  if (level === null) return 0;
  const ceiling = usableWindow(deps.window, deps.config.compression.reply_reserve);
  return Math.floor(Math.min(tokens, ceiling ?? tokens) / level.targetRatio);
}

/**
 * How many of the context's tokens one of octo's message tokens stands for. When the provider's
 * report is above octo's count, the difference is in the messages (octo counts the prompt and the
 * tool schemas exactly; it is the messages' text, images and template the provider counts its own
 * way), so the plan takes as many more messages out; a report below octo's count, as many fewer.
 */
function messageScale(measured: Measured, tokens: number): number {
  const own = measured.messages + measured.attachments;
  if (own <= 0) return 1;
  return Math.max(MIN_MESSAGE_SCALE, (own + tokens - measured.total) / own);
}

/** The summariser's requests: as many as its window needs for this history. */
async function summarise(
  deps: CompactionDeps,
  request: CompactionRequest,
  planned: Planned,
): Promise<CompressionCall> {
  const opened = await openSummariser(deps.models, deps.summariser);
  if ('reason' in opened)
    return { ok: false, reason: opened.reason, usage: null, providerCost: null, requests: 0 };
  const { summariser, window, encoding } = opened;
  return summariseHistory(
    {
      summariser,
      window,
      count: async (texts) => {
        const items = texts.map((text) => countItem(encoding, text));
        await deps.counter.ensure(encoding, items);
        return items.map((item) => deps.counter.bound(item));
      },
      onProgress: (activity) =>
        deps.bus.emit('context.compactionProgress', { sessionId: deps.sessionId, activity }),
    },
    {
      messages: planned.plan.compact,
      previousSummary: planned.before.compaction?.summary ?? '',
      known: planned.before.entries,
      focus: request.focus,
      budget: planned.summaryBudget,
    },
    request.signal,
  );
}

/**
 * Keeps a failed attempt as a record: its cost, and the size it failed at, from which automatic
 * compression waits to grow before it asks the same summariser again (pause.ts).
 */
async function recordFailure(
  deps: CompactionDeps,
  request: CompactionRequest,
  { tokens }: Planned,
  call: Extract<CompressionCall, { ok: false }>,
): Promise<void> {
  const model = deps.summariser.modelString;
  // Nothing reported and no reply (a refused request, a model that could not be used): nothing billed.
  const cost = call.usage === null && call.providerCost === null ? 0 : costOf(deps, call);
  await deps.writer.append({
    kind: 'compaction',
    model,
    trigger: request.trigger,
    ...(request.level === null ? {} : { level: request.level.threshold }),
    summary: '',
    compactedSeqs: [],
    tokensBefore: tokens,
    tokensAfter: tokens,
    usage: call.usage ?? ZERO_USAGE,
    cost,
    failed: call.reason,
    requests: call.requests,
  });
  const levels = pressureLevels(deps.config.compression, deps.window);
  const ceiling = usableWindow(deps.window, deps.config.compression.reply_reserve);
  deps.bus.emit('context.compactionFailed', {
    sessionId: deps.sessionId,
    trigger: request.trigger,
    reason: call.reason,
    tokens,
    retryAt: retryPoint(tokens, levels, ceiling),
    ...(call.usage === null ? {} : { usage: call.usage }),
    cost,
    ...(request.mode === 'model-or-octo' ? { octoNext: true as const } : {}),
  });
}

function costOf(deps: CompactionDeps, call: Pick<CompressionCall, 'usage' | 'providerCost'>): number | null {
  const model = resolvedOrNull(deps);
  if (model === null) return call.providerCost;
  return call.usage === null && call.providerCost === null
    ? null
    : deps.models.cost(model, call.usage, call.providerCost);
}

function resolvedOrNull(deps: CompactionDeps): ReturnType<ModelService['resolve']> | null {
  try {
    return deps.models.resolve(deps.summariser.modelString);
  } catch (error) {
    if (!isOctoError(error)) throw error;
    return null;
  }
}

/** octo's own summary, when the request must fit and the summariser could not help. */
async function withOctoSummary(
  deps: CompactionDeps,
  request: CompactionRequest,
  planned: Planned,
  reason: string | null,
): Promise<CompactionOutcome> {
  const level = request.level?.threshold ?? null;
  deps.bus.emit('context.compacting', {
    sessionId: deps.sessionId,
    trigger: request.trigger,
    level,
    tokens: planned.tokens,
  });
  const made = octoSummary({
    messages: planned.plan.compact,
    previousSummary: planned.before.compaction?.summary ?? '',
    reason: reason ?? `it failed before, at ${planned.tokens} tokens or less`,
    maxChars: summaryChars(planned.summaryBudget),
  });
  return commit(deps, request, planned, {
    ok: true,
    form: 'octo',
    summary: made.summary,
    knowledge: made.knowledge,
    usage: null,
    providerCost: null,
    requests: 0,
  });
}

type Summarised = Extract<CompressionCall, { ok: true }>;

type Made = Omit<Summarised, 'form'> & { form: 'structured' | 'prose' | 'octo' };

async function commit(
  deps: CompactionDeps,
  request: CompactionRequest,
  { records, before, plan, tokens }: Planned,
  call: Made,
): Promise<CompactionOutcome> {
  const retention = deps.config.compression.knowledge_retention;
  const level = request.level?.threshold ?? null;
  const cost = call.form === 'octo' ? 0 : costOf(deps, call);
  const added = knowledgeRecords(records, freshKnowledge(call.knowledge, before.entries));
  const compactedSeqs = plan.compact.map((m) => m.seq);
  const draft: NewRecord = {
    kind: 'compaction',
    model: call.form === 'octo' ? 'octo' : deps.summariser.modelString,
    trigger: request.trigger,
    ...(level === null ? {} : { level }),
    summary: call.summary,
    compactedSeqs,
    tokensBefore: tokens,
    tokensAfter: 0,
    usage: call.usage ?? ZERO_USAGE,
    cost,
    form: call.form,
    requests: call.requests,
  };
  const next = assemble(withDrafts(records, [...added, draft]), deps.systemPrompt, retention);
  const after = await measureExactly(deps, next);
  for (const record of added) await deps.writer.append(record);
  const stored = await deps.writer.append({ ...draft, tokensAfter: after.total });
  await deps.writer.updateMany(compactedSeqs, { inContext: false });
  deps.bus.emit('context.compacted', {
    sessionId: deps.sessionId,
    tokensBefore: tokens,
    tokensAfter: after.total,
    trigger: request.trigger,
    level,
    messages: compactedSeqs.length,
    ...(call.usage === null ? {} : { usage: call.usage }),
    cost,
    form: call.form,
    requests: call.requests,
  });
  if (added.length > 0)
    deps.bus.emit('knowledge.changed', { sessionId: deps.sessionId, entries: next.entries.length });
  return {
    status: 'compacted',
    seq: stored.seq,
    messages: compactedSeqs.length,
    tokensBefore: tokens,
    tokensAfter: after.total,
    knowledgeAdded: added.length,
    cost,
  };
}

/** The records as they will be once the drafts are written (seqs as the writer will give them). */
function withDrafts(records: readonly SessionRecord[], drafts: readonly NewRecord[]): SessionRecord[] {
  const last = records.at(-1)?.seq ?? 0;
  const at = records.at(-1)?.at ?? new Date(0).toISOString();
  return [...records, ...drafts.map((d, i): SessionRecord => ({ ...d, seq: last + i + 1, at }))];
}
