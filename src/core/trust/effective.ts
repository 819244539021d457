import { configSchema, deepMerge, type OctoConfig, type TomlTable } from '../config/index.js';
import { OctoError } from '../errors.js';
import type { ConfigLayers } from '../tools/index.js';
import type { KeyPath } from './items.js';

/** `value` without the key at `path`; what lies off the path is shared, not copied. */
function without(value: unknown, path: KeyPath): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  if (Array.isArray(value) && typeof head === 'number') {
    if (!(head in value)) return value;
    return value.map((item: unknown, index) => (index === head ? without(item, rest) : item));
  }
  if (typeof value !== 'object' || value === null || typeof head !== 'string' || !(head in value))
    return value;
  // Null prototype, like smol-toml's tables: a `__proto__` key stays data.
  const copy = Object.assign(Object.create(null) as TomlTable, value);
  if (rest.length === 0) delete copy[head];
  else copy[head] = without(copy[head], rest);
  return copy;
}

/**
 * The configuration with the project file's unapproved settings left out: the user's file, then the
 * project's without the `strip` paths, validated as one (what loadConfig does with both files whole).
 */
export function trustedConfig(
  layers: ConfigLayers,
  merged: OctoConfig,
  strip: readonly KeyPath[],
): OctoConfig {
  if (layers.project === null || strip.length === 0) return merged;
  const project = strip.reduce<unknown>(
    (table, path) => without(table, path),
    layers.project.raw,
  ) as TomlTable;
  const result = configSchema().safeParse(deepMerge(layers.user?.raw ?? {}, project), { jitless: true });
  // Each file passed alone and only optional keys were removed: a failure here is a bug.
  if (!result.success) {
    throw new OctoError(
      'internal',
      `The configuration without the project's unapproved settings is invalid: ${result.error.message}`,
      {
        cause: result.error,
      },
    );
  }
  return result.data;
}
