import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify, TomlError } from 'smol-toml';
import { configSchema, type McpServerConfig } from '../config/index.js';
import { errnoCode, OctoError } from '../errors.js';
import { replaceFile } from '../replace-file.js';

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return '';
    throw new OctoError('config_unreadable', `${file}: cannot read the config file`, { cause: error });
  }
}

/** The entry as a user would write it: defaults left out. */
function entryOf(spec: McpServerConfig): Record<string, unknown> {
  return {
    name: spec.name,
    ...(spec.command === undefined ? {} : { command: spec.command, args: spec.args }),
    ...(spec.url === undefined ? {} : { url: spec.url }),
    ...(spec.cwd === undefined ? {} : { cwd: spec.cwd }),
    ...(Object.keys(spec.env).length === 0 ? {} : { env: spec.env }),
    ...(Object.keys(spec.headers).length === 0 ? {} : { headers: spec.headers }),
  };
}

/**
 * `/mcp persist`: appends a `[[mcp.servers]]` entry to the user config file, leaving every other
 * byte of it (comments included) as it was. The result is checked before it replaces the file.
 */
export async function persistServer(file: string, spec: McpServerConfig): Promise<string | null> {
  const before = await readText(file);
  const block = stringify({ mcp: { servers: [entryOf(spec)] } });
  const after = `${before}${before === '' || before.endsWith('\n') ? '' : '\n'}${before === '' ? '' : '\n'}${block}`;
  let data: unknown;
  try {
    data = parse(after);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    return `adding it would make ${file} invalid (${error.message.split('\n')[0] ?? ''}); add it by hand`;
  }
  const checked = configSchema().safeParse(data);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return `adding it would make ${file} invalid (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''})`;
  }
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await replaceFile(file, after);
  return null;
}
