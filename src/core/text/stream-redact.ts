/**
 * Redaction of text that arrives in pieces (a streamed reply shown as it comes). A secret split across
 * chunks (`sk-ab` then `c123…`) is redacted in neither alone, so the end of what has arrived is held
 * back while it could still be, or become, part of a secret, and let out redacted once it cannot:
 * - the last word (no secret format holds whitespace, so a cut at whitespace splits none);
 * - a word that could be a key whose value follows (`password = `, `"token": "a b`, `Bearer `);
 * - a line that so far reads `KEY: value` or `KEY=value` (a config line is a secret only as a whole);
 * - a `-----BEGIN` block until its `-----END …-----` line.
 * What is held is short in prose; it comes out at the next word, line or the end of the stream.
 */
import type { Redactor } from './redact.js';
import { isSecretKey } from './secret-words.js';

/** The start of a key block that has not ended yet. */
const OPEN_BLOCK = /-----BEGIN [^\n]{0,60}$|-----BEGIN(?![\s\S]*-----END [A-Z0-9 ]{0,60}-----)/;

/** A line that so far is `KEY=value`, `key: value` or `- key: value` (after a tool's line prefix). */
const ASSIGNMENT_LINE =
  /^(?:[^\s:]{1,256}:\d{1,9}: |[ \t]{0,12}\d{1,9}: |[+-])?[ \t]{0,40}(?:- )?(?:export[ \t]+)?["']?[A-Za-z_][A-Za-z0-9_.-]{0,127}["']?[ \t]{0,4}(?:=>|[=:])[ \t]{0,4}\S*[ \t]*$/;

/** A key (its separator and quoted value may still come) at the end, or its quoted value not yet followed by whitespace. */
const OPEN_ASSIGNMENT =
  /(?<![A-Za-z0-9_.-])(["']?)([A-Za-z_][A-Za-z0-9_.-]{0,127})\1[ \t]{0,4}(?:(?:=>|[=:])[ \t]{0,4}(?:"[^"\n]{0,2000}(?:"\S*)?|'[^'\n]{0,2000}(?:'\S*)?)?)?$/;

/** An authorization scheme whose token has not been seen whole yet. */
const OPEN_AUTH = /\b(?:Bearer|Basic|Token)\s*\S*$/;

/** Longer than any secret this redacts (a 4096-bit private key block is about 3,300 characters). */
const MAX_HELD = 16_384;
/** What is looked at for an open assignment: a key, its separator and a quoted value's 2,000 characters. */
const ASSIGNMENT_WINDOW = 2_200;

/** What `\s` matches in a regular expression, by code unit (the redactor's patterns split words there). */
function isSpace(code: number): boolean {
  return (
    (code >= 0x09 && code <= 0x0d) ||
    code === 0x20 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** Where the run of non-whitespace that ends at `end` starts (`end` itself after whitespace). */
function wordStart(text: string, end: number): number {
  let at = end;
  while (at > 0 && !isSpace(text.charCodeAt(at - 1))) at -= 1;
  return at;
}

/** Where the part of `text` that may still become a secret starts (text.length when none). */
export function heldFrom(text: string): number {
  let from = wordStart(text, text.length);
  // A cut is always at whitespace: no secret format holds any, so none is ever shown in two parts.
  const hold = (at: number): void => {
    const start = wordStart(text, at);
    if (start < from) from = start;
  };
  const block = OPEN_BLOCK.exec(text);
  if (block !== null) hold(block.index);
  const lineStart = text.lastIndexOf('\n') + 1;
  if (ASSIGNMENT_LINE.test(text.slice(lineStart))) hold(lineStart);
  const windowStart = Math.max(lineStart, text.length - ASSIGNMENT_WINDOW);
  const tail = text.slice(windowStart);
  const open = OPEN_ASSIGNMENT.exec(tail);
  // Only a key that names a secret has its quoted value redacted (redact.ts), so only such a key waits.
  if (open !== null && isSecretKey(open[2] ?? '')) hold(windowStart + open.index);
  const authStart = Math.max(0, from - 64);
  const auth = OPEN_AUTH.exec(text.slice(authStart));
  if (auth !== null) hold(authStart + auth.index);
  // Nothing holds a secret this long: let out all but a last stretch, so the work per chunk stays bounded.
  return Math.max(from, text.length - MAX_HELD);
}

/**
 * A held end that is one short word of letters (and a few stops): no secret format starts with 16
 * letters and nothing else (they carry digits, dashes or known prefixes that have them), and a cut
 * one is worth nothing, while a reply cut off after "arrived before" should not lose "before".
 */
const PLAIN_WORD = /^\p{L}{1,16}[.,;:!?)'"]{0,3}$/u;

/**
 * What of a stream cut off for good (an interrupted or failed reply) may be kept: the end it would still
 * hold back may be the start of a secret (`sk-proj-T3Bl`) that no pattern recognises any more, unless
 * it is a plain word.
 */
export function shownOfCut(text: string): string {
  const from = heldFrom(text);
  return PLAIN_WORD.test(text.slice(from)) ? text : text.slice(0, from);
}

/** Text without whitespace arriving after this much is looked at again (the cap above applies). */
const RECHECK_CHARS = 1_024;

export class StreamRedactor {
  private held = '';
  /** How much of `held` had been looked at. */
  private looked = 0;

  constructor(private readonly redactor: Redactor) {}

  /** What of the text so far can be shown now, redacted; the rest waits for more. */
  push(chunk: string): string {
    const text = this.held + chunk;
    // A chunk without whitespace only makes the last word longer, and that word stays held: nothing
    // new can be let out, so the text is looked at again only once whitespace or a stretch arrives.
    if (!/\s/.test(chunk) && text.length - this.looked < RECHECK_CHARS) {
      this.held = text;
      return '';
    }
    const cut = heldFrom(text);
    this.held = text.slice(cut);
    this.looked = this.held.length;
    return cut === 0 ? '' : this.redactor.redact(text.slice(0, cut));
  }

  /** The end of the stream: whatever was held, redacted. */
  end(): string {
    const rest = this.held;
    this.reset();
    return rest === '' ? '' : this.redactor.redact(rest);
  }

  /** A stream cut off for good: what was held, redacted, if it may be kept (shownOfCut); else nothing. */
  cut(): string {
    const rest = this.held;
    this.reset();
    return PLAIN_WORD.test(rest) ? this.redactor.redact(rest) : '';
  }

  /** A stream started again (a retry): what was held belongs to the attempt that was dropped. */
  reset(): void {
    this.held = '';
    this.looked = 0;
  }
}
