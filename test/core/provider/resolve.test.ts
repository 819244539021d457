import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/core/config/schema.js';
import { isOctoError } from '../../../src/core/errors.js';
import { apiKeyFor, listProviders, providerNames, resolveModel } from '../../../src/core/provider/index.js';

const config = (providers: Record<string, unknown> = {}) => configSchema().parse({ providers });

function thrown(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isOctoError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected an OctoError');
}

describe('resolveModel', () => {
  it('splits on the first colon only, so model ids keep theirs', () => {
    const resolved = resolveModel('ollama:qwen2.5-coder:7b', config(), {});
    expect(resolved).toEqual({
      modelString: 'ollama:qwen2.5-coder:7b',
      modelId: 'qwen2.5-coder:7b',
      provider: {
        name: 'ollama',
        baseUrl: 'http://127.0.0.1:11434/v1',
        requiresKey: false,
        // Loading a model can take a minute before a local server answers.
        firstByteTimeoutMs: 120_000,
      },
    });
  });

  it('resolves a keyed built-in when its variable is set, and reads the key from the given env', () => {
    const env = { OPENROUTER_API_KEY: ' sk-or-1 ' };
    const resolved = resolveModel('openrouter:anthropic/claude-sonnet-4', config(), env);
    expect(resolved.provider).toEqual({
      name: 'openrouter',
      baseUrl: 'https://openrouter.ai/api/v1',
      apiKeyEnv: 'OPENROUTER_API_KEY',
      requiresKey: true,
    });
    expect(resolved.modelId).toBe('anthropic/claude-sonnet-4');
    expect(apiKeyFor(resolved, env)).toBe('sk-or-1');
  });

  it('lets OPENAI_BASE_URL move the openai provider, and a config base_url win over both', () => {
    const env = { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'https://proxy.example/v1/' };
    expect(resolveModel('openai:gpt-4o', config(), env).provider.baseUrl).toBe('https://proxy.example/v1');
    const configured = config({ openai: { base_url: 'https://file.example/v1' } });
    expect(resolveModel('openai:gpt-4o', configured, env).provider.baseUrl).toBe('https://file.example/v1');
    expect(resolveModel('openai:gpt-4o', config(), { OPENAI_API_KEY: 'k' }).provider.baseUrl).toBe(
      'https://api.openai.com/v1',
    );
  });

  it('does not let OPENAI_BASE_URL move other providers', () => {
    const env = { DEEPSEEK_API_KEY: 'k', OPENAI_BASE_URL: 'https://proxy.example/v1' };
    expect(resolveModel('deepseek:deepseek-chat', config(), env).provider.baseUrl).toBe(
      'https://api.deepseek.com/v1',
    );
  });

  it('overrides a built-in field by field from [providers.NAME]', () => {
    const configured = config({ groq: { api_key_env: 'MY_GROQ', headers: { 'X-Team': 'a' } } });
    const resolved = resolveModel('groq:llama-3.3-70b', configured, { MY_GROQ: 'k' });
    expect(resolved.provider).toEqual({
      name: 'groq',
      baseUrl: 'https://api.groq.com/openai/v1',
      apiKeyEnv: 'MY_GROQ',
      requiresKey: true,
      headers: { 'X-Team': 'a' },
    });
  });

  it('resolves a custom provider: keyless without api_key_env, keyed with it', () => {
    const configured = config({
      box: { base_url: 'http://10.0.0.5:8000/v1' },
      corp: { base_url: 'https://llm.corp/v1', api_key_env: 'CORP_KEY' },
    });
    expect(resolveModel('box:llama', configured, {}).provider).toEqual({
      name: 'box',
      baseUrl: 'http://10.0.0.5:8000/v1',
      requiresKey: false,
    });
    expect(thrown(() => resolveModel('corp:m', configured, {})).code).toBe('provider_unconfigured');
    expect(resolveModel('corp:m', configured, { CORP_KEY: 'k' }).provider.requiresKey).toBe(true);
  });

  it('refuses a custom provider without a base_url, naming the file to edit', () => {
    const error = thrown(() =>
      resolveModel('half:m', config({ half: {} }), {}, '/home/u/.config/octo/config.toml'),
    );
    expect(error).toEqual({
      code: 'provider_unconfigured',
      message:
        '[providers.half] in /home/u/.config/octo/config.toml has no base_url; add base_url = "https://.../v1".',
    });
  });

  it('names an unknown provider and the known ones', () => {
    const error = thrown(() =>
      resolveModel('antropic:claude', config({ box: { base_url: 'http://h/v1' } }), {}),
    );
    expect(error.code).toBe('provider_unknown');
    expect(error.message).toContain('Unknown provider "antropic"');
    expect(error.message).toContain(
      'openai, openrouter, ollama, lmstudio, deepseek, groq, together, mistral, xai, box',
    );
  });

  it('refuses a model string without a provider or without a model', () => {
    expect(thrown(() => resolveModel('gpt-4o', config(), {})).code).toBe('provider_unknown');
    expect(thrown(() => resolveModel('openai:', config(), {})).code).toBe('provider_unknown');
  });

  it('explains every way to configure a model when the key is missing or blank', () => {
    const error = thrown(() =>
      resolveModel('openai:gpt-4o-mini', config(), { OPENAI_API_KEY: '  ' }, '/cfg/config.toml'),
    );
    expect(error.code).toBe('provider_unconfigured');
    for (const hint of [
      'openai needs an API key, but OPENAI_API_KEY is not set.',
      'set OPENAI_API_KEY, with model = "openai:gpt-4o-mini" in /cfg/config.toml',
      'set OPENROUTER_API_KEY, with model = "openrouter:',
      '`ollama serve`), with model = "ollama:qwen2.5-coder:7b"',
      'model = "lmstudio:',
      '[providers.NAME]',
      'base_url = "https://host/v1"',
    ]) {
      expect(error.message).toContain(hint);
    }
  });

  it("puts the requested provider's own variable first for other built-ins", () => {
    const error = thrown(() => resolveModel('mistral:mistral-large', config(), {}));
    expect(error.message.split('\n').slice(0, 3)).toEqual([
      'mistral needs an API key, but MISTRAL_API_KEY is not set.',
      'To talk to a model, do one of:',
      '  - set MISTRAL_API_KEY to use mistral',
    ]);
  });
});

describe('the provider table', () => {
  it('lists built-ins first, then custom providers by name', () => {
    const configured = config({
      zeta: { base_url: 'http://z/v1' },
      alpha: { base_url: 'http://a/v1' },
      openai: {},
    });
    expect(providerNames(configured)).toEqual([
      ...['openai', 'openrouter', 'ollama', 'lmstudio', 'deepseek', 'groq', 'together', 'mistral', 'xai'],
      'alpha',
      'zeta',
    ]);
    expect(listProviders(configured, {}).map((p) => [p.name, p.requiresKey])).toContainEqual([
      'lmstudio',
      false,
    ]);
  });
});
