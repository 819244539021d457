import type { OctoConfig } from '../config/index.js';
import type { EventBus } from '../events.js';
import { assertNever, getErrorMessage, isAbortError, isOctoError, OctoError } from '../errors.js';
import type { ChatClient, PartialCompletion, ResolvedModel, StreamEvent } from '../provider/index.js';
import type {
  AttachmentRef,
  FinishReason,
  MessageRecord,
  SessionSummary,
  SessionWriter,
  ToolCall,
} from '../store/index.js';
import { StreamRedactor, capText, shownOfCut, type Redactor } from '../text/index.js';
import type { ToolSet } from '../tools/index.js';
import type { TurnOutcome } from '../api.js';
import type { PreparedRequest } from '../context/index.js';
import { projectHead } from '../project/index.js';
import { interruptedResult } from './repair.js';
import { partialRecord, replyRecord } from './reply-record.js';

/** Characters of a tool result carried in events for previews. */
const PREVIEW_CHARS = 200;

export interface TurnContext {
  sessionId: string;
  turnId: string;
  writer: SessionWriter;
  bus: EventBus;
  config: OctoConfig;
  projectDir: string;
  tools: ToolSet;
  redactor: Redactor;
  /**
   * Writes what octo must tell the model about the project (files it read changed on disk, a catch-up
   * after a resume) as records, before each request: the request is built from records alone (invariant 5 in docs/architecture.md).
   */
  beforeRequest?: () => Promise<void>;
  /** Limits, automatic compression and the assembled request, before each model call. */
  prepareRequest: (summary: SessionSummary) => Promise<PreparedRequest>;
  client: () => Promise<ChatClient>;
  /** Cost of one request in USD, null when unknown. */
  costOf: (result: { usage: MessageRecord['usage'] | null; providerCost: number | null }) => number | null;
  /** Persists the summary after records changed and returns it. */
  saveSummary: () => Promise<SessionSummary>;
  signal: AbortSignal;
}

export interface TurnInput {
  /** The user's message; null continues the conversation as it stands (after a limit was raised). */
  text: string | null;
  attachments: AttachmentRef[];
  model: ResolvedModel;
}

/** A cut-off reply up to where its live stream held back (stream-redact.ts). */
function shownPart(partial: PartialCompletion): PartialCompletion {
  return { ...partial, content: shownOfCut(partial.content), reasoning: shownOfCut(partial.reasoning) };
}

function partialOf(error: unknown): PartialCompletion | null {
  if (!isOctoError(error)) return null;
  const partial = error.details.partial as PartialCompletion | undefined;
  return partial ?? null;
}

/** The text of the turn as it was shown: every step's text, each step starting on a line of its own. */
function joinSteps(texts: readonly string[]): string {
  return texts
    .filter((text) => text !== '')
    .reduce((all, text) => (all === '' || all.endsWith('\n') ? all + text : `${all}\n${text}`), '');
}

/** A turn that stopped on an error: interrupted when the user (or an abort) stopped it, else failed. */
export function settleError(turnId: string, error: unknown, signal: AbortSignal, reply: string): TurnOutcome {
  if (signal.aborted || isAbortError(error)) {
    const octo = isOctoError(error)
      ? error
      : new OctoError('aborted', 'The turn was cancelled.', { cause: error });
    return { status: 'interrupted', turnId, reply, error: octo };
  }
  const octo = isOctoError(error)
    ? error
    : new OctoError('internal', getErrorMessage(error), { cause: error });
  return { status: 'failed', turnId, reply, error: octo, finishReason: 'error' };
}

