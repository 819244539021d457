import type { OctoConfig } from '../config/schema.js';
import type { EventBus } from '../events.js';
import { isAbortError, isOctoError, OctoError } from '../errors.js';
import type { ChatClient, PartialCompletion, ResolvedModel, StreamEvent } from '../provider/types.js';
import type { SessionWriter } from '../store/types.js';
import type { Redactor } from '../text/redact.js';
import { capText } from '../text/decode.js';
import type { ToolSet } from '../tools/index.js';
import type { TurnOutcome } from '../api.js';
import type { PreparedRequest } from '../context/index.js';
import { interruptedResult } from './repair.js';
import type { AttachmentRef, MessageRecord, SessionSummary, ToolCall } from './types.js';

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
   * after a resume) as records, before each request: the request is built from records alone (invariant 5).
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

function partialOf(error: unknown): PartialCompletion | null {
  if (!isOctoError(error)) return null;
  const partial = error.details.partial as PartialCompletion | undefined;
  return partial ?? null;
}

/** Runs user message → model → tools → model … until a reply without tool calls (DESIGN.md §3 invariants). */
export async function runTurn(ctx: TurnContext, input: TurnInput): Promise<TurnOutcome> {
  const { writer, bus, sessionId, turnId } = ctx;
  // Invariant 1: the user message is on disk before anything is sent.
  if (input.text !== null) {
    await writer.append({
      kind: 'message',
      role: 'user',
      content: ctx.redactor.redact(input.text),
      inContext: true,
      ...(input.attachments.length > 0 ? { attachments: input.attachments } : {}),
    });
  }
  let summary = await ctx.saveSummary();
  const client = await ctx.client();
  let reply = '';

  for (let step = 1; step <= ctx.config.tools.max_steps; step += 1) {
    await ctx.beforeRequest?.();
    const prepared = await ctx.prepareRequest(summary);
    if (!prepared.ok) return { status: 'failed', turnId, reply, error: prepared.error };
    const { messages } = prepared;
    let streamed = '';
    const onEvent = (event: StreamEvent): void => {
      if (event.type === 'text') streamed += event.text;
      if (event.type === 'text' || event.type === 'reasoning') {
        bus.emit('turn.delta', { sessionId, turnId, kind: event.type, text: event.text });
      } else if (event.type === 'retry') {
        bus.emit('turn.retry', { sessionId, turnId, ...event });
      }
    };
    let result;
    try {
      result = await client.complete(
        { model: input.model, messages, tools: ctx.tools.schemas(), signal: ctx.signal },
        onEvent,
      );
    } catch (error) {
      await keepPartial(ctx, input.model, partialOf(error)?.content ?? streamed);
      throw error;
    }
    reply = ctx.redactor.redact(result.content);
    const cost = ctx.costOf(result);
    await writer.append({
      kind: 'message',
      role: 'assistant',
      content: reply,
      ...(result.toolCalls.length > 0 ? { toolCalls: result.toolCalls } : {}),
      model: input.model.modelString,
      ...(result.usage ? { usage: result.usage } : {}),
      cost,
      costSource: 'main',
      inContext: true,
      ...(result.reasoning !== '' ? { reasoning: ctx.redactor.redact(result.reasoning) } : {}),
      durationMs: result.durationMs,
    });
    if (result.usage)
      bus.emit('turn.usage', {
        sessionId,
        turnId,
        usage: result.usage,
        cost,
        model: input.model.modelString,
      });
    summary = await ctx.saveSummary();
    if (result.toolCalls.length === 0) {
      return { status: 'finished', turnId, reply, steps: step };
    }
    await runToolCalls(ctx, result.toolCalls, input.model.modelString);
    summary = await ctx.saveSummary();
  }
  const limit = ctx.config.tools.max_steps;
  return {
    status: 'failed',
    turnId,
    reply,
    error: new OctoError(
      'internal',
      `Stopped after ${limit} model calls in one turn (tools.max_steps = ${limit}).`,
    ),
  };
}

/** Keeps what streamed before a failure or an abort, marked interrupted (FAULTS.md rows 12, 16, 24). */
async function keepPartial(ctx: TurnContext, model: ResolvedModel, content: string): Promise<void> {
  if (content === '') return;
  await ctx.writer.append({
    kind: 'message',
    role: 'assistant',
    content: ctx.redactor.redact(content),
    model: model.modelString,
    inContext: true,
    interrupted: true,
    costSource: 'main',
  });
}

async function runToolCalls(ctx: TurnContext, calls: readonly ToolCall[], model: string): Promise<void> {
  const { bus, sessionId, turnId } = ctx;
  for (const [index, call] of calls.entries()) {
    if (ctx.signal.aborted) {
      // Invariant 3: every call sent to the model gets a result, even when the user stopped the turn.
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
      size: result.content.length,
      preview: content.slice(0, PREVIEW_CHARS),
    });
  }
}
