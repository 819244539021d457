/** A parsed TOML table. smol-toml builds them without a prototype, so `__proto__` is only a key. */
export type TomlTable = Record<string, unknown>;

export function isTable(value: unknown): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Layers `over` onto `base`: tables merge key by key, anything else (arrays included) replaces. */
export function deepMerge(base: TomlTable, over: TomlTable): TomlTable {
  // No prototype, so a `__proto__` key stays data instead of reaching Object.prototype.
  const result = Object.assign(Object.create(null) as TomlTable, base);
  for (const [key, value] of Object.entries(over)) {
    const current = result[key];
    result[key] = isTable(current) && isTable(value) ? deepMerge(current, value) : value;
  }
  return result;
}

/** The value at a key path, or undefined where the path leaves the data. */
export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (isTable(current) && typeof segment === 'string') current = current[segment];
    else return undefined;
  }
  return current;
}
