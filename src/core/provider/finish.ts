import type { FinishReason } from '../store/index.js';

/**
 * Providers' words for the five finish reasons. OpenAI's five are the names; the rest are what
 * OpenAI-compatible servers send in their place: Mistral's `model_length` (the context ran out),
 * Anthropic-style `end_turn`/`max_tokens`/`tool_use` from gateways, Gemini-style `SAFETY`, DeepSeek's
 * `insufficient_system_resource` (cut off by load), the legacy `function_call`.
 */
const WORDS: Readonly<Record<string, FinishReason>> = {
  stop: 'stop',
  end_turn: 'stop',
  stop_sequence: 'stop',
  eos: 'stop',
  tool_calls: 'tool_calls',
  tool_use: 'tool_calls',
  function_call: 'tool_calls',
  length: 'length',
  max_tokens: 'length',
  model_length: 'length',
  content_filter: 'content_filter',
  safety: 'content_filter',
  recitation: 'content_filter',
  refusal: 'content_filter',
  error: 'error',
  insufficient_system_resource: 'error',
};

export interface ReadFinish {
  reason: FinishReason | null;
  /** The provider's word when it is not one of the five names. */
  raw: string | null;
}

export function readFinishReason(word: string): ReadFinish {
  const known = Object.hasOwn(WORDS, word.toLowerCase()) ? WORDS[word.toLowerCase()] : undefined;
  return {
    reason: known ?? null,
    raw: known === word ? null : word,
  };
}
