import * as z from 'zod';
import { BoundedMatcher } from './bounded-matcher.js';
import { budgetNote, runWithinBudget } from './budget.js';
import { confinePath } from './confine.js';
import { defineTool, failure } from './define.js';
import { walkFiles } from './walk.js';
import { lazily } from '../lazy.js';

/** A larger listing is mostly noise for the model; it can narrow with path or pattern. */
const MAX_FILES = 1000;
/** Paths sent to the pattern thread at once. */
const BATCH_PATHS = 512;

const argsSchema = lazily(() =>
  z.object({
    path: z.string().default('.'),
    pattern: z.string().min(1).optional(),
  }),
);

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
    const files: string[] = [];
    let total = 0;
    const keep = (file: string): void => {
      total += 1;
      if (files.length < MAX_FILES) files.push(file);
    };
    const outcome = await runWithinBudget(context, async (signal) => {
      const walk = walkFiles({ root: context.projectDir, start: target.relative, signal });
      if (args.pattern === undefined) {
        for await (const file of walk) keep(file);
        return;
      }
      // The gitignore matcher doubles as the glob matcher, so patterns mean what they mean in
      // .gitignore; it runs where a pathological pattern cannot hold the main thread.
      const matcher = new BoundedMatcher({ kind: 'glob', pattern: args.pattern }, signal);
      const flush = async (paths: readonly string[]): Promise<void> => {
        await matcher.match(paths, (index) => keep(paths[index] ?? ''));
        signal.throwIfAborted();
      };
      try {
        let batch: string[] = [];
        for await (const file of walk) {
          batch.push(file);
          if (batch.length < BATCH_PATHS) continue;
          await flush(batch);
          batch = [];
        }
        await flush(batch);
      } finally {
        await matcher.close();
      }
    });
    const more =
      total > files.length
        ? `\n[listing capped at ${MAX_FILES} files; ${total - files.length} more not shown]`
        : '';
    const note =
      outcome.kind === 'overBudget'
        ? `\n${budgetNote(outcome.budgetMs, `${total} files listed before it`, 'Narrow the path or the pattern')}`
        : '';
    return { ok: true, content: [`${total} files`, ...files].join('\n') + more + note };
  },
});
