import { OctoError } from '../errors.js';
import type { ToolCall, Usage } from '../session/types.js';
import { chunkSchema, type ChunkUsage } from './chunk-schema.js';
import type { CompletionResult, PartialCompletion, StreamEvent } from './types.js';

interface PendingCall {
  id: string;
  name: string;
  arguments: string;
  announced: boolean;
}

/** Builds one completion from streamed chunks, forwarding deltas as they arrive. */
export class CompletionAssembler {
  /** True once anything reached the caller: from then on a retry would show the user a reply twice. */
  delivered = false;
  finishReason: string | null = null;
  private content = '';
  private reasoning = '';
  private readonly calls = new Map<number, PendingCall>();
  private usage: Usage | null = null;
  private providerCost: number | null = null;

  constructor(private readonly onEvent: (event: StreamEvent) => void) {}

  push(raw: unknown): void {
    const parsed = chunkSchema.safeParse(raw);
    if (!parsed.success) {
      throw new OctoError('provider_malformed', 'The provider sent a chunk of an unexpected shape.', {
        cause: parsed.error,
      });
    }
    const { choices, usage } = parsed.data;
    if (usage) this.takeUsage(usage);
    const choice = choices?.[0];
    if (!choice) return;
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
    const delta = choice.delta;
    if (!delta) return;
    const thought = delta.reasoning ?? delta.reasoning_content;
    if (thought) this.emitReasoning(thought);
    if (delta.content) this.emitText(delta.content);
    for (const call of delta.tool_calls ?? []) {
      this.takeToolCall(
        this.indexOf(call.index, call.id),
        call.id,
        call.function?.name,
        call.function?.arguments,
      );
    }
  }

  partial(): PartialCompletion {
    return { content: this.content, reasoning: this.reasoning };
  }

  result(): Omit<CompletionResult, 'durationMs'> {
    const toolCalls: ToolCall[] = [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, call]) => ({
        id: call.id || `call_${index}`,
        name: call.name,
        arguments: call.arguments,
      }));
    return {
      content: this.content,
      reasoning: this.reasoning,
      toolCalls,
      usage: this.usage,
      providerCost: this.providerCost,
      finishReason: this.finishReason,
    };
  }

  private emitText(text: string): void {
    this.content += text;
    this.delivered = true;
    this.onEvent({ type: 'text', text });
  }

  private emitReasoning(text: string): void {
    this.reasoning += text;
    this.delivered = true;
    this.onEvent({ type: 'reasoning', text });
  }

  private takeToolCall(index: number, id?: string | null, name?: string | null, args?: string | null): void {
    const call = this.calls.get(index) ?? { id: '', name: '', arguments: '', announced: false };
    this.calls.set(index, call);
    if (id && call.id === '') call.id = id;
    if (name && call.name === '') call.name = name;
    if (args) call.arguments += args;
    // Announce once the name is known: the id alone says nothing to show.
    if (!call.announced && call.name !== '') {
      call.announced = true;
      this.delivered = true;
      this.onEvent({ type: 'toolCall', index, id: call.id || `call_${index}`, name: call.name });
    }
  }

  /**
   * Some gateways omit `index` and send each call whole: a new id then means a new call, and a piece
   * without id continues the latest one.
   */
  private indexOf(index: number | null | undefined, id: string | null | undefined): number {
    if (index !== null && index !== undefined) return index;
    const last = Math.max(-1, ...this.calls.keys());
    const lastId = this.calls.get(last)?.id;
    return last < 0 || (id && lastId && id !== lastId) ? last + 1 : last;
  }

  private takeUsage(usage: NonNullable<ChunkUsage>): void {
    this.usage = {
      input: usage.prompt_tokens ?? 0,
      output: usage.completion_tokens ?? 0,
      cacheRead: usage.prompt_tokens_details?.cached_tokens ?? 0,
      cacheWrite: usage.prompt_tokens_details?.cache_write_tokens ?? usage.cache_creation_input_tokens ?? 0,
      reasoning: usage.completion_tokens_details?.reasoning_tokens ?? 0,
    };
    if (typeof usage.cost === 'number' && Number.isFinite(usage.cost)) this.providerCost = usage.cost;
  }
}
