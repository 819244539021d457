/** The summarising model of a session: which one, its client, its window, and the structured output it is asked for. */
import type { OctoConfig } from '../config/index.js';
import { getErrorMessage, isOctoError } from '../errors.js';
import type { ModelService } from '../provider/index.js';
import type { TokenEncoding } from '../tokens/index.js';
import type { Summariser } from './compress.js';
import { ASSUMED_WINDOW } from './levels.js';
import { modelFacts } from './model-facts.js';
import { structuredOutputFor } from './structured-output.js';

export interface SummariserPick {
  /** compression.model, else the session's model. */
  modelString: string;
  config: OctoConfig;
  /** Models that refused `response_format` in this session: they are asked without it. */
  refused: Set<string>;
}

export type OpenedSummariser =
  { summariser: Summariser; window: number; encoding: TokenEncoding } | { reason: string };

/**
 * Resolves the summariser and loads its client; one that cannot be used fails the compression, not
 * the turn. Its window is the configured or built-in one, else the one the pressure levels assume.
 */
export async function openSummariser(models: ModelService, pick: SummariserPick): Promise<OpenedSummariser> {
  try {
    const model = models.resolve(pick.modelString);
    const client = await models.client();
    const facts = modelFacts(pick.modelString, models, pick.config);
    const output = pick.refused.has(pick.modelString)
      ? 'off'
      : structuredOutputFor(model, pick.config.compression);
    return {
      summariser: { client, model, output, onFormatRefused: () => pick.refused.add(pick.modelString) },
      window: facts.window ?? ASSUMED_WINDOW,
      encoding: facts.encoding,
    };
  } catch (error) {
    if (!isOctoError(error)) throw error;
    return { reason: getErrorMessage(error) };
  }
}
