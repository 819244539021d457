import type { Usage } from '../store/index.js';

/** xAI states its own cost in ticks of 1e-10 USD (`cost_in_usd_ticks`). */
const TICKS_PER_USD = 1e10;

export interface ReportedUsage {
  usage: Usage;
  /** What the provider says the request cost, in USD (OpenRouter `cost`, xAI ticks); null when unsaid. */
  providerCost: number | null;
}

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : null;
}

function field(object: unknown, key: string): unknown {
  return typeof object === 'object' && object !== null && !Array.isArray(object)
    ? (object as Record<string, unknown>)[key]
    : undefined;
}

/**
 * A chunk's `usage` as the provider meant it, or null when it holds no token count. `output` is every
 * billed output token: providers that count reasoning outside `completion_tokens` (xAI:
 * `completion_tokens: 26, reasoning_tokens: 196, total_tokens = prompt + 26 + 196`) get it added, so
 * spending limits see what is billed. Cache figures come under the names each provider uses.
 */
export function readUsage(raw: unknown): ReportedUsage | null {
  const prompt = count(field(raw, 'prompt_tokens'));
  const completion = count(field(raw, 'completion_tokens'));
  if (prompt === null && completion === null) return null;
  const promptDetails = field(raw, 'prompt_tokens_details');
  const reasoning =
    count(field(field(raw, 'completion_tokens_details'), 'reasoning_tokens')) ??
    // Some gateways (Azure AI's DeepSeek) put it at the top level.
    count(field(raw, 'reasoning_tokens')) ??
    0;
  const input = prompt ?? 0;
  const listed = completion ?? 0;
  const total = count(field(raw, 'total_tokens'));
  const reasoningOutside =
    reasoning > listed || (reasoning > 0 && total !== null && total === input + listed + reasoning);
  return {
    usage: {
      input,
      output: reasoningOutside ? listed + reasoning : listed,
      cacheRead:
        count(field(promptDetails, 'cached_tokens')) ??
        // DeepSeek's own names.
        count(field(raw, 'prompt_cache_hit_tokens')) ??
        0,
      cacheWrite:
        count(field(promptDetails, 'cache_write_tokens')) ??
        // Anthropic's name, passed through by some gateways.
        count(field(raw, 'cache_creation_input_tokens')) ??
        0,
      reasoning,
    },
    providerCost: providerCost(raw),
  };
}

function providerCost(raw: unknown): number | null {
  const dollars = field(raw, 'cost');
  if (typeof dollars === 'number' && Number.isFinite(dollars) && dollars >= 0) return dollars;
  const ticks = count(field(raw, 'cost_in_usd_ticks'));
  return ticks === null ? null : ticks / TICKS_PER_USD;
}