/** Runs user message → model → tools → model … until a reply without tool calls (docs/architecture.md "Invariants"). */
export async function runTurn(ctx: TurnContext, input: TurnInput): Promise<TurnOutcome> {
  // Invariant 1 (docs/architecture.md): the user message is on disk before anything is sent.
  if (input.text !== null) {
    await ctx.writer.append({
      kind: 'message',
      role: 'user',
      content: ctx.redactor.redact(input.text),
      inContext: true,
      ...(input.attachments.length > 0 ? { attachments: input.attachments } : {}),
      ...headOf(ctx.projectDir),
    });
  }
  const shown: string[] = [];
  try {
    return await modelLoop(ctx, input, shown);
  } catch (error) {
    return settleError(ctx.turnId, error, ctx.signal, joinSteps(shown));
  }
}

/** The project's HEAD commit, kept with the message so a resume can tell which commits are new. */
function headOf(projectDir: string): { head?: string } {
  const head = projectHead(projectDir);
  return head === null ? {} : { head };
}

/** Finish reasons after which the reply is not whole: its tool calls may be cut and are not run. */
const CUT_SHORT = new Set<FinishReason | null>(['length', 'content_filter']);

async function modelLoop(ctx: TurnContext, input: TurnInput, shown: string[]): Promise<TurnOutcome> {
  const { writer, bus, sessionId, turnId } = ctx;
  const model = input.model.modelString;
  let summary = await ctx.saveSummary();
  const client = await ctx.client();
  for (let step = 1; step <= ctx.config.tools.max_steps; step += 1) {
    await ctx.beforeRequest?.();
    const prepared = await ctx.prepareRequest(summary);
    if (!prepared.ok) return { status: 'failed', turnId, reply: joinSteps(shown), error: prepared.error };
    const streamed = { content: '', reasoning: '' };
    const live = liveStream(ctx);
    const onEvent = (event: StreamEvent): void => forward(ctx, event, streamed, live);
    let result;
    try {
      result = await client.complete(
        { model: input.model, messages: prepared.messages, tools: ctx.tools.schemas(), signal: ctx.signal },
        onEvent,
      );
      live.end();
    } catch (error) {
      // A reply cut off keeps what was shown of it: the end held back may be the start of a secret.
      live.cut();
      const partial = shownPart(partialOf(error) ?? streamed);
      shown.push(ctx.redactor.redact(partial.content));
      const failed = !ctx.signal.aborted && !isAbortError(error);
      const record = partialRecord(partial, model, failed, ctx.redactor);
      if (record !== null) await writer.append(record);
      throw error;
    }
    const cost = ctx.costOf(result);
    const record = replyRecord(result, model, cost, ctx.redactor);
    await writer.append({ ...record, ...headOf(ctx.projectDir) });
    shown.push(record.kind === 'message' ? record.content : '');
    if (result.usage) bus.emit('turn.usage', { sessionId, turnId, usage: result.usage, cost, model });
    summary = await ctx.saveSummary();
    const cut = CUT_SHORT.has(result.finishReason);
    if (result.toolCalls.length === 0 || cut) {
      // Calls of a reply cut short may be cut too: each gets a result saying so (invariant 3 in docs/architecture.md), none runs.
      for (const call of cut ? result.toolCalls : [])
        await writer.append(interruptedResult(call, notRun(result.finishReason)));
      return {
        status: 'finished',
        turnId,
        reply: joinSteps(shown),
        steps: step,
        finishReason: result.finishReason,
      };
    }
    await runToolCalls(ctx, result.toolCalls, model);
    summary = await ctx.saveSummary();
  }
  const limit = ctx.config.tools.max_steps;
  return {
    status: 'failed',
    turnId,
    reply: joinSteps(shown),
    error: new OctoError(
      'step_limit',
      `Stopped after ${limit} model calls in one turn (tools.max_steps = ${limit}).`,
    ),
  };
}

function notRun(reason: FinishReason | null): string {
  return `Not run: the reply was cut off (finish reason ${reason ?? 'unknown'}) before this call was known to be complete. Call it again if it is still needed.`;
}

interface LiveStream {
  push(kind: 'text' | 'reasoning', text: string): void;
  /** The stream ended (or failed): what was held back goes out. */
  end(): void;
  /** The stream starts again: what was held back belongs to the dropped attempt. */
  reset(): void;
  /** The stream was cut off for good: of what was held back, only a plain last word goes out. */
  cut(): void;
}

