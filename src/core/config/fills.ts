/**
 * What checking a config file against the schema adds to it: the defaults of the keys it leaves out,
 * down to each provider, server and agent. Kept with the known-good stamp (known-good.ts) so that a start
 * whose files passed before gets the same configuration without building the schema: the file as
 * written, with these filled in. Only built-in defaults and the keys leading to them are kept, never a
 * value of the user's (a header, a key's variable name).
 */

/** The fills of one table or array; absent parts fill nothing. */
export interface Fill {
  /** Keys the input lacks and their values in the output. */
  add?: Record<string, unknown>;
  /** Fills inside the values the input has (by key, or by index in an array). */
  into?: Record<string, Fill>;
  /** The output's key order, when it is not the input's followed by the added keys. */
  order?: string[];
}

type Table = Record<string, unknown>;

function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The fill that turns `input` into `output` (empty when they are equal), or null when the output is
 * not the input with keys added (a value changed or went missing): such a config is checked on every
 * start, as before.
 */
export function fillsOf(input: unknown, output: unknown): Fill | null {
  const fill = diff(input, output) ?? {};
  return JSON.stringify(applyFill(input, fill)) === JSON.stringify(output) ? fill : null;
}

function diff(input: unknown, output: unknown): Fill | null {
  // Without a prototype: a user's key named __proto__ is a key like any other.
  const into = Object.create(null) as Record<string, Fill>;
  if (Array.isArray(input) && Array.isArray(output)) {
    output.forEach((item, index) => {
      const inner = diff(input[index], item);
      if (inner !== null) into[String(index)] = inner;
    });
    return Object.keys(into).length === 0 ? null : { into };
  }
  if (!isTable(input) || !isTable(output)) return null;
  const add = Object.create(null) as Table;
  for (const [key, value] of Object.entries(output)) {
    if (!Object.hasOwn(input, key)) add[key] = value;
    else {
      const inner = diff(input[key], value);
      if (inner !== null) into[key] = inner;
    }
  }
  const order = Object.keys(output);
  const naive = [...Object.keys(input), ...Object.keys(add)];
  const fill: Fill = {
    ...(Object.keys(add).length > 0 ? { add } : {}),
    ...(Object.keys(into).length > 0 ? { into } : {}),
    ...(order.join('\0') === naive.join('\0') ? {} : { order }),
  };
  return Object.keys(fill).length === 0 ? null : fill;
}

/** Whether a value read back (the stamp is a file anyone with the data folder can edit) is a Fill. */
export function isFill(value: unknown): value is Fill {
  if (!isTable(value)) return false;
  const { add, into, order } = value;
  return (
    (add === undefined || isTable(add)) &&
    (into === undefined || (isTable(into) && Object.values(into).every(isFill))) &&
    (order === undefined || (Array.isArray(order) && order.every((key) => typeof key === 'string')))
  );
}

/** `input` (left as it is) with the fill applied: a new value, sharing nothing with either. */
export function applyFill(input: unknown, fill: Fill): unknown {
  const inner = (key: string, item: unknown): unknown => {
    const within = fill.into !== undefined && Object.hasOwn(fill.into, key) ? fill.into[key] : undefined;
    return within === undefined ? structuredClone(item) : applyFill(item, within);
  };
  if (Array.isArray(input)) return input.map((item, index) => inner(String(index), item));
  if (!isTable(input)) return structuredClone(input);
  // Entries, never assignments: a key named __proto__ stays a key.
  const entries: Array<[string, unknown]> = [
    ...Object.entries(input).map(([key, item]): [string, unknown] => [key, inner(key, item)]),
    ...Object.entries(fill.add ?? {}).map(([key, item]): [string, unknown] => [key, structuredClone(item)]),
  ];
  if (fill.order === undefined) return Object.fromEntries(entries);
  const byKey = new Map(entries);
  return Object.fromEntries(fill.order.filter((key) => byKey.has(key)).map((key) => [key, byKey.get(key)]));
}
