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
 *   A DeepSeek-style model (the `deepseek` provider, or one that wrote `reasoning_content` replies
 *   earlier in the conversation) still refuses a tool-call message without the field, so the
 *   tool-call messages other models wrote reach it with an empty `reasoning_content`: present, and
 *   carrying nothing of the other model's.
 */
import type { ChatMessage, ReplayFacts } from './types.js';

/** An assistant message as it goes on the wire: the stored facts become provider fields, or nothing. */
type AssistantMessage = Extract<ChatMessage, { role: 'assistant' }>;
type WireMessage =
  | Exclude<ChatMessage, AssistantMessage>
  | (Omit<AssistantMessage, 'replay'> & { reasoning_content?: string; reasoning_details?: unknown[] });

type ProviderFields = { reasoning_content?: string; reasoning_details?: unknown[] };

export function wireMessages(messages: readonly ChatMessage[], model: string): WireMessage[] {
  const wantsReasoning =
    model.startsWith('deepseek:') || messages.some((m) => writtenAsReasoningContent(m, model));
  return messages.map((message) => {
    if (message.role !== 'assistant') return message;
    const { replay, ...plain } = message;
    const callsTools = (plain.tool_calls ?? []).length > 0;
    const own = replay !== undefined && replay.model === model ? ownFields(replay, callsTools) : {};
    const stand =
      wantsReasoning && callsTools && own.reasoning_content === undefined ? { reasoning_content: '' } : {};
    return { ...plain, ...stand, ...own };
  });
}

function writtenAsReasoningContent(message: ChatMessage, model: string): boolean {
  return (
    message.role === 'assistant' &&
    message.replay?.model === model &&
    message.replay.reasoningSource === 'reasoning_content'
  );
}

function ownFields(replay: ReplayFacts, callsTools: boolean): ProviderFields {
  if (replay.reasoningDetails !== null && replay.reasoningDetails.length > 0)
    return { reasoning_details: replay.reasoningDetails };
  if (callsTools && replay.reasoningSource === 'reasoning_content' && replay.reasoning !== '')
    return { reasoning_content: replay.reasoning };
  return {};
}
