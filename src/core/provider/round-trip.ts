/**
 * What a reply's author needs back on later requests, and nothing any other model would refuse.
 *
 * - DeepSeek (thinking mode) answers HTTP 400 "The reasoning_content in the thinking mode must be
 *   passed back to the API" when an assistant message that carries `tool_calls` comes back without
 *   its `reasoning_content`; between user turns without tools it ignores the field. Kimi, GLM and
 *   servers running such models (vLLM, llama.cpp) read it the same way. So a reply whose reasoning
 *   came as `reasoning_content` sends it back on its tool-call messages.
 * - OpenRouter wants `reasoning_details` back verbatim and in order (Anthropic's signed thinking,
 *   Gemini's encrypted thought signatures): a reply that came with them sends them back.
 * - Only to the model that wrote the reply: after a model switch, one provider's fields (an
 *   Anthropic signature, DeepSeek's reasoning) never reach another, which may refuse unknown fields.
 */
import type { ChatMessage, ReplayFacts } from './types.js';

/** An assistant message as it goes on the wire: the stored facts become provider fields, or nothing. */
type AssistantMessage = Extract<ChatMessage, { role: 'assistant' }>;
type WireMessage =
  | Exclude<ChatMessage, AssistantMessage>
  | (Omit<AssistantMessage, 'replay'> & { reasoning_content?: string; reasoning_details?: unknown[] });

export function wireMessages(messages: readonly ChatMessage[], model: string): WireMessage[] {
  return messages.map((message) => {
    if (message.role !== 'assistant' || message.replay === undefined) return message;
    const { replay, ...plain } = message;
    return { ...plain, ...replayFields(replay, model, (plain.tool_calls ?? []).length > 0) };
  });
}

function replayFields(
  replay: ReplayFacts,
  model: string,
  callsTools: boolean,
): { reasoning_content?: string; reasoning_details?: unknown[] } {
  if (replay.model !== model) return {};
  if (replay.reasoningDetails !== null && replay.reasoningDetails.length > 0)
    return { reasoning_details: replay.reasoningDetails };
  if (callsTools && replay.reasoningSource === 'reasoning_content' && replay.reasoning !== '')
    return { reasoning_content: replay.reasoning };
  return {};
}
