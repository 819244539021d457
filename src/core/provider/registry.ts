import type { OctoConfig } from '../config/index.js';
import type { Env } from '../deps.js';
import type { ProviderInfo } from './types.js';

interface BuiltinProvider {
  baseUrl: string;
  apiKeyEnv?: string;
  /** An environment variable that, when set, replaces the default base URL. */
  baseUrlEnv?: string;
  /** Its own first-byte wait: a local server loads the model on the first request. */
  firstByteTimeoutMs?: number;
}

/** Loading a model into memory can take a minute before a local server answers at all. */
const LOCAL_FIRST_BYTE_MS = 120_000;

/** OpenAI-compatible endpoints octo knows without any configuration (docs/architecture.md "Command line"). */
export const BUILTIN_PROVIDERS: Readonly<Record<string, BuiltinProvider>> = Object.freeze({
  openai: {
    baseUrl: 'https://api.openai.com/v1',
    apiKeyEnv: 'OPENAI_API_KEY',
    baseUrlEnv: 'OPENAI_BASE_URL',
  },
  openrouter: { baseUrl: 'https://openrouter.ai/api/v1', apiKeyEnv: 'OPENROUTER_API_KEY' },
  ollama: { baseUrl: 'http://127.0.0.1:11434/v1', firstByteTimeoutMs: LOCAL_FIRST_BYTE_MS },
  lmstudio: { baseUrl: 'http://127.0.0.1:1234/v1', firstByteTimeoutMs: LOCAL_FIRST_BYTE_MS },
  deepseek: { baseUrl: 'https://api.deepseek.com/v1', apiKeyEnv: 'DEEPSEEK_API_KEY' },
  groq: { baseUrl: 'https://api.groq.com/openai/v1', apiKeyEnv: 'GROQ_API_KEY' },
  together: { baseUrl: 'https://api.together.xyz/v1', apiKeyEnv: 'TOGETHER_API_KEY' },
  mistral: { baseUrl: 'https://api.mistral.ai/v1', apiKeyEnv: 'MISTRAL_API_KEY' },
  xai: { baseUrl: 'https://api.x.ai/v1', apiKeyEnv: 'XAI_API_KEY' },
});

/** Names of every provider usable with this configuration, built-ins first. */
export function providerNames(config: OctoConfig): string[] {
  const custom = Object.keys(config.providers).filter((name) => !(name in BUILTIN_PROVIDERS));
  return [...Object.keys(BUILTIN_PROVIDERS), ...custom.sort()];
}

/**
 * The provider called `name`, built-in fields overridden by `[providers.NAME]`; null when octo knows no
 * such provider. A configured provider without a base URL comes back with `baseUrl: ''` so the caller
 * can say what is missing rather than claim the name is unknown.
 *
 * Precedence for the base URL: the config file, then the built-in's environment variable
 * (OPENAI_BASE_URL), then the built-in default — a value written into a file is the most deliberate.
 */
export function findProvider(name: string, config: OctoConfig, env: Env): ProviderInfo | null {
  const builtin = Object.hasOwn(BUILTIN_PROVIDERS, name) ? BUILTIN_PROVIDERS[name] : undefined;
  const configured = Object.hasOwn(config.providers, name) ? config.providers[name] : undefined;
  if (builtin === undefined && configured === undefined) return null;
  const fromEnv = builtin?.baseUrlEnv === undefined ? undefined : nonEmpty(env[builtin.baseUrlEnv]);
  const baseUrl = configured?.base_url ?? fromEnv ?? builtin?.baseUrl ?? '';
  const apiKeyEnv = configured?.api_key_env ?? builtin?.apiKeyEnv;
  const firstByteTimeoutMs = configured?.first_byte_timeout_ms ?? builtin?.firstByteTimeoutMs;
  return {
    name,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    ...(apiKeyEnv === undefined ? {} : { apiKeyEnv }),
    requiresKey: apiKeyEnv !== undefined,
    ...(configured?.headers === undefined ? {} : { headers: { ...configured.headers } }),
    ...(firstByteTimeoutMs === undefined ? {} : { firstByteTimeoutMs }),
  };
}

/** Every provider of `providerNames`, resolved (for `octo doctor` and completion). */
export function listProviders(config: OctoConfig, env: Env): ProviderInfo[] {
  return providerNames(config).flatMap((name) => findProvider(name, config, env) ?? []);
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
