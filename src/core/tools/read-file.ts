import { readFile, stat } from 'node:fs/promises';
import * as z from 'zod';
import { decodeContent, formatBytes } from '../text/decode.js';
import { confinePath } from './confine.js';
import { defineTool, failure } from './define.js';

/** Larger files are refused whole; the model can ask for a line range instead. */
const MAX_FILE_BYTES = 5 * 1024 * 1024;

const argsSchema = z.object({
  path: z.string().min(1),
  start_line: z.number().int().positive().optional(),
  end_line: z.number().int().positive().optional(),
});

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
    if (info.size > MAX_FILE_BYTES && args.start_line === undefined) {
      return failure(`${target.relative} is ${formatBytes(info.size)}; read a line range instead`);
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
