import type { OctoConfig } from '../config/index.js';
import type { Usage } from '../store/index.js';
import { builtinModel, FREE_PROVIDERS } from './model-table.js';
import type { Pricing, ResolvedModel } from './types.js';

/** Price lists quote USD per million tokens. */
const TOKENS_PER_PRICE_UNIT = 1_000_000;

/**
 * The price of the model: `[providers.NAME.pricing."model"]` first, then the built-in list prices,
 * then zero for providers on the user's machine. Null when unknown — never a guessed $0.
 */
export function priceFor(resolved: ResolvedModel, config: OctoConfig): Pricing | null {
  const { name } = resolved.provider;
  const configured = configuredPricing(name, resolved.modelId, config);
  if (configured !== null) return configured;
  const builtin = builtinModel(name, resolved.modelId);
  if (builtin !== null) return builtin.pricing;
  return FREE_PROVIDERS.has(name) ? { input: 0, output: 0 } : null;
}

/**
 * USD for one request's tokens. `usage.input` includes the cached part, so the plain input rate is
 * charged only on what was neither read from nor written to the cache; cache rates fall back to the
 * input rate when the price list has none.
 */
export function costOf(usage: Usage, pricing: Pricing): number {
  const uncached = Math.max(0, usage.input - usage.cacheRead - usage.cacheWrite);
  const dollars =
    uncached * pricing.input +
    usage.cacheRead * (pricing.cacheRead ?? pricing.input) +
    usage.cacheWrite * (pricing.cacheWrite ?? pricing.input) +
    usage.output * pricing.output;
  return dollars / TOKENS_PER_PRICE_UNIT;
}

/**
 * The cost of one request: the provider's own figure when it sent one (OpenRouter's usage.cost and
 * xAI's ticks know the real price, reasoning and discounts included), else usage times the price;
 * null when either is unknown — except on a free model, where no usage still costs nothing.
 */
export function requestCost(
  usage: Usage | null,
  providerCost: number | null,
  pricing: Pricing | null,
): number | null {
  if (providerCost !== null && Number.isFinite(providerCost) && providerCost >= 0) return providerCost;
  if (pricing === null) return null;
  if (usage === null) return isFree(pricing) ? 0 : null;
  return costOf(usage, pricing);
}

function isFree(pricing: Pricing): boolean {
  return [pricing.input, pricing.output, pricing.cacheRead ?? 0, pricing.cacheWrite ?? 0].every(
    (p) => p === 0,
  );
}

function configuredPricing(provider: string, modelId: string, config: OctoConfig): Pricing | null {
  const entry = Object.hasOwn(config.providers, provider) ? config.providers[provider] : undefined;
  const price =
    entry !== undefined && Object.hasOwn(entry.pricing, modelId) ? entry.pricing[modelId] : undefined;
  if (price === undefined) return null;
  return {
    input: price.input,
    output: price.output,
    ...(price.cache_read === undefined ? {} : { cacheRead: price.cache_read }),
    ...(price.cache_write === undefined ? {} : { cacheWrite: price.cache_write }),
  };
}
