import { readFile } from 'node:fs/promises';
import { parse } from 'smol-toml';
import { projectConfigPath } from '../config/index.js';
import { configSchema, type OctoConfig } from '../config/schema.js';
import { errnoCode, OctoError } from '../errors.js';

type Table = Record<string, unknown>;

/** One config file as written (`raw`, to see which keys it sets) and as validated on its own. */
export interface ConfigLayer {
  file: string;
  raw: Table;
  parsed: OctoConfig;
}

export interface ConfigLayers {
  user: ConfigLayer | null;
  project: ConfigLayer | null;
}

export const NO_LAYERS: ConfigLayers = { user: null, project: null };

async function readLayer(file: string): Promise<ConfigLayer | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw new OctoError('config_unreadable', `${file}: cannot read the config file`, { cause: error });
  }
  // loadConfig has already accepted each file on its own, so this cannot fail short of a race.
  const raw = parse(text) as Table;
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success)
    throw new OctoError('config_invalid', `${file} changed while octo was starting`, { cause: parsed.error });
  return { file, raw, parsed: parsed.data };
}

/**
 * The user and project files one by one. The merged configuration cannot say where a key came from,
 * and what a project file adds (servers, shell settings) must be approved before it runs (FAULTS 31).
 */
export async function readConfigLayers(userConfigPath: string, projectDir: string): Promise<ConfigLayers> {
  const projectFile = projectConfigPath(projectDir);
  const user = await readLayer(userConfigPath);
  // OCTO_HOME inside the project can make both the same file; it is then the user's own.
  const project = projectFile === userConfigPath ? null : await readLayer(projectFile);
  return { user, project };
}

export function tableAt(raw: Table, ...keys: string[]): Table | null {
  let current: unknown = raw;
  for (const key of keys) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return null;
    current = (current as Table)[key];
  }
  return typeof current === 'object' && current !== null && !Array.isArray(current)
    ? (current as Table)
    : null;
}
