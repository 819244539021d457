import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { getErrorMessage } from '../errors.js';
import { decodeContent } from '../text/index.js';
import { BoundedMatcher } from './bounded-matcher.js';
import { budgetNote, runWithinBudget } from './budget.js';
import { confinePath } from './confine.js';
import { defineTool, failure } from './define.js';
import { walkFiles } from './walk.js';
import { lazily } from '../lazy.js';

/** Matches returned at most; the model narrows the search rather than read thousands of lines. */
const MAX_MATCHES = 200;
/** Larger files are mostly generated or data; skipping them keeps a search fast. */
const MAX_SEARCH_FILE_BYTES = 1024 * 1024;
/** A matched line is shown up to this many characters. */
const MAX_LINE_CHARS = 200;
/** Lines are tested up to this length, bounding the cost of a pathological expression. */
const MAX_TESTED_CHARS = 4096;
/** Characters of lines sent to the pattern thread at once: few round trips, little waiting memory. */
const BATCH_CHARS = 256 * 1024;

const argsSchema = lazily(() =>
  z.object({
    pattern: z.string().min(1),
    path: z.string().default('.'),
    case_sensitive: z.boolean().default(true),
  }),
);

const flagsOf = (caseSensitive: boolean): string => (caseSensitive ? 'u' : 'iu');

/** Compiling is linear in the pattern; only running it can take exponential time. */
function compileError(pattern: string, caseSensitive: boolean): string | null {
  try {
    new RegExp(pattern, flagsOf(caseSensitive));
    return null;
  } catch (error) {
    return getErrorMessage(error);
  }
}

async function fileLines(absolute: string, signal: AbortSignal): Promise<string[]> {
  const info = await stat(absolute);
  if (!info.isFile() || info.size > MAX_SEARCH_FILE_BYTES) return [];
  const decoded = decodeContent(await readFile(absolute, { signal }));
  return decoded.binary ? [] : decoded.text.split('\n');
}

/** Lines of several files, tested in one round trip; a hit's index finds its file and line again. */
class Batch {
  readonly texts: string[] = [];
  /** Characters in `texts`. */
  size = 0;
  private readonly starts: Array<{ file: string; at: number }> = [];

  add(file: string, lines: readonly string[]): void {
    this.starts.push({ file, at: this.texts.length });
    for (const line of lines) {
      const tested = line.slice(0, MAX_TESTED_CHARS);
      this.texts.push(tested);
      this.size += tested.length;
    }
  }

  describe(index: number): string {
    const start = this.starts.findLast((s) => s.at <= index) ?? { file: '', at: 0 };
    const text = (this.texts[index] ?? '').trim().slice(0, MAX_LINE_CHARS);
    return `${start.file}:${index - start.at + 1}: ${text}`;
  }
}

export const searchTextTool = defineTool({
  access: 'read',
  args: argsSchema,
  schema: {
    name: 'search_text',
    description: `Search the project's text files for a regular expression (JavaScript syntax), skipping what .gitignore excludes. Returns file:line: text, at most ${MAX_MATCHES} matches; a search that runs out of its time budget returns what it found so far.`,
    parameters: {
      type: 'object',
      properties: {
        pattern: { type: 'string', description: 'Regular expression' },
        path: {
          type: 'string',
          description: 'Folder or file relative to the project directory (default: all)',
        },
        case_sensitive: { type: 'boolean', description: 'Default true' },
      },
      required: ['pattern'],
      additionalProperties: false,
    },
  },
  check(args) {
    const error = compileError(args.pattern, args.case_sensitive);
    if (error !== null) return failure(`Invalid regular expression: ${error}`);
    return { summary: `search ${args.pattern}`, detail: '' };
  },
  async run(args, context) {
    const error = compileError(args.pattern, args.case_sensitive);
    if (error !== null) return failure(`Invalid regular expression: ${error}`);
    const target = await confinePath(context.projectDir, args.path);
    if (!target.ok) return failure(target.reason);
    const single = (await stat(target.absolute)).isFile();
    const found: string[] = [];
    let searched = 0;
    const outcome = await runWithinBudget(context, async (signal) => {
      const matcher = new BoundedMatcher(
        { kind: 'regex', source: args.pattern, flags: flagsOf(args.case_sensitive) },
        signal,
      );
      const flush = async (batch: Batch): Promise<boolean> => {
        const end = await matcher.match(batch.texts, (index) => {
          if (found.length < MAX_MATCHES) found.push(batch.describe(index));
        });
        signal.throwIfAborted();
        return end === 'done' && found.length < MAX_MATCHES;
      };
      try {
        const files = single
          ? [target.relative]
          : walkFiles({ root: context.projectDir, start: target.relative, signal });
        let batch = new Batch();
        for await (const file of files) {
          batch.add(file, await fileLines(path.join(context.projectDir, file), signal));
          searched += 1;
          if (batch.size < BATCH_CHARS) continue;
          if (!(await flush(batch))) return;
          batch = new Batch();
        }
        await flush(batch);
      } finally {
        await matcher.close();
      }
    });
    const over = outcome.kind === 'overBudget';
    const lines = found.length === 0 && !over ? ['No matches.'] : [...found];
    if (outcome.kind === 'overBudget') {
      lines.push(
        budgetNote(
          outcome.budgetMs,
          `${searched} file${searched === 1 ? '' : 's'} searched, ${found.length} match${found.length === 1 ? '' : 'es'} found before it`,
          'A pattern with nested repetition such as (a+)+ can take exponential time: simplify it, or narrow the path',
        ),
      );
    } else if (found.length >= MAX_MATCHES) {
      lines.push(`[stopped at ${MAX_MATCHES} matches; narrow the pattern or the path]`);
    }
    return { ok: true, content: lines.join('\n') };
  },
});
