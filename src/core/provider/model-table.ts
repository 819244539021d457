import type { Pricing } from './types.js';

export interface BuiltinModel {
  /** USD per million tokens. */
  pricing: Pricing;
  contextWindow: number;
  vision: boolean;
}

/** The date the prices below were copied from the providers' public price lists. */
export const PRICE_TABLE_DATE = '2025-06';

/**
 * LIST PRICES as of PRICE_TABLE_DATE, in USD per million tokens, for the models people most often
 * use through octo. They go stale: providers change prices without notice, and batch, priority or
 * regional tiers differ. `[providers.NAME.pricing."model"]` in the config overrides any entry, and a
 * model missing here has an unknown (null) cost rather than a guessed one.
 */
export const BUILTIN_MODELS: Readonly<Record<string, Readonly<Record<string, BuiltinModel>>>> = {
  openai: {
    'gpt-4o': model({ input: 2.5, output: 10, cacheRead: 1.25, window: 128_000, vision: true }),
    'gpt-4o-mini': model({ input: 0.15, output: 0.6, cacheRead: 0.075, window: 128_000, vision: true }),
    'gpt-4.1': model({ input: 2, output: 8, cacheRead: 0.5, window: 1_047_576, vision: true }),
    'gpt-4.1-mini': model({ input: 0.4, output: 1.6, cacheRead: 0.1, window: 1_047_576, vision: true }),
    'gpt-4.1-nano': model({ input: 0.1, output: 0.4, cacheRead: 0.025, window: 1_047_576, vision: true }),
    o3: model({ input: 2, output: 8, cacheRead: 0.5, window: 200_000, vision: true }),
    'o3-mini': model({ input: 1.1, output: 4.4, cacheRead: 0.55, window: 200_000, vision: false }),
    'o4-mini': model({ input: 1.1, output: 4.4, cacheRead: 0.275, window: 200_000, vision: true }),
  },
  deepseek: {
    'deepseek-chat': model({ input: 0.27, output: 1.1, cacheRead: 0.07, window: 65_536, vision: false }),
    'deepseek-reasoner': model({ input: 0.55, output: 2.19, cacheRead: 0.14, window: 65_536, vision: false }),
  },
  openrouter: {
    'openai/gpt-4o': model({ input: 2.5, output: 10, cacheRead: 1.25, window: 128_000, vision: true }),
    'openai/gpt-4o-mini': model({
      input: 0.15,
      output: 0.6,
      cacheRead: 0.075,
      window: 128_000,
      vision: true,
    }),
    'openai/gpt-4.1': model({ input: 2, output: 8, cacheRead: 0.5, window: 1_047_576, vision: true }),
    'anthropic/claude-sonnet-4': anthropic({ input: 3, output: 15 }),
    'anthropic/claude-3.5-haiku': anthropic({ input: 0.8, output: 4 }),
    'google/gemini-2.5-pro': model({
      input: 1.25,
      output: 10,
      cacheRead: 0.31,
      window: 1_048_576,
      vision: true,
    }),
    'deepseek/deepseek-chat': model({
      input: 0.27,
      output: 1.1,
      cacheRead: 0.07,
      window: 65_536,
      vision: false,
    }),
  },
};

/**
 * Providers that run on the user's machine: their requests cost nothing, which is a known figure,
 * so the session shows $0.00 rather than "unknown".
 */
export const FREE_PROVIDERS: ReadonlySet<string> = new Set(['ollama', 'lmstudio']);

/** The built-in entry for a model id, ignoring a dated snapshot suffix ("gpt-4o-2024-08-06"). */
export function builtinModel(provider: string, modelId: string): BuiltinModel | null {
  const table = Object.hasOwn(BUILTIN_MODELS, provider) ? BUILTIN_MODELS[provider] : undefined;
  if (table === undefined) return null;
  const undated = modelId.replace(/-\d{4}-\d{2}-\d{2}$/, '');
  for (const id of [modelId, undated]) {
    if (Object.hasOwn(table, id)) return table[id] ?? null;
  }
  return null;
}

/** One row of the table: prices per million tokens, the context window, whether it takes images. */
function model(row: {
  input: number;
  output: number;
  cacheRead: number;
  window: number;
  vision: boolean;
}): BuiltinModel {
  const { input, output, cacheRead, window, vision } = row;
  return { pricing: { input, output, cacheRead }, contextWindow: window, vision };
}

/** Anthropic bills cache reads at 10% of input and 5-minute cache writes at 125%; 200k context. */
function anthropic({ input, output }: { input: number; output: number }): BuiltinModel {
  return {
    pricing: { input, output, cacheRead: input / 10, cacheWrite: input * 1.25 },
    contextWindow: 200_000,
    vision: true,
  };
}
