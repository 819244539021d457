import * as z from 'zod';
import { closest } from '../text/index.js';
import { dottedKey, tomlTypeName, type ConfigIssue } from './issues.js';
import { locateKeys } from './locate.js';
import { valueAt, type TomlTable } from './merge.js';

type ZodIssue = z.core.$ZodIssue;

/**
 * Checks one file on its own against the schema: each file must be valid by itself, so a broken
 * value in the user file is reported even when a project file happens to override it.
 */
export function validateLayer<T>(
  schema: z.ZodType<T>,
  file: string,
  text: string,
  data: TomlTable,
): { issues: ConfigIssue[]; value: T | null } {
  // Parsed once per run: zod's compiled fast path costs more to build than it saves (start-up time).
  const result = schema.safeParse(data, { jitless: true });
  if (result.success) return { issues: [], value: result.data };
  const keys = locateKeys(text);
  const issues = result.error.issues.flatMap((issue) =>
    issuePaths(issue).map(({ path, message }): ConfigIssue => {
      const keyPath = path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
      return { file, line: keys.lineOf(keyPath), key: dottedKey(keyPath), message };
    }),
  );
  return { issues: issues.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity)), value: null };

  function issuePaths(issue: ZodIssue): Array<{ path: PropertyKey[]; message: string }> {
    if (issue.code !== 'unrecognized_keys') {
      return [{ path: issue.path, message: describe(issue, valueAt(data, issue.path)) }];
    }
    // zod reports unknown keys once per table; the user needs each one, with its own line.
    return issue.keys.map((key) => ({
      path: [...issue.path, key],
      message: unknownKey(schema, issue.path, key),
    }));
  }
}

function unknownKey(schema: z.ZodType, table: PropertyKey[], key: string): string {
  const [suggestion] = closest(key, knownKeys(schema, table), 1);
  return suggestion === undefined ? 'unknown key' : `unknown key (did you mean ${suggestion}?)`;
}

/** The keys a strict table at `path` accepts, found by walking the schema alongside the path. */
function knownKeys(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.core.$ZodType | undefined = schema;
  for (const segment of path) current = current === undefined ? undefined : child(unwrap(current), segment);
  const table = current === undefined ? undefined : unwrap(current);
  return table instanceof z.ZodObject ? Object.keys(table.shape) : [];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  if (schema instanceof z.ZodOptional) return unwrap(schema.unwrap());
  if (schema instanceof z.ZodNullable) return unwrap(schema.unwrap());
  if (schema instanceof z.ZodDefault) return unwrap(schema.unwrap());
  if (schema instanceof z.ZodPrefault) return unwrap(schema.unwrap());
  return schema;
}

function child(schema: z.core.$ZodType, segment: PropertyKey): z.core.$ZodType | undefined {
  if (schema instanceof z.ZodObject && typeof segment === 'string') {
    const shape: Record<string, z.core.$ZodType | undefined> = schema.shape;
    return shape[segment];
  }
  if (schema instanceof z.ZodRecord) return schema.def.valueType;
  if (schema instanceof z.ZodArray) return schema.def.element;
  return undefined;
}

/** Messages in TOML's words ("table", "integer"), each naming the offending value where that helps. */
function describe(issue: ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return `missing; expected ${typeName(issue.expected)}`;
      return `expected ${typeName(issue.expected)}, got ${tomlTypeName(value)}`;
    case 'too_small':
      return `${bound(issue.origin, issue.inclusive ? 'at least' : 'more than', issue.minimum)}, got ${show(value)}`;
    case 'too_big':
      return `${bound(issue.origin, issue.inclusive ? 'at most' : 'less than', issue.maximum)}, got ${show(value)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((option) => JSON.stringify(option)).join(', ')}, got ${show(value)}`;
    case 'invalid_format':
      return issue.format === 'url' ? `expected a URL, got ${show(value)}` : issue.message;
    case 'invalid_key':
      return `invalid name: ${issue.issues.map((inner) => inner.message).join('; ')}`;
    case 'unrecognized_keys':
    case 'not_multiple_of':
    case 'invalid_union':
    case 'invalid_element':
    case 'custom':
      return issue.message;
  }
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'a boolean (true or false)',
  object: 'a table',
  record: 'a table',
  array: 'an array',
};

function typeName(expected: string): string {
  return TYPE_NAMES[expected] ?? expected;
}

function bound(origin: string, relation: string, limit: number | bigint): string {
  if (origin === 'string') return `must be ${relation} ${limit} characters long`;
  if (origin === 'array' || origin === 'set') return `must have ${relation} ${limit} items`;
  return `must be ${relation} ${limit}`;
}

/** Long enough to recognise the value, short enough to keep one issue on one line. */
const SHOWN_CHARS = 60;

function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text;
}
