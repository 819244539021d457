import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import * as z from 'zod';
import { decodeContent, formatBytes } from '../text/index.js';
import { budgetNote, runWithinBudget } from './budget.js';
import { confinePath } from './confine.js';
import { defineTool, failure } from './define.js';
import type { ToolContext, ToolResult } from './types.js';
import { lazily } from '../lazy.js';

/** Larger files are never read whole (nor edited); a line range of one is read as a stream. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** Lines of a range returned at most from a large file: the model asks for the next range. */
const MAX_RANGE_LINES = 2000;

const argsSchema = lazily(() =>
  z.object({
    path: z.string().min(1),
    start_line: z.number().int().positive().optional(),
    end_line: z.number().int().positive().optional(),
  }),
);

export const readFileTool = defineTool({
  access: 'read',
  args: argsSchema,
  schema: {
    name: 'read_file',
    description:
      'Read a text file of the project. Paths are relative to the project directory. Optionally give 1-based start_line and end_line to read a range.',
    parameters: {
      type: 'object',
      properties: {
        path: { type: 'string', description: 'File path relative to the project directory' },
        start_line: { type: 'integer', minimum: 1 },
        end_line: { type: 'integer', minimum: 1 },
      },
      required: ['path'],
      additionalProperties: false,
    },
  },
  check: (args) => ({ summary: `read ${args.path}`, detail: '' }),
  async run(args, context) {
    const target = await confinePath(context.projectDir, args.path, context.allowedDirs);
    if (!target.ok) return failure(target.reason);
    const info = await stat(target.absolute);
    if (info.isDirectory()) return failure(`${target.relative} is a directory; use list_dir`);
    if (info.size > MAX_FILE_BYTES) {
      if (args.start_line === undefined)
        return failure(`${target.relative} is ${formatBytes(info.size)}; read a line range instead`);
      return readLargeRange(target, formatBytes(info.size), args.start_line, args.end_line, context);
    }
    const decoded = decodeContent(await readFile(target.absolute, { signal: context.signal }));
    if (decoded.binary) return { ok: true, content: `${target.relative}: binary, ${decoded.bytes} bytes` };
    if (args.start_line === undefined && args.end_line === undefined)
      return { ok: true, content: decoded.text };
    const lines = decoded.text.split('\n');
    const start = args.start_line ?? 1;
    const end = Math.min(args.end_line ?? lines.length, lines.length);
    if (start > lines.length) return failure(`${target.relative} has only ${lines.length} lines`);
    const numbered = lines.slice(start - 1, end).map((line, i) => `${start + i}: ${line}`);
    return {
      ok: true,
      content: `${target.relative} lines ${start}-${end} of ${lines.length}\n${numbered.join('\n')}`,
    };
  },
});

/**
 * A range of a file too large to read whole: its lines are streamed up to the end of the range (at
 * most MAX_RANGE_LINES), within the search budget, so a range deep in a huge file cannot hold the
 * turn; Esc stops it at once.
 */
async function readLargeRange(
  target: { absolute: string; relative: string },
  size: string,
  start: number,
  endLine: number | undefined,
  context: ToolContext,
): Promise<ToolResult> {
  const end = Math.min(endLine ?? start + MAX_RANGE_LINES - 1, start + MAX_RANGE_LINES - 1);
  const numbered: string[] = [];
  let seen = 0;
  const outcome = await runWithinBudget(context, async (signal) => {
    const lines = createInterface({
      input: createReadStream(target.absolute, { signal }),
      crlfDelay: Infinity,
    });
    try {
      for await (const line of lines) {
        seen += 1;
        if (seen >= start)
          numbered.push(`${seen}: ${decodeContent(Buffer.from(line)).binary ? '[binary]' : line}`);
        if (seen >= end) break;
      }
    } finally {
      lines.close();
    }
  });
  if (outcome.kind === 'overBudget') {
    const note = budgetNote(
      outcome.budgetMs,
      `read up to line ${seen}`,
      'Ask for a range nearer the start, or use run_shell with sed -n',
    );
    return {
      ok: numbered.length > 0,
      content: [`${target.relative} (${size})`, ...numbered, note].join('\n'),
    };
  }
  if (seen < start) return failure(`${target.relative} has only ${seen} lines`);
  const last = start + numbered.length - 1;
  return {
    ok: true,
    content: `${target.relative} lines ${start}-${last} (a ${size} file)\n${numbered.join('\n')}`,
  };
}
