/**
 * A fast estimate of tokens (about four characters a token for English and code), used until the
 * tokenizer is loaded and for anything that must not wait for it.
 */
const CHARS_PER_TOKEN = 4;

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/**
 * A bound no byte-level BPE count can exceed: every token stands for at least one UTF-8 byte. Decisions
 * that must match the exact count (whether to compress) can be taken from it without the tokenizer
 * whenever the bound is already below the line.
 */
export function tokenUpperBound(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
