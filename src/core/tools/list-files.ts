import ignore from 'ignore';
import * as z from 'zod';
import { confinePath } from './confine.js';
import { defineTool, failure } from './define.js';
import { walkFiles } from './walk.js';

/** A larger listing is mostly noise for the model; it can narrow with path or pattern. */
const MAX_FILES = 1000;

const argsSchema = z.object({
  path: z.string().default('.'),
  pattern: z.string().min(1).optional(),
});

export const listFilesTool = defineTool({
  access: 'read',
  args: argsSchema,
  schema: {
    name: 'list_files',
    description:
      'List the files of the project recursively, skipping what .gitignore excludes. Optionally narrow to a folder (path) and a gitignore-style glob (pattern, e.g. "*.ts" or "src/**/test_*.py").',
    parameters: {
      type: 'object',
      properties: {
        path: {
          type: 'string',
          description: 'Folder relative to the project directory (default: the whole project)',
        },
        pattern: { type: 'string', description: 'gitignore-style glob the file paths must match' },
      },
      additionalProperties: false,
    },
  },
  check: (args) => ({ summary: `list files under ${args.path}`, detail: '' }),
  async run(args, context) {
    const target = await confinePath(context.projectDir, args.path);
    if (!target.ok) return failure(target.reason);
    // The gitignore matcher doubles as the glob matcher, so patterns mean what they mean in .gitignore.
    const filter = args.pattern === undefined ? null : ignore().add(args.pattern);
    const files: string[] = [];
    let total = 0;
    for await (const file of walkFiles({
      root: context.projectDir,
      start: target.relative,
      signal: context.signal,
    })) {
      if (filter !== null && !filter.ignores(file)) continue;
      total += 1;
      if (files.length < MAX_FILES) files.push(file);
    }
    const more =
      total > files.length
        ? `\n[listing capped at ${MAX_FILES} files; ${total - files.length} more not shown]`
        : '';
    return { ok: true, content: [`${total} files`, ...files].join('\n') + more };
  },
});
