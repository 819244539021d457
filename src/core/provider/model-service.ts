import { parseModelString, type OctoConfig } from '../config/index.js';
import { isOctoError, type OctoError } from '../errors.js';
import type { Env } from '../deps.js';
import { contextWindowFor, supportsVideo, supportsVision } from './model-info.js';
import { priceFor, requestCost } from './pricing.js';
import { resolveModel } from './resolve.js';
import type { ChatClient, ChatClientOptions, ResolvedModel } from './types.js';
import type { Usage } from '../store/index.js';

/** What a session needs from the provider domain, wired by the workspace. */
export interface ModelService {
  /** Throws OctoError provider_unknown / provider_unconfigured. */
  resolve(modelString: string): ResolvedModel;
  cost(model: ResolvedModel, usage: Usage | null, providerCost: number | null): number | null;
  contextWindow(model: ResolvedModel): number | null;
  /**
   * The window of a model that cannot be called yet (its key is not set): from the config and the
   * table, so the context is measured against it before the first request. Null when unknown.
   */
  windowOf(modelString: string): number | null;
  acceptsVideo(model: ResolvedModel): boolean;
  acceptsImages(model: ResolvedModel): boolean;
  /** The chat client, loaded on first use (keeps the openai package off the start-up path). */
  client(): Promise<ChatClient>;
}

export interface ModelServiceOptions {
  /** The configuration in force, read at each use (an approval in the workspace changes it). */
  config: () => OctoConfig;
  /** An error when a provider may not be used (the project's own, not approved); null when it may. */
  refuse?: (provider: string) => OctoError | null;
  env: Env;
  userConfigPath: string;
  fetch?: typeof fetch;
}

/** Binds the provider domain to one configuration and environment. */
export function createModelService(options: ModelServiceOptions): ModelService {
  const { config, env } = options;
  let client: Promise<ChatClient> | null = null;
  const refusal = (modelString: string): OctoError | null =>
    options.refuse?.(parseModelString(modelString.trim())?.provider ?? '') ?? null;
  return {
    resolve: (modelString) => {
      const refused = refusal(modelString);
      if (refused !== null) throw refused;
      return resolveModel(modelString, config(), env, options.userConfigPath);
    },
    windowOf: (modelString) => {
      if (refusal(modelString) !== null) return null;
      try {
        const described = resolveModel(modelString, config(), env, undefined, { requireKey: false });
        return contextWindowFor(described, config());
      } catch (error) {
        // An unknown provider or no base_url: nothing to measure against.
        if (!isOctoError(error)) throw error;
        return null;
      }
    },
    cost: (model, usage, providerCost) => requestCost(usage, providerCost, priceFor(model, config())),
    contextWindow: (model) => contextWindowFor(model, config()),
    acceptsVideo: (model) => supportsVideo(model, config()),
    acceptsImages: (model) => supportsVision(model, config()),
    client: () => {
      const loading =
        client ??
        loadChatClient({ env, config: config(), ...(options.fetch ? { fetch: options.fetch } : {}) });
      client = loading;
      return loading;
    },
  };
}

/** The OpenAI-compatible chat client, imported on demand. */
export async function loadChatClient(options: ChatClientOptions): Promise<ChatClient> {
  const { createChatClient } = await import('./openai-client.js');
  if (options.fetch === undefined) warmFetch();
  return createChatClient(options);
}

/**
 * Loads undici now: the SDK builds each request's headers with `Headers` and the client's fetch
 * (http-fetch.ts) answers with a `Response`, both undici's, which node loads on first use, 30-60 ms
 * that no event can interrupt (and it starts compiling undici's WebAssembly parser, which octo's
 * fetch never runs). Here, where the client loads while a turn's first records are flushed, that
 * overlaps the flush rather than delaying the request. Reading `Headers` is what loads it.
 */
function warmFetch(): void {
  void globalThis.Headers;
}
