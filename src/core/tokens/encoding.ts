/** Which tiktoken encoding counts a model's tokens. */

export const TOKEN_ENCODINGS = ['o200k_base', 'cl100k_base'] as const;
export type TokenEncoding = (typeof TOKEN_ENCODINGS)[number];

/**
 * Families that predate o200k_base. Everything else, including models of other vendors whose own
 * tokenizers tiktoken does not have, is counted with o200k_base: the closest modern BPE, and a count
 * off by a few percent is what pressure levels are built to tolerate.
 */
const CL100K_FAMILIES = /^(gpt-4(?!o|\.\d)|gpt-3\.5|gpt-35|text-embedding-(3|ada))/i;

/** `configured` is `[providers.NAME.models."id"] encoding`; model ids may carry a gateway prefix ("openai/gpt-4"). */
export function encodingFor(modelId: string, configured?: TokenEncoding): TokenEncoding {
  if (configured !== undefined) return configured;
  const family = modelId.slice(modelId.lastIndexOf('/') + 1);
  return CL100K_FAMILIES.test(family) ? 'cl100k_base' : 'o200k_base';
}
