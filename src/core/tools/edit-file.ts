import { readFile, stat, writeFile } from 'node:fs/promises';
import * as z from 'zod';
import { decodeContent, formatBytes } from '../text/index.js';
import { MAX_FILE_BYTES } from './read-file.js';
import type { ToolResult } from './types.js';
import { confinePath } from './confine.js';
import { defineTool, failure } from './define.js';
import { lazily } from '../lazy.js';

/** Characters of each side shown when asking for approval. */
const DETAIL_CHARS = 1500;

const argsSchema = lazily(() =>
  z.object({
    path: z.string().min(1),
    old_text: z.string().min(1),
    new_text: z.string(),
    replace_all: z.boolean().default(false),
  }),
);
type EditArgs = z.infer<ReturnType<typeof argsSchema>>;

function occurrences(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) count += 1;
  return count;
}

const clip = (text: string): string =>
  text.length > DETAIL_CHARS ? `${text.slice(0, DETAIL_CHARS)}…` : text;

/** The file's text and how the edit applies to it, or why it cannot. */
async function plan(args: EditArgs, projectDir: string, allowedDirs?: readonly string[]) {
  const target = await confinePath(projectDir, args.path, allowedDirs);
  if (!target.ok) return failure(target.reason);
  const size = (await stat(target.absolute)).size;
  if (size > MAX_FILE_BYTES)
    return failure(
      `${target.relative} is ${formatBytes(size)}, too large to edit here; use run_shell (sed, patch)`,
    );
  const decoded = decodeContent(await readFile(target.absolute));
  if (decoded.binary) return failure(`${target.relative} is binary; it cannot be edited as text`);
  // Writing decoded text back would turn its invalid bytes into U+FFFD for good.
  if (decoded.replaced) return failure(`${target.relative} is not valid UTF-8; it cannot be edited safely`);
  const count = occurrences(decoded.text, args.old_text);
  if (count === 0)
    return failure(`old_text was not found in ${target.relative}; read the file and copy the text exactly`);
  if (count > 1 && !args.replace_all) {
    return failure(
      `old_text occurs ${count} times in ${target.relative}; include more surrounding lines to make it unique, or set replace_all`,
    );
  }
  return { target, text: decoded.text, count };
}

const isFailure = (value: object): value is ToolResult => 'ok' in value;

export const editFileTool = defineTool({
  access: 'write',
  args: argsSchema,
  schema: {
    name: 'edit_file',
    description:
      'Replace an exact piece of text in a file of the project. old_text must occur exactly once (include surrounding lines to make it unique) unless replace_all is true. Asks the user first.',
    parameters: {
      type: 'object',
      properties: {
        path: { type: 'string', description: 'File path relative to the project directory' },
        old_text: { type: 'string', description: 'The exact text to replace, whitespace included' },
        new_text: { type: 'string', description: 'The replacement' },
        replace_all: { type: 'boolean', description: 'Replace every occurrence (default false)' },
      },
      required: ['path', 'old_text', 'new_text'],
      additionalProperties: false,
    },
  },
  async check(args, context) {
    const planned = await plan(args, context.projectDir, context.allowedDirs);
    if (isFailure(planned)) return planned;
    const times = planned.count === 1 ? '' : ` (${planned.count} places)`;
    return {
      summary: `edit ${planned.target.relative}${times}`,
      detail: `- ${clip(args.old_text)}\n+ ${clip(args.new_text)}`,
    };
  },
  async run(args, context) {
    // Planned again: the file may have changed while the user was deciding.
    const planned = await plan(args, context.projectDir, context.allowedDirs);
    if (isFailure(planned)) return planned;
    const updated = planned.text.split(args.old_text).join(args.new_text);
    await writeFile(planned.target.absolute, updated, { signal: context.signal });
    const where = planned.count === 1 ? '1 place' : `${planned.count} places`;
    return { ok: true, content: `Edited ${planned.target.relative} (${where}).` };
  },
});
