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
    'gpt-4o': model(2.5, 10, 1.25, 128_000, true),
    'gpt-4o-mini': model(0.15, 0.6, 0.075, 128_000, true),
    'gpt-4.1': model(2, 8, 0.5, 1_047_576, true),
    'gpt-4.1-mini': model(0.4, 1.6, 0.1, 1_047_576, true),
    'gpt-4.1-nano': model(0.1, 0.4, 0.025, 1_047_576, true),
    o3: model(2, 8, 0.5, 200_000, true),
    'o3-mini': model(1.1, 4.4, 0.55, 200_000, false),
    'o4-mini': model(1.1, 4.4, 0.275, 200_000, true),
  },
  deepseek: {
    'deepseek-chat': model(0.27, 1.1, 0.07, 65_536, false),
    'deepseek-reasoner': model(0.55, 2.19, 0.14, 65_536, false),
  },
  openrouter: {
    'openai/gpt-4o': model(2.5, 10, 1.25, 128_000, true),
    'openai/gpt-4o-mini': model(0.15, 0.6, 0.075, 128_000, true),
    'openai/gpt-4.1': model(2, 8, 0.5, 1_047_576, true),
    'anthropic/claude-sonnet-4': anthropic(3, 15),
    'anthropic/claude-3.5-haiku': anthropic(0.8, 4),
    'google/gemini-2.5-pro': model(1.25, 10, 0.31, 1_048_576, true),
    'deepseek/deepseek-chat': model(0.27, 1.1, 0.07, 65_536, false),
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

function model(
  input: number,
  output: number,
  cacheRead: number,
  contextWindow: number,
  vision: boolean,
): BuiltinModel {
  return { pricing: { input, output, cacheRead }, contextWindow, vision };
}

/** Anthropic bills cache reads at 10% of input and 5-minute cache writes at 125%; 200k context. */
function anthropic(input: number, output: number): BuiltinModel {
  return {
    pricing: { input, output, cacheRead: input / 10, cacheWrite: input * 1.25 },
    contextWindow: 200_000,
    vision: true,
  };
}
