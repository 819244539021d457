import type { ReasoningSource, ToolCall } from '../store/index.js';
import { readChunk, type ToolCallPiece } from './chunk-reader.js';
import { ProviderStreamError } from './failure.js';
import { readFinishReason } from './finish.js';
import { ReasoningDetails } from './reasoning-details.js';
import type { CompletionResult, PartialCompletion, StreamEvent } from './types.js';
import { readUsage, type ReportedUsage } from './usage.js';

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
  /** The provider's finish word, as sent (null until one came). */
  finishWord: string | null = null;
  private content = '';
  private reasoning = '';
  private reasoningSource: ReasoningSource | null = null;
  private readonly details = new ReasoningDetails();
  private sawDetails = false;
  private readonly calls = new Map<number, PendingCall>();
  private reported: ReportedUsage | null = null;
  private readonly warned = new Set<string>();

  constructor(
    private readonly provider: string,
    private readonly onEvent: (event: StreamEvent) => void,
  ) {}

  push(raw: unknown): void {
    const facts = readChunk(raw);
    for (const field of facts.skipped) this.warn(field);
    const usage = facts.usage === null ? null : readUsage(facts.usage);
    // Perplexity repeats a growing usage in every chunk: the last one is the whole.
    if (usage !== null) this.reported = usage;
    if (facts.finishReason !== null) this.finishWord = facts.finishReason;
    if (facts.reasoning !== '') this.emitReasoning(facts.reasoning, facts.reasoningSource);
    if (facts.reasoningDetails !== null) this.takeDetails(facts.reasoningDetails, facts.reasoning === '');
    if (facts.text !== '') this.emitText(facts.text);
    for (const call of facts.toolCalls) this.takeToolCall(call);
    if (facts.error !== null) throw new ProviderStreamError(facts.error);
    if (facts.finishReason !== null && readFinishReason(facts.finishReason).reason === 'error')
      throw new ProviderStreamError(`the reply ended with finish reason "${facts.finishReason}"`);
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
    const finish = this.finishWord === null ? null : readFinishReason(this.finishWord);
    return {
      content: this.content,
      reasoning: this.reasoning,
      reasoningSource: this.sawDetails ? 'reasoning_details' : this.reasoningSource,
      reasoningDetails: this.sawDetails ? this.details.list() : null,
      toolCalls,
      usage: this.reported?.usage ?? null,
      providerCost: this.reported?.providerCost ?? null,
      finishReason: finish?.reason ?? null,
      providerFinishReason: finish?.raw ?? null,
    };
  }

  /** One line per odd field and stream, however many chunks repeat it. */
  private warn(field: string): void {
    const key = field.replace(/\[\d+\]/g, '[]');
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.onEvent({
      type: 'warning',
      message: `${this.provider} sent ${field} of an unknown shape; it was skipped.`,
    });
  }

  private emitText(text: string): void {
    this.content += text;
    this.delivered = true;
    this.onEvent({ type: 'text', text });
  }

  private emitReasoning(text: string, source: ReasoningSource | null): void {
    this.reasoning += text;
    this.reasoningSource ??= source;
    this.delivered = true;
    this.onEvent({ type: 'reasoning', text });
  }

  /** Kept verbatim for the round trip; shown only when no plain reasoning string came with them. */
  private takeDetails(pieces: readonly unknown[], show: boolean): void {
    if (pieces.length === 0) return;
    this.sawDetails = true;
    const readable = this.details.push(pieces);
    if (show && readable !== '') this.emitReasoning(readable, 'reasoning_details');
  }

  private takeToolCall(piece: ToolCallPiece): void {
    const index = this.indexOf(piece.index, piece.id);
    const call = this.calls.get(index) ?? { id: '', name: '', arguments: '', announced: false };
    this.calls.set(index, call);
    if (piece.id && call.id === '') call.id = piece.id;
    if (piece.name && call.name === '') call.name = piece.name;
    if (piece.arguments) call.arguments += piece.arguments;
    // Announce once the name is known: the id alone says nothing to show.
    if (!call.announced && call.name !== '') {
      call.announced = true;
      this.delivered = true;
      this.onEvent({ type: 'toolCall', index, id: call.id || `call_${index}`, name: call.name });
    }
  }

  /**
   * Some providers omit `index` and send each call whole (Mistral, Ollama): a new id then means a new
   * call, and a piece without id continues the latest one. An empty id (Qwen's continuations) is none.
   */
  private indexOf(index: number | null, id: string | null): number {
    if (index !== null) return index;
    const last = Math.max(-1, ...this.calls.keys());
    const lastId = this.calls.get(last)?.id;
    return last < 0 || (id && lastId && id !== lastId) ? last + 1 : last;
  }
}
