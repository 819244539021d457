/**
 * `octo --version` and `octo --help` (and `octo run --help`, ...) without the command line's bundle:
 * bin/octo.js loads this small file of its own for exactly these forms, so printing a line costs about
 * what node's own start does (README, "Performance"). Any other argument list goes to the full parser, which
 * answers the same forms the same way (test/cli/quick.test.ts holds the two together).
 */
import { writeSync } from 'node:fs';
import { helpText } from './help.js';
import type { HelpTopic } from './parse.js';
import { packageVersion } from './version.js';

const HELP = new Set(['-h', '--help']);
const VERSION = new Set(['-v', '--version']);
const TOPICS = new Set<HelpTopic>(['run', 'sessions', 'doctor']);

function isTopic(word: string): word is HelpTopic {
  return TOPICS.has(word as HelpTopic);
}

/** The text to print for `argv`, or null when it is not one of the quick forms. */
export function quickAnswer(argv: readonly string[]): string | null {
  const [first, second, ...rest] = argv;
  if (first === undefined || rest.length > 0) return null;
  const topic: HelpTopic | null = second === undefined ? 'main' : isTopic(first) ? first : null;
  const flag = second ?? first;
  if (topic === null) return null;
  if (HELP.has(flag)) return helpText(topic);
  if (VERSION.has(flag)) return `${packageVersion()}\n`;
  return null;
}

/** Prints the quick answer and returns true, or returns false for the full command line to handle. */
export function printQuick(argv: readonly string[]): boolean {
  const text = quickAnswer(argv);
  if (text === null) return false;
  writeStdout(text);
  return true;
}

/**
 * Writes `text` to fd 1 directly: `process.stdout` alone (a terminal's stream set up with its handle)
 * costs about a tenth of node's own start. A pipe the reader closed first (`octo --help | head -1`) is
 * the reader's choice, as in main.ts; a descriptor left non-blocking by the parent that is full takes
 * the rest through the stream, which waits for it.
 */
function writeStdout(text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(1, bytes, offset);
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      if (code === 'EAGAIN') {
        process.stdout.on('error', failed);
        process.stdout.write(bytes.subarray(offset));
        return;
      }
      failed({ code, message });
    }
  }
}

function failed(error: { code?: string; message: string }): never {
  if (error.code === 'EPIPE') process.exit(0);
  process.stderr.write(`octo: cannot write to stdout: ${error.message}\n`);
  process.exit(1);
}
