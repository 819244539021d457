/**
 * JSON for a terminal or a pipe that ends in one (docs/faults.md row 39). JSON.stringify escapes C0 controls
 * but writes DEL, the C1 range (U+009B is a CSI on many terminals), bidi overrides and isolates, and
 * line/paragraph separators raw. Escaping them as `\uXXXX` keeps the value identical when parsed.
 */

// Outside JSON strings the output is ASCII, so every match is inside a string, where `\uXXXX` is exact.
const RAW_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** One UTF-16 unit as a JSON `\uXXXX` escape. */
export function jsonEscape(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * The value of a JSON text, or `undefined` when it is not JSON (no JSON text parses to `undefined`):
 * for what comes from outside (a model's arguments, a file, a pipe), where a broken text is expected.
 */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/** `JSON.stringify(value, null, indent)` with no character a terminal would act on. */
export function toJsonText(value: unknown, indent?: number): string {
  // Only undefined, a function or a symbol stringify to nothing; as a document they are null.
  const text = JSON.stringify(value, null, indent) ?? 'null';
  return text.replace(RAW_IN_JSON, jsonEscape);
}
