import type { ToolSchema } from '../provider/index.js';
import type { MessageRecord } from '../store/index.js';
import {
  countItem,
  estimateTokens,
  type CountItem,
  type TokenCounter,
  type TokenEncoding,
} from '../tokens/index.js';
import type { Assembly } from './assemble.js';

/** Tokens the chat format adds around each message (role, separators), as OpenAI documents it. */
export const MESSAGE_OVERHEAD = 4;
/** What providers charge for an image in a prompt, roughly (one high-detail tile set). */
export const TOKENS_PER_IMAGE = 765;
/** Texts other than messages whose keys are remembered (prompt, tools, knowledge, summary, a few old ones). */
const MEMO_TEXTS = 16;
/** Messages hashed between yields to the event loop when keys are made in the background. */
const HASH_SLICE = 100;

export interface Measured {
  system: number;
  tools: number;
  knowledge: number;
  summary: number;
  messages: number;
  attachments: number;
  total: number;
  /** Tokens of each message in context, by seq. */
  perMessage: Map<number, number>;
  /** True when every figure is an exact count. */
  exact: boolean;
}

/** What a message adds to the request: its text and its tool calls. */
export function messageText(record: MessageRecord): string {
  const calls = (record.toolCalls ?? []).map((c) => `${c.name} ${c.arguments}`);
  return calls.length === 0 ? record.content : [record.content, ...calls].join('\n');
}

/** An interrupted reply that streamed nothing is left out of the request (see chat.ts). */
function isSent(record: MessageRecord): boolean {
  return !(record.role === 'assistant' && record.content === '' && (record.toolCalls ?? []).length === 0);
}

/**
 * Measures assemblies with one counter. Message texts never change once stored, so their keys are
 * remembered by seq and hashed once; the few other texts by value.
 */
export class ContextMeter {
  private readonly bySeq = new Map<number, CountItem>();
  private readonly byText = new Map<string, CountItem>();
  private encoding: TokenEncoding | null = null;

  constructor(private readonly counter: TokenCounter) {}

  /** Every text of the request, as count items. */
  items(assembly: Assembly, tools: readonly ToolSchema[], encoding: TokenEncoding): CountItem[] {
    this.useEncoding(encoding);
    const parts = [assembly.prompt, assembly.knowledge, assembly.summary, toolsText(tools)].filter(
      (t) => t !== '',
    );
    return [
      ...parts.map((t) => this.textItem(t)),
      ...assembly.messages.filter(isSent).map((m) => this.messageItem(m)),
    ];
  }

  /**
   * The same items, made in slices with the event loop free in between: hashing a long session's
   * messages for the first time takes longer than a frame.
   */
  async itemsInSlices(
    assembly: Assembly,
    tools: readonly ToolSchema[],
    encoding: TokenEncoding,
  ): Promise<CountItem[]> {
    this.useEncoding(encoding);
    const sent = assembly.messages.filter(isSent);
    for (let from = 0; from < sent.length; from += HASH_SLICE) {
      for (const message of sent.slice(from, from + HASH_SLICE)) this.messageItem(message);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return this.items(assembly, tools, encoding);
  }

  /**
   * `peek`: exact where counted, estimated elsewhere (for display); it never hashes a message, so a
   * long session's first display costs no more than its estimate. `bound`: exact where counted, an
   * upper bound elsewhere (for decisions that must agree with the exact count).
   */
  measure(
    assembly: Assembly,
    tools: readonly ToolSchema[],
    encoding: TokenEncoding,
    mode: 'peek' | 'bound',
  ): Measured {
    this.useEncoding(encoding);
    let exact = true;
    const tokensOfItem = (item: CountItem): number => {
      if (mode === 'bound') {
        if (this.counter.known(item.key) === undefined) exact = false;
        return this.counter.bound(item);
      }
      const peeked = this.counter.peek(item);
      exact &&= peeked.exact;
      return peeked.tokens;
    };
    const tokensOf = (text: string): number => (text === '' ? 0 : tokensOfItem(this.textItem(text)));
    const perMessage = new Map<number, number>();
    let messages = 0;
    let attachments = 0;
    for (const record of assembly.messages) {
      if (!isSent(record)) continue;
      const memo = mode === 'peek' ? this.bySeq.get(record.seq) : this.messageItem(record);
      if (memo === undefined) exact = false;
      const content = memo === undefined ? estimateTokens(messageText(record)) : tokensOfItem(memo);
      const tokens = content + MESSAGE_OVERHEAD;
      const images = (record.attachments ?? []).length * TOKENS_PER_IMAGE;
      perMessage.set(record.seq, tokens + images);
      messages += tokens;
      attachments += images;
    }
    const system = tokensOf(assembly.prompt) + MESSAGE_OVERHEAD;
    const knowledge = tokensOf(assembly.knowledge);
    const summary = tokensOf(assembly.summary);
    const toolTokens = tokensOf(toolsText(tools));
    return {
      system,
      tools: toolTokens,
      knowledge,
      summary,
      messages,
      attachments,
      total: system + toolTokens + knowledge + summary + messages + attachments,
      perMessage,
      exact,
    };
  }

  private messageItem(record: MessageRecord): CountItem {
    const memo = this.bySeq.get(record.seq);
    if (memo !== undefined) return memo;
    const item = countItem(this.encodingNow(), messageText(record));
    this.bySeq.set(record.seq, item);
    return item;
  }

  private textItem(text: string): CountItem {
    const memo = this.byText.get(text);
    if (memo !== undefined) return memo;
    if (this.byText.size >= MEMO_TEXTS) this.byText.clear();
    const item = countItem(this.encodingNow(), text);
    this.byText.set(text, item);
    return item;
  }

  /** A model switch may change the encoding: every key changes with it. */
  private useEncoding(encoding: TokenEncoding): void {
    if (encoding === this.encoding) return;
    this.encoding = encoding;
    this.bySeq.clear();
    this.byText.clear();
  }

  private encodingNow(): TokenEncoding {
    return this.encoding ?? 'o200k_base';
  }
}

function toolsText(tools: readonly ToolSchema[]): string {
  return tools.length === 0 ? '' : JSON.stringify(tools);
}
