/** Token counting: tiktoken in a worker thread, loaded on first use, with a per-text cache. */
import { TokenCounter } from './counter.js';
import { WorkerTokenizer, type Tokenizer } from './tokenizer.js';

export { TokenCounter, countItem, countKey, type CountItem } from './counter.js';
export { TOKEN_ENCODINGS, encodingFor, type TokenEncoding } from './encoding.js';
export { estimateTokens, tokenUpperBound } from './estimate.js';
export { readTokenCache, tokenCachePath, writeTokenCache } from './cache-file.js';
export { WorkerTokenizer, type Tokenizer } from './tokenizer.js';

/** One counter per workspace: the thread starts on the first exact count, not before. */
export function createTokenCounter(tokenizer: Tokenizer = new WorkerTokenizer()): TokenCounter {
  return new TokenCounter(tokenizer);
}
