/**
 * Summarising a history of any length within the summariser's window: one request when it fits,
 * else the transcript in parts, each summarised on its own, and the part summaries folded together
 * (in as many rounds as their number needs). No request is planned over the window.
 */
import { addUsage, type KnowledgeEntry, type MessageRecord, type Usage } from '../store/index.js';
import {
  callSummariser,
  summaryMessages,
  transcriptLine,
  type CompressionCall,
  type Summariser,
  type SummaryRequest,
} from './compress.js';
import type { NewKnowledge } from './knowledge.js';
import { MESSAGE_OVERHEAD } from './measure.js';
import type { SummaryForm } from './summary-format.js';

/**
 * Share of the room that is planned: the count is the session's encoding, and the summariser's own
 * tokenizer may count the same text a fifth higher.
 */
const FILL = 0.8;
/** Tokens kept for the reply beyond its budget: JSON keys, quotes, a preamble. */
const REPLY_SLACK = 512;
/** A reply may run half over its budget before it is cut. */
const REPLY_OVERRUN = 1.5;
/** The summary budget is at most this share of the summariser's window. */
const MAX_BUDGET_SHARE = 0.25;
/** Below this many tokens of room for the transcript, a part could not hold a useful piece. */
const MIN_PART_ROOM = 256;
/** Tokens the separators between lines and parts add. */
const JOIN_TOKENS = 2;

export interface HistoryInput {
  messages: readonly MessageRecord[];
  previousSummary: string;
  known: readonly KnowledgeEntry[];
  focus: string;
  /** Tokens the summary should stay under. */
  budget: number;
}

export interface HistoryDeps {
  summariser: Summariser;
  /** The summariser's context window in tokens. */
  window: number;
  /** Tokens of each text, as close to the summariser's count as octo can make it. */
  count(texts: readonly string[]): Promise<number[]>;
  /** Each request as it starts: "part 3 of 12", "folding 12 part summaries". */
  onProgress(activity: string): void;
}

/** Billing and findings summed over the requests of one compression. */
class Tally {
  requests = 0;
  private usage: Usage | null = null;
  private cost: number | null = 0;
  readonly knowledge: NewKnowledge[] = [];

  add(call: CompressionCall): void {
    this.requests += call.requests;
    if (call.usage !== null) this.usage = this.usage === null ? call.usage : addUsage(this.usage, call.usage);
    // A provider's own cost stands only if every request carried one.
    this.cost = this.cost === null || call.providerCost === null ? null : this.cost + call.providerCost;
    if (call.ok) this.knowledge.push(...call.knowledge);
  }

  billed(): { usage: Usage | null; providerCost: number | null; requests: number } {
    return {
      usage: this.usage,
      providerCost: this.requests === 0 ? null : this.cost,
      requests: this.requests,
    };
  }
}

/** Consecutive groups of items whose tokens fit `room`; an item alone over it is a group of its own. */
function pack<T>(items: readonly T[], tokens: readonly number[], room: number): T[][] {
  const groups: T[][] = [];
  let group: T[] = [];
  let used = 0;
  items.forEach((item, i) => {
    const cost = (tokens[i] ?? 0) + JOIN_TOKENS;
    if (group.length > 0 && used + cost > room) {
      groups.push(group);
      group = [];
      used = 0;
    }
    group.push(item);
    used += cost;
  });
  if (group.length > 0) groups.push(group);
  return groups;
}

/** Tokens of a request as sent (its texts, and what the chat format adds per message). */
async function requestTokens(deps: HistoryDeps, request: SummaryRequest): Promise<number> {
  const messages = summaryMessages(request);
  const counts = await deps.count(messages.map((m) => (typeof m.content === 'string' ? m.content : '')));
  return counts.reduce((sum, n) => sum + n + MESSAGE_OVERHEAD, 0);
}

function failure(tally: Tally, reason: string): CompressionCall {
  return { ok: false, reason, ...tally.billed() };
}

