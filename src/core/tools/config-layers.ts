import type { ConfigFileLayer, OctoConfig } from '../config/index.js';

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

/**
 * The user and project files one by one, as loadConfig read them. The merged configuration cannot say
 * where a key came from, and what a project file adds (servers, shell settings) must be approved
 * before it runs (docs/faults.md row 31). When OCTO_HOME is inside the project both are one file: the user's own.
 */
export function configLayers(loaded: readonly ConfigFileLayer[], userConfigPath: string): ConfigLayers {
  const user = loaded.find((layer) => layer.file === userConfigPath) ?? null;
  const project = loaded.find((layer) => layer.file !== userConfigPath) ?? null;
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
