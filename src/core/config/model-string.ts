/** Provider names: the keys of `[providers.<name>]` and the part of a model string before the first colon. */
export const PROVIDER_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]*$/i;

export interface ModelString {
  provider: string;
  model: string;
}

/**
 * Splits "provider:model" on the FIRST colon, because model ids may contain colons themselves
 * (`ollama:qwen2.5-coder:7b`). Null when the string is not of that shape.
 */
export function parseModelString(value: string): ModelString | null {
  const colon = value.indexOf(':');
  if (colon < 0) return null;
  const provider = value.slice(0, colon);
  const model = value.slice(colon + 1);
  if (!PROVIDER_NAME_PATTERN.test(provider)) return null;
  // Whitespace or control characters are never part of a model id; they are a typo or a paste accident.
  if (model === '' || /[\s\p{Cc}]/u.test(model)) return null;
  return { provider, model };
}
