import * as z from 'zod';

/**
 * The parts of a streamed chat.completion.chunk octo reads. Providers are untrusted and vary: every
 * field may be absent or null, and unknown fields are ignored.
 */
const count = z.number().nonnegative().nullish();

const toolCallDeltaSchema = z.object({
  index: z.number().int().nonnegative().nullish(),
  id: z.string().nullish(),
  function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});

const usageSchema = z.object({
  prompt_tokens: count,
  completion_tokens: count,
  prompt_tokens_details: z.object({ cached_tokens: count, cache_write_tokens: count }).nullish(),
  completion_tokens_details: z.object({ reasoning_tokens: count }).nullish(),
  /** Anthropic's name for cache writes, passed through by some gateways. */
  cache_creation_input_tokens: count,
  /** OpenRouter: what the request cost, in USD. */
  cost: z.number().nullish(),
});

export const chunkSchema = z.object({
  choices: z
    .array(
      z.object({
        delta: z
          .object({
            content: z.string().nullish(),
            reasoning: z.string().nullish(),
            reasoning_content: z.string().nullish(),
            tool_calls: z.array(toolCallDeltaSchema).nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: usageSchema.nullish(),
});

export type Chunk = z.infer<typeof chunkSchema>;
export type ChunkUsage = z.infer<typeof usageSchema>;
