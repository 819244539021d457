import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { errnoCode } from '../errors.js';
import { confinePath } from './confine.js';
import { defineTool, failure } from './define.js';
import { lazily } from '../lazy.js';

/** Beyond this a listing stops helping the model and only costs tokens. */
const MAX_ENTRIES = 500;

const argsSchema = lazily(() => z.object({ path: z.string().default('.') }));

async function describe(dir: string, name: string, isDir: boolean): Promise<string> {
  if (isDir) return `${name}/`;
  try {
    return `${name} (${(await stat(path.join(dir, name))).size} bytes)`;
  } catch (error) {
    // A dangling symlink or a file removed while listing: name it without a size.
    if (errnoCode(error) === 'ENOENT') return `${name} (unreadable)`;
    throw error;
  }
}

export const listDirTool = defineTool({
  access: 'read',
  args: argsSchema,
  schema: {
    name: 'list_dir',
    description:
      'List the entries of a folder of the project (folders end with /). Path relative to the project.',
    parameters: {
      type: 'object',
      properties: { path: { type: 'string', description: 'Folder path relative to the project directory' } },
      additionalProperties: false,
    },
  },
  check: (args) => ({ summary: `list ${args.path}`, detail: '' }),
  async run(args, context) {
    const target = await confinePath(context.projectDir, args.path, context.allowedDirs);
    if (!target.ok) return failure(target.reason);
    const entries = await readdir(target.absolute, { withFileTypes: true }).catch((error: unknown) => {
      if (errnoCode(error) === 'ENOTDIR') return null;
      throw error;
    });
    if (entries === null) return failure(`${target.relative} is not a folder; use read_file`);
    const visible = entries
      .filter((entry) => entry.name !== '.git')
      .sort((a, b) => Number(b.isDirectory()) - Number(a.isDirectory()) || a.name.localeCompare(b.name));
    const shown = visible.slice(0, MAX_ENTRIES);
    const lines = await Promise.all(shown.map((e) => describe(target.absolute, e.name, e.isDirectory())));
    const more =
      visible.length > shown.length ? `\n[${visible.length - shown.length} more entries not shown]` : '';
    const header = `${target.relative}: ${visible.length} entries`;
    return { ok: true, content: [header, ...lines].join('\n') + more };
  },
});