/** Summarises `input.messages` (and folds in the previous summary) in as many requests as the window needs. */
export async function summariseHistory(
  deps: HistoryDeps,
  input: HistoryInput,
  signal: AbortSignal,
): Promise<CompressionCall> {
  const budget = Math.max(1, Math.min(input.budget, Math.floor(deps.window * MAX_BUDGET_SHARE)));
  const room = Math.floor((deps.window - Math.ceil(budget * REPLY_OVERRUN) - REPLY_SLACK) * FILL);
  const base = { previousSummary: input.previousSummary, known: input.known, focus: input.focus, budget };
  const tally = new Tally();
  const lines = input.messages.map((m) => transcriptLine(m));
  const lineTokens = await deps.count(lines);
  const whole = await requestTokens(deps, { ...base, body: { kind: 'transcript', lines: [], part: null } });
  const transcript = lineTokens.reduce((sum, n) => sum + n + JOIN_TOKENS, 0);
  if (whole + transcript <= room) {
    deps.onProgress(`summarising ${input.messages.length} messages`);
    const call = await callSummariser(
      deps.summariser,
      { ...base, body: { kind: 'transcript', lines, part: null } },
      signal,
    );
    tally.add(call);
    return call.ok ? { ...call, ...tally.billed(), knowledge: tally.knowledge } : failure(tally, call.reason);
  }

  const leafBase = { ...base, previousSummary: '' };
  const leafFixed = await requestTokens(deps, {
    ...leafBase,
    body: {
      kind: 'transcript',
      lines: [],
      part: { index: input.messages.length, of: input.messages.length },
    },
  });
  const partRoom = room - leafFixed;
  if (partRoom < MIN_PART_ROOM) {
    return failure(
      tally,
      `a summary request needs ${leafFixed} tokens before any message, and the summariser's window of ${deps.window} tokens leaves room for ${Math.max(0, room)}`,
    );
  }
  const fitted = await fitLines(deps, input.messages, lines, lineTokens, partRoom);
  const parts = pack(fitted.lines, fitted.tokens, partRoom);
  const summaries: string[] = input.previousSummary === '' ? [] : [input.previousSummary];
  let form: SummaryForm = 'structured';
  for (const [i, part] of parts.entries()) {
    deps.onProgress(`summarising part ${i + 1} of ${parts.length}`);
    const call = await callSummariser(
      deps.summariser,
      { ...leafBase, body: { kind: 'transcript', lines: part, part: { index: i + 1, of: parts.length } } },
      signal,
    );
    tally.add(call);
    if (!call.ok) return failure(tally, `part ${i + 1} of ${parts.length}: ${call.reason}`);
    summaries.push(call.summary);
    form = call.form;
  }
  return fold(deps, { ...base, previousSummary: '' }, { summaries, form, room, tally }, signal);
}

/** Lines longer than a part's room are cut further (head and tail kept), so every part fits. */
async function fitLines(
  deps: HistoryDeps,
  messages: readonly MessageRecord[],
  lines: readonly string[],
  tokens: readonly number[],
  room: number,
): Promise<{ lines: string[]; tokens: number[] }> {
  const out = { lines: [...lines], tokens: [...tokens] };
  const over = out.tokens.flatMap((n, i) => (n + JOIN_TOKENS > room ? [i] : []));
  if (over.length === 0) return out;
  for (const i of over) {
    const message = messages[i];
    const line = out.lines[i] ?? '';
    const n = out.tokens[i] ?? 1;
    if (message === undefined) continue;
    // Characters in proportion to the room, with a margin for the count not being linear in length.
    out.lines[i] = transcriptLine(message, Math.floor((line.length * room * FILL) / n / 2));
  }
  const recounted = await deps.count(over.map((i) => out.lines[i] ?? ''));
  over.forEach((i, k) => (out.tokens[i] = recounted[k] ?? 0));
  return out;
}

/** Folds part summaries into one, in rounds of as many as one request holds. */
async function fold(
  deps: HistoryDeps,
  base: Omit<SummaryRequest, 'body'>,
  state: { summaries: string[]; form: SummaryForm; room: number; tally: Tally },
  signal: AbortSignal,
): Promise<CompressionCall> {
  const { room, tally } = state;
  let { summaries, form } = state;
  const fixed = await requestTokens(deps, { ...base, body: { kind: 'parts', summaries: [] } });
  while (summaries.length > 1) {
    const tokens = await deps.count(summaries.map((s, i) => `[part ${i + 1}]\n${s}`));
    const groups = pack(summaries, tokens, room - fixed);
    if (groups.length >= summaries.length) {
      return failure(
        tally,
        `the part summaries (${Math.max(...tokens)} tokens the largest) do not fit two to a request in the summariser's window of ${deps.window} tokens`,
      );
    }
    const next: string[] = [];
    for (const [i, group] of groups.entries()) {
      if (group.length === 1) {
        next.push(group[0] ?? '');
        continue;
      }
      deps.onProgress(
        groups.length === 1
          ? `folding ${group.length} part summaries`
          : `folding part summaries (${i + 1} of ${groups.length})`,
      );
      const call = await callSummariser(
        deps.summariser,
        { ...base, body: { kind: 'parts', summaries: group } },
        signal,
      );
      tally.add(call);
      if (!call.ok) return failure(tally, `folding the part summaries: ${call.reason}`);
      form = call.form;
      next.push(call.summary);
    }
    summaries = next;
  }
  return { ok: true, form, summary: summaries[0] ?? '', knowledge: tally.knowledge, ...tally.billed() };
}
