/** How many leading bytes decide whether content is binary. */
const SNIFF_BYTES = 8192;

export type Decoded = { binary: true; bytes: number } | { binary: false; text: string; replaced: boolean };

/**
 * Decodes file or process output for a transcript: binary content is reported by size only, and
 * invalid UTF-8 becomes U+FFFD so the store stays valid (FAULTS.md row 22).
 */
export function decodeContent(buffer: Uint8Array): Decoded {
  const head = buffer.subarray(0, SNIFF_BYTES);
  if (head.includes(0)) return { binary: true, bytes: buffer.length };
  const text = new TextDecoder('utf-8', { fatal: false }).decode(buffer);
  const replacements = (text.match(/\uFFFD/g) ?? []).length;
  // Mostly undecodable bytes means binary, not text with a few bad sequences.
  if (replacements > 0 && replacements / Math.max(1, text.length) > 0.1)
    return { binary: true, bytes: buffer.length };
  return { binary: false, text, replaced: replacements > 0 };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Caps text for the context and the store, saying how much was left out. */
export function capText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const omitted = text.length - maxChars;
  return `${text.slice(0, maxChars)}\n[output capped at ${maxChars} characters; ${omitted} more characters omitted]`;
}
