/* eslint-disable no-control-regex -- matching terminal control characters is what this file is for */
import { sanitizeText } from '../../core/text/index.js';

/** An escape sequence cut by a chunk boundary is at most this long; longer tails are released. */
const HOLD_BACK_CHARS = 64;
/** ESC and the C1 introducers sanitizeText recognises (CSI, DCS, SOS, OSC, PM, APC). */
const INTRODUCER = /[\u001b\u0090\u0098\u009b\u009d\u009e\u009f]/g;
/** A tail that already holds a whole sequence needs no more text. */
const COMPLETE = [
  /^(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]/,
  /^(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)/,
  /^\u001b(?![[\]PX^_])[ -~]/,
];

/**
 * Sanitises streamed text chunk by chunk. A sequence split across chunks ("\x1b" then "[31m") would
 * otherwise leave visible debris ("[31m"), so a short tail that starts an unfinished escape waits for
 * the next chunk. Whatever is released has gone through sanitizeText: no ESC or C1 byte ever passes.
 */
export class StreamSanitizer {
  private pending = '';

  push(chunk: string): string {
    const text = this.pending + chunk;
    const cut = this.releasableLength(text);
    this.pending = text.slice(cut);
    return sanitizeText(text.slice(0, cut));
  }

  flush(): string {
    const rest = sanitizeText(this.pending);
    this.pending = '';
    return rest;
  }

  private releasableLength(text: string): number {
    const last = [...text.matchAll(INTRODUCER)].at(-1)?.index;
    if (last !== undefined && text.length - last < HOLD_BACK_CHARS) {
      const tail = text.slice(last);
      if (!COMPLETE.some((pattern) => pattern.test(tail))) return last;
    }
    // A CR may be the first half of a CRLF that the next chunk completes.
    return text.endsWith('\r') ? text.length - 1 : text.length;
  }
}