/**
 * The deltas every front end shows as they arrive (the -p output, the TUI, the server's clients),
 * redacted like what is stored: a secret the model echoes must not reach a screen, its scrollback or a
 * log either. Split across chunks, it is held back until it can be redacted whole (stream-redact.ts).
 */
function liveStream(ctx: TurnContext): LiveStream {
  const { bus, sessionId, turnId } = ctx;
  const redactors = { text: new StreamRedactor(ctx.redactor), reasoning: new StreamRedactor(ctx.redactor) };
  const emit = (kind: 'text' | 'reasoning', text: string): void => {
    if (text !== '') bus.emit('turn.delta', { sessionId, turnId, kind, text });
  };
  return {
    push: (kind, text) => emit(kind, redactors[kind].push(text)),
    end: () => {
      emit('reasoning', redactors.reasoning.end());
      emit('text', redactors.text.end());
    },
    reset: () => {
      redactors.text.reset();
      redactors.reasoning.reset();
    },
    cut: () => {
      emit('reasoning', redactors.reasoning.cut());
      emit('text', redactors.text.cut());
    },
  };
}

/** Deltas, retries and skipped fields become events; the streamed text is kept for a failure. */
function forward(ctx: TurnContext, event: StreamEvent, streamed: PartialCompletion, live: LiveStream): void {
  const { bus, sessionId, turnId } = ctx;
  switch (event.type) {
    case 'text':
    case 'reasoning':
      if (event.type === 'text') streamed.content += event.text;
      else streamed.reasoning += event.text;
      live.push(event.type, event.text);
      return;
    case 'retry':
      live.reset();
      bus.emit('turn.retry', { sessionId, turnId, ...event });
      return;
    case 'warning':
      bus.emit('turn.warning', { sessionId, turnId, message: event.message });
      return;
    case 'toolCall':
      return;
    default:
      assertNever(event, 'stream event');
  }
}

async function runToolCalls(ctx: TurnContext, calls: readonly ToolCall[], model: string): Promise<void> {
  const { bus, sessionId, turnId } = ctx;
  for (const [index, call] of calls.entries()) {
    if (ctx.signal.aborted) {
      // Invariant 3 (docs/architecture.md): every call sent to the model gets a result, even when the user stopped the turn.
      for (const rest of calls.slice(index)) await ctx.writer.append(interruptedResult(rest));
      throw new OctoError('aborted', 'The turn was cancelled.');
    }
    bus.emit('turn.toolCall', { sessionId, turnId, call });
    let result;
    try {
      result = await ctx.tools.call(call.name, call.arguments, {
        projectDir: ctx.projectDir,
        signal: ctx.signal,
        sessionId,
        model,
      });
    } catch (error) {
      if (!isAbortError(error) && !ctx.signal.aborted) throw error;
      for (const rest of calls.slice(index)) await ctx.writer.append(interruptedResult(rest));
      throw new OctoError('aborted', 'The turn was cancelled.', { cause: error });
    }
    const content = capText(ctx.redactor.redact(result.content), ctx.config.tools.max_output_chars);
    await ctx.writer.append({
      kind: 'message',
      role: 'tool',
      content: result.ok ? content : `Error: ${content}`,
      toolCallId: call.id,
      toolName: call.name,
      inContext: true,
      // An agent's spending, carried on its result so the session's totals (and /info by source) include it.
      ...(result.usage === undefined
        ? {}
        : { usage: result.usage, cost: result.cost ?? null, costSource: 'agent' as const }),
    });
    bus.emit('turn.toolResult', {
      sessionId,
      turnId,
      toolCallId: call.id,
      toolName: call.name,
      ok: result.ok,
      size: result.fullSize ?? result.content.length,
      preview: content.slice(0, PREVIEW_CHARS),
    });
  }
}
