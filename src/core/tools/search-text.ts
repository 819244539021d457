import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { getErrorMessage } from '../errors.js';
import { decodeContent } from '../text/decode.js';
import { confinePath } from './confine.js';
import { defineTool, failure } from './define.js';
import { walkFiles } from './walk.js';

/** Matches returned at most; the model narrows the search rather than read thousands of lines. */
const MAX_MATCHES = 200;
/** Larger files are mostly generated or data; skipping them keeps a search fast. */
const MAX_SEARCH_FILE_BYTES = 1024 * 1024;
/** A matched line is shown up to this many characters. */
const MAX_LINE_CHARS = 200;
/** Lines are tested up to this length, bounding the cost of a pathological expression. */
const MAX_TESTED_CHARS = 4096;

const argsSchema = z.object({
  pattern: z.string().min(1),
  path: z.string().default('.'),
  case_sensitive: z.boolean().default(true),
});

function compile(pattern: string, caseSensitive: boolean): RegExp | string {
  try {
    return new RegExp(pattern, caseSensitive ? 'u' : 'iu');
  } catch (error) {
    return getErrorMessage(error);
  }
}

async function searchFile(
  absolute: string,
  regex: RegExp,
  signal: AbortSignal,
): Promise<Array<[number, string]>> {
  const info = await stat(absolute);
  if (!info.isFile() || info.size > MAX_SEARCH_FILE_BYTES) return [];
  const decoded = decodeContent(await readFile(absolute, { signal }));
  if (decoded.binary) return [];
  const hits: Array<[number, string]> = [];
  decoded.text.split('\n').forEach((line, index) => {
    if (regex.test(line.slice(0, MAX_TESTED_CHARS)))
      hits.push([index + 1, line.trim().slice(0, MAX_LINE_CHARS)]);
  });
  return hits;
}

export const searchTextTool = defineTool({
  access: 'read',
  args: argsSchema,
  schema: {
    name: 'search_text',
    description: `Search the project's text files for a regular expression (JavaScript syntax), skipping what .gitignore excludes. Returns file:line: text, at most ${MAX_MATCHES} matches.`,
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
    const regex = compile(args.pattern, args.case_sensitive);
    if (typeof regex === 'string') return failure(`Invalid regular expression: ${regex}`);
    return { summary: `search ${args.pattern}`, detail: '' };
  },
  async run(args, context) {
    const regex = compile(args.pattern, args.case_sensitive);
    if (typeof regex === 'string') return failure(`Invalid regular expression: ${regex}`);
    const target = await confinePath(context.projectDir, args.path);
    if (!target.ok) return failure(target.reason);
    const single = (await stat(target.absolute)).isFile();
    const files = single
      ? [target.relative]
      : walkFiles({ root: context.projectDir, start: target.relative, signal: context.signal });
    const lines: string[] = [];
    for await (const file of files) {
      for (const [line, text] of await searchFile(
        path.join(context.projectDir, file),
        regex,
        context.signal,
      )) {
        lines.push(`${file}:${line}: ${text}`);
        if (lines.length >= MAX_MATCHES) {
          return {
            ok: true,
            content: `${lines.join('\n')}\n[stopped at ${MAX_MATCHES} matches; narrow the pattern or the path]`,
          };
        }
      }
    }
    return { ok: true, content: lines.length === 0 ? 'No matches.' : lines.join('\n') };
  },
});
