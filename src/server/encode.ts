import { toJsonText } from '../core/text/index.js';

/**
 * A frame as JSON text, with every character a terminal would act on escaped (`\u009b`): a daemon's
 * `--format jsonl` may be read on one, and so may what a client logs.
 */
export function encodeFrame(frame: object): string {
  return toJsonText(frame);
}
