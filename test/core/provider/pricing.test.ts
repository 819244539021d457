import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/core/config/schema.js';
import {
  contextWindowFor,
  costOf,
  priceFor,
  requestCost,
  resolveModel,
  supportsVideo,
  supportsVision,
} from '../../../src/core/provider/index.js';
import type { Usage } from '../../../src/core/store/records.js';

const env = { OPENAI_API_KEY: 'k', OPENROUTER_API_KEY: 'k', DEEPSEEK_API_KEY: 'k', GROQ_API_KEY: 'k' };
const config = (providers: Record<string, unknown> = {}) => configSchema().parse({ providers });
const model = (modelString: string, providers: Record<string, unknown> = {}) =>
  resolveModel(modelString, config(providers), env);
const usage = (fields: Partial<Usage>): Usage => ({
  input: 0,
  output: 0,
  cacheRead: 0,
  cacheWrite: 0,
  reasoning: 0,
  ...fields,
});

describe('priceFor', () => {
  it('knows the list price of common models, dated snapshots included', () => {
    expect(priceFor(model('openai:gpt-4o-mini'), config())).toEqual({
      input: 0.15,
      output: 0.6,
      cacheRead: 0.075,
    });
    expect(priceFor(model('openai:gpt-4o-2024-08-06'), config())).toEqual({
      input: 2.5,
      output: 10,
      cacheRead: 1.25,
    });
    expect(priceFor(model('deepseek:deepseek-reasoner'), config())?.output).toBe(2.19);
    expect(priceFor(model('openrouter:anthropic/claude-sonnet-4'), config())).toEqual({
      input: 3,
      output: 15,
      cacheRead: 0.3,
      cacheWrite: 3.75,
    });
  });

  it('does not confuse a model with a longer name sharing its prefix', () => {
    expect(priceFor(model('openai:gpt-4o-mini-tts'), config())).toBeNull();
  });

  it('lets the config price a model per provider, over the built-in table', () => {
    const providers = { openai: { pricing: { 'gpt-4o': { input: 1, output: 2, cache_write: 1.5 } } } };
    expect(priceFor(model('openai:gpt-4o', providers), config(providers))).toEqual({
      input: 1,
      output: 2,
      cacheWrite: 1.5,
    });
  });

  it('returns null for a model nobody priced, never zero', () => {
    expect(priceFor(model('groq:llama-3.3-70b'), config())).toBeNull();
    expect(
      priceFor(
        model('openai:gpt-4o', {}),
        config({ openai: { pricing: { other: { input: 1, output: 1 } } } }),
      ),
    ).not.toBeNull();
  });

  it('prices models on the local machine at zero', () => {
    expect(priceFor(model('ollama:qwen2.5-coder:7b'), config())).toEqual({ input: 0, output: 0 });
  });
});

describe('costOf and requestCost', () => {
  const pricing = { input: 2, output: 8, cacheRead: 0.5, cacheWrite: 2.5 };

  it('charges uncached input, cache reads, cache writes and output at their own rates', () => {
    const cost = costOf(
      usage({ input: 1_000_000, cacheRead: 400_000, cacheWrite: 100_000, output: 250_000 }),
      pricing,
    );
    // 500k uncached at $2 + 400k at $0.5 + 100k at $2.5 + 250k at $8
    expect(cost).toBeCloseTo(1 + 0.2 + 0.25 + 2, 10);
  });

  it('falls back to the input rate for cache tiers the price list lacks', () => {
    const cost = costOf(usage({ input: 1_000_000, cacheRead: 500_000, cacheWrite: 500_000 }), {
      input: 3,
      output: 0,
    });
    expect(cost).toBeCloseTo(3, 10);
  });

  it('counts reasoning tokens once, as part of output', () => {
    expect(costOf(usage({ output: 1_000_000, reasoning: 900_000 }), pricing)).toBeCloseTo(8, 10);
  });

  it("prefers the provider's own figure, including a zero it states", () => {
    expect(requestCost(usage({ input: 1_000_000 }), 0.0123, pricing)).toBe(0.0123);
    expect(requestCost(usage({ input: 1_000_000 }), 0, pricing)).toBe(0);
    expect(requestCost(null, 0.5, null)).toBe(0.5);
  });

  it('is unknown (null) without a price or without usage', () => {
    expect(requestCost(usage({ input: 10 }), null, null)).toBeNull();
    expect(requestCost(null, null, pricing)).toBeNull();
  });

  it('computes from usage when the provider figure is absent or nonsense', () => {
    expect(requestCost(usage({ output: 1_000_000 }), null, pricing)).toBe(8);
    expect(requestCost(usage({ output: 1_000_000 }), Number.NaN, pricing)).toBe(8);
  });
});

describe('model facts', () => {
  it('knows built-in context windows and lets the config override them', () => {
    expect(contextWindowFor(model('openai:gpt-4.1-mini'), config())).toBe(1_047_576);
    expect(contextWindowFor(model('openrouter:anthropic/claude-sonnet-4'), config())).toBe(200_000);
    const providers = { openai: { models: { 'gpt-4o': { context_window: 64_000 } } } };
    expect(contextWindowFor(model('openai:gpt-4o'), config(providers))).toBe(64_000);
    expect(contextWindowFor(model('groq:llama-3.3-70b'), config())).toBeNull();
  });

  it('assumes vision for gpt-4o, gpt-4.1 and claude families, and not for text-only models', () => {
    expect(supportsVision(model('openai:gpt-4o-mini'), config())).toBe(true);
    expect(supportsVision(model('openai:gpt-4.1-nano'), config())).toBe(true);
    expect(supportsVision(model('openrouter:anthropic/claude-3.7-sonnet'), config())).toBe(true);
    expect(supportsVision(model('openai:o3-mini'), config())).toBe(false);
    expect(supportsVision(model('deepseek:deepseek-chat'), config())).toBe(false);
    expect(supportsVision(model('ollama:qwen2.5-coder:7b'), config())).toBe(false);
  });

  it('follows the config flags for vision and video', () => {
    const providers = { ollama: { models: { 'llava:13b': { vision: false, video: true } } } };
    expect(supportsVision(model('ollama:llava:13b'), config())).toBe(true);
    expect(supportsVision(model('ollama:llava:13b'), config(providers))).toBe(false);
    expect(supportsVideo(model('ollama:llava:13b'), config(providers))).toBe(true);
    expect(supportsVideo(model('openai:gpt-4o'), config())).toBe(false);
  });
});
