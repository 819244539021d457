import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { errnoCode } from '../errors.js';
import { formatBytes } from '../text/index.js';
import { confineNewPath } from './confine.js';
import { defineTool, failure } from './define.js';
import { lazily } from '../lazy.js';

/** Characters of the new content shown when asking for approval. */
const DETAIL_CHARS = 2000;

const argsSchema = lazily(() => z.object({ path: z.string().min(1), content: z.string() }));

async function existingSize(file: string): Promise<number | null> {
  try {
    const info = await stat(file);
    return info.isDirectory() ? -1 : info.size;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw error;
  }
}

export const writeFileTool = defineTool({
  access: 'write',
  args: argsSchema,
  schema: {
    name: 'write_file',
    description:
      'Create or overwrite a file of the project with the given content (folders are created as needed). Asks the user first.',
    parameters: {
      type: 'object',
      properties: {
        path: { type: 'string', description: 'File path relative to the project directory' },
        content: { type: 'string', description: 'The complete new content of the file' },
      },
      required: ['path', 'content'],
      additionalProperties: false,
    },
  },
  async check(args, context) {
    const target = await confineNewPath(context.projectDir, args.path, context.allowedDirs);
    if (!target.ok) return failure(target.reason);
    const size = await existingSize(target.absolute);
    if (size === -1) return failure(`${target.relative} is a directory`);
    const bytes = Buffer.byteLength(args.content);
    const what =
      size === null ? `create ${target.relative}` : `overwrite ${target.relative} (${formatBytes(size)} now)`;
    const shown =
      args.content.length > DETAIL_CHARS ? `${args.content.slice(0, DETAIL_CHARS)}\n…` : args.content;
    return { summary: `${what} with ${formatBytes(bytes)}`, detail: shown };
  },
  async run(args, context) {
    // Checked again at run time: the folder may have changed while the user was deciding.
    const target = await confineNewPath(context.projectDir, args.path, context.allowedDirs);
    if (!target.ok) return failure(target.reason);
    await mkdir(path.dirname(target.absolute), { recursive: true });
    await writeFile(target.absolute, args.content, { signal: context.signal });
    return {
      ok: true,
      content: `Wrote ${target.relative} (${formatBytes(Buffer.byteLength(args.content))}).`,
    };
  },
});
