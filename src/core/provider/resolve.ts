import type { OctoConfig } from '../config/index.js';
import type { Env } from '../deps.js';
import { OctoError } from '../errors.js';
import { findProvider, providerNames } from './registry.js';
import type { ProviderInfo, ResolvedModel } from './types.js';

/**
 * Turns "provider:model" into the endpoint and model id to call. Splits on the FIRST colon because
 * model ids carry colons themselves (`ollama:qwen2.5-coder:7b`). Throws provider_unknown for a name
 * octo does not know and provider_unconfigured when the provider cannot be called as configured.
 * `configPath` is only used to tell the user which file to edit. With `requireKey: false` a provider
 * whose key is not set still resolves (to describe the model, never to call it).
 */
export function resolveModel(
  modelString: string,
  config: OctoConfig,
  env: Env,
  configPath?: string,
  { requireKey = true }: { requireKey?: boolean } = {},
): ResolvedModel {
  const trimmed = modelString.trim();
  const colon = trimmed.indexOf(':');
  const name = colon < 0 ? '' : trimmed.slice(0, colon);
  const modelId = colon < 0 ? '' : trimmed.slice(colon + 1);
  if (name === '' || modelId === '') {
    throw new OctoError(
      'provider_unknown',
      `Model "${modelString}" is not of the form provider:model (for example "openai:gpt-4o-mini"). ` +
        `Known providers: ${providerNames(config).join(', ')}.`,
      { details: { model: modelString } },
    );
  }
  const provider = findProvider(name, config, env);
  if (provider === null) {
    throw new OctoError(
      'provider_unknown',
      `Unknown provider "${name}" in model "${modelString}". Known providers: ${providerNames(config).join(', ')}. ` +
        `Define a new one with [providers.${name}] base_url = "..." in ${configPath ?? 'your config file'}.`,
      { details: { provider: name, model: modelString } },
    );
  }
  if (provider.baseUrl === '') {
    throw new OctoError(
      'provider_unconfigured',
      `[providers.${name}] in ${configPath ?? 'your config file'} has no base_url; add base_url = "https://.../v1".`,
      { details: { provider: name } },
    );
  }
  const resolved: ResolvedModel = { modelString: `${name}:${modelId}`, provider, modelId };
  if (requireKey && provider.requiresKey && apiKeyFor(resolved, env) === null) {
    throw new OctoError('provider_unconfigured', unconfiguredMessage(provider, configPath), {
      details: { provider: name, apiKeyEnv: provider.apiKeyEnv },
    });
  }
  return resolved;
}

/** The API key for the model's provider from `env`; null when it needs none or it is unset or blank. */
export function apiKeyFor(resolved: ResolvedModel, env: Env): string | null {
  const variable = resolved.provider.apiKeyEnv;
  if (variable === undefined) return null;
  const key = env[variable]?.trim();
  return key === undefined || key === '' ? null : key;
}

/** How to get a working model, for a first run without any key. */
export function unconfiguredMessage(provider: ProviderInfo, configPath?: string): string {
  const file = configPath ?? 'your config file';
  const variable = provider.apiKeyEnv ?? 'an API key variable';
  const own =
    provider.name === 'openai' || provider.name === 'openrouter'
      ? []
      : [`  - set ${variable} to use ${provider.name}`];
  return [
    `${provider.name} needs an API key, but ${variable} is not set.`,
    'To talk to a model, do one of:',
    ...own,
    `  - set OPENAI_API_KEY, with model = "openai:gpt-4o-mini" in ${file}`,
    '  - set OPENROUTER_API_KEY, with model = "openrouter:anthropic/claude-sonnet-4"',
    '  - run a local Ollama (`ollama serve`), with model = "ollama:qwen2.5-coder:7b"',
    '  - run the LM Studio local server, with model = "lmstudio:<model id>"',
    `  - add an OpenAI-compatible endpoint of your own to ${file}:`,
    '      [providers.NAME]',
    '      base_url = "https://host/v1"',
    '      api_key_env = "NAME_API_KEY"   # only if it needs a key',
    '    with model = "NAME:<model id>"',
    'or pass --model provider:model for one run.',
  ].join('\n');
}
