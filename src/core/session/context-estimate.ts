import type { ContextBreakdown } from '../events.js';
import type { ToolSchema } from '../provider/types.js';
import { estimateTokens } from '../tokens/estimate.js';
import { contextMessages } from './request.js';
import type { SessionRecord } from './types.js';

/** What providers charge for an image in a prompt, roughly (one high-detail tile set). */
const TOKENS_PER_IMAGE = 765;

/** The assembled context by category, estimated from the records that go to the model. */
export function estimateContext(
  systemPrompt: string,
  tools: readonly ToolSchema[],
  records: readonly SessionRecord[],
  window: number | null,
): ContextBreakdown {
  let messages = 0;
  let attachments = 0;
  for (const record of contextMessages(records)) {
    messages += estimateTokens(record.content);
    for (const call of record.toolCalls ?? []) messages += estimateTokens(call.name + call.arguments);
    attachments += (record.attachments ?? []).length * TOKENS_PER_IMAGE;
  }
  const system = estimateTokens(systemPrompt);
  const toolTokens = tools.length === 0 ? 0 : estimateTokens(JSON.stringify(tools));
  return {
    system,
    tools: toolTokens,
    knowledge: 0,
    messages,
    attachments,
    total: system + toolTokens + messages + attachments,
    window,
    nextCompactionAt: null,
  };
}
