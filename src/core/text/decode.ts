import { withThousands } from './numbers.js';

/** How many leading bytes decide whether content is binary. */
const SNIFF_BYTES = 8192;

export type Decoded = { binary: true; bytes: number } | { binary: false; text: string; replaced: boolean };

/**
 * Decodes file or process output for a transcript: binary content is reported by size only, and
 * invalid UTF-8 becomes U+FFFD so the store stays valid (docs/faults.md row 22).
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

/** Of a capped text, the share kept from its beginning; the end gets the rest (errors and exit codes come last). */
const HEAD_SHARE = 0.4;

/** How many characters of `max` go to the head and to the tail of a capped text. */
export function capShares(max: number): { head: number; tail: number } {
  const head = Math.floor(max * HEAD_SHARE);
  return { head, tail: Math.max(0, max - head) };
}

/** `text.slice(0, end)` that never ends between the two halves of a surrogate pair. */
export function headOf(text: string, end: number): string {
  const cut = Math.max(0, Math.min(end, text.length));
  return /[\uD800-\uDBFF]/.test(text.charAt(cut - 1)) ? text.slice(0, cut - 1) : text.slice(0, cut);
}

/** The last `count` characters of `text`, never starting between the two halves of a surrogate pair. */
export function tailOf(text: string, count: number): string {
  const start = Math.max(0, text.length - Math.max(0, count));
  return /[\uDC00-\uDFFF]/.test(text.charAt(start)) ? text.slice(start + 1) : text.slice(start);
}

/**
 * Caps text for the context and the store at `maxChars` kept characters: its beginning and its end
 * (where errors are), with the true number of characters left out between them stated.
 */
export function capText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const shares = capShares(maxChars);
  const head = headOf(text, shares.head);
  const tail = tailOf(text, shares.tail);
  const omitted = text.length - head.length - tail.length;
  return `${head}\n[… ${withThousands(omitted)} characters omitted from the middle of ${withThousands(text.length)}; the first ${withThousands(head.length)} and the last ${withThousands(tail.length)} are kept …]\n${tail}`;
}
