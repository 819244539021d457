import { parseModelString, type OctoConfig } from '../config/index.js';
import { isOctoError } from '../errors.js';
import type { ModelService, ResolvedModel } from '../provider/index.js';
import { encodingFor, type TokenEncoding } from '../tokens/index.js';

export interface ModelFacts {
  /** Null when the model cannot be resolved now (e.g. its provider is not configured). */
  resolved: ResolvedModel | null;
  window: number | null;
  encoding: TokenEncoding;
}

/** What counting and pressure levels need of a model string; never throws for a misconfigured provider. */
export function modelFacts(modelString: string, models: ModelService, config: OctoConfig): ModelFacts {
  const parsed = parseModelString(modelString);
  const encoding = encodingFor(
    parsed?.model ?? '',
    configuredEncoding(parsed?.provider, parsed?.model, config),
  );
  let resolved: ResolvedModel | null = null;
  try {
    resolved = models.resolve(modelString);
  } catch (error) {
    // An unconfigured provider has no known window; the turn reports the real problem when it sends.
    if (!isOctoError(error)) throw error;
  }
  // A model that cannot be called yet (no key) still has its window, from the config or the table.
  const window = resolved === null ? models.windowOf(modelString) : models.contextWindow(resolved);
  return { resolved, window, encoding };
}

function configuredEncoding(
  provider: string | undefined,
  model: string | undefined,
  config: OctoConfig,
): TokenEncoding | undefined {
  if (provider === undefined || model === undefined || !Object.hasOwn(config.providers, provider))
    return undefined;
  const models = config.providers[provider]?.models ?? {};
  return Object.hasOwn(models, model) ? models[model]?.encoding : undefined;
}
