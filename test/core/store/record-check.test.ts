/**
 * The plain record check (record-check.ts) decides which records are stored and read back; the zod
 * schema (record-schema.ts) only names the field of a refused one. They must agree on every document,
 * or a record the schema refuses could be written and refuse its session for good: every field of
 * every kind, removed or replaced by values of every type, valid and damaged.
 */
import { describe, expect, it } from 'vitest';
import { isValidRecord } from '../../../src/core/store/record-check.js';
import { recordZodSchema, RECORD_SCHEMA_VERSION } from '../../../src/core/store/record-schema.js';
import { EVERY_KIND, MORE_SHAPES } from './record-samples.js';

/** Every string the schema names (kinds, roles, enums), so fields are also set to valid alternatives. */
const NAMES = [
  ...['message', 'compaction', 'knowledge', 'command', 'attachment', 'mystery'],
  ...['create', 'model', 'rename', 'trash', 'restore', 'system', 'user', 'assistant', 'tool'],
  ...['main', 'agent', 'compression', 'reasoning_content', 'reasoning', 'reasoning_details'],
  ...['content_parts', 'stop', 'tool_calls', 'length', 'content_filter', 'error', 'auto'],
  ...['summarize', 'done', 'structured', 'prose', 'octo', 'add', 'pin', 'unpin', 'forget'],
  ...['decision', 'constraint', 'preference', 'finding', 'image', 'video', 'filesChanged'],
  ...['catchUp', 'moved', 'toString', '__proto__', ''],
];

// eslint-disable-next-line no-sparse-arrays -- a hole reads as undefined
const HOLE = [, 'a'];
/** Values of every JSON type and the numbers zod treats apart (NaN, infinities, unsafe integers). */
const VALUES: unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  -0,
  1,
  -1,
  1.5,
  -1.5,
  2 ** 53,
  2 ** 53 - 1,
  NaN,
  Infinity,
  -Infinity,
  'yes',
  '1',
  [],
  [1],
  ['a'],
  [1.5],
  [null],
  HOLE,
  [{}],
  {},
  { kind: 'filesChanged', paths: [] },
  { id: 'c', name: 'n', arguments: '{}' },
  { input: 1, output: 1, cacheRead: 1, cacheWrite: 1, reasoning: 1 },
  new Date(0),
  // An array with an object's fields: zod's objects refuse arrays.
  Object.assign([], { input: 1, output: 1, cacheRead: 1, cacheWrite: 1, reasoning: 1 }),
  ...NAMES,
];

type Doc = Record<string, unknown>;

/** The document with the value at `path` (keys and array indexes) replaced, or removed for undefined. */
function withValue(value: unknown, path: readonly (string | number)[], next: unknown): unknown {
  const [key, ...rest] = path;
  if (key === undefined) return next;
  if (Array.isArray(value)) {
    const copy = [...(value as unknown[])];
    copy[key as number] = withValue(copy[key as number], rest, next);
    return copy;
  }
  const copy = { ...(value as Doc) };
  const inner = withValue(copy[key], rest, next);
  if (inner === undefined && rest.length === 0) delete copy[key];
  else copy[key] = inner;
  return copy;
}

/** The path of every value in the document, containers included, and one past each array's end. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value))
    return [
      ...value.flatMap((item, i) => [[...prefix, i], ...pathsOf(item, [...prefix, i])]),
      [...prefix, value.length],
    ];
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([key, item]) => [
      [...prefix, key],
      ...pathsOf(item, [...prefix, key]),
    ]);
  return [];
}

/** Fields a kind may have but a sample lacks: each is tried with every value too. */
const ABSENT_FIELDS = [
  'toolCalls',
  'toolCallId',
  'toolName',
  'model',
  'usage',
  'cost',
  'costSource',
  'interrupted',
  'synthetic',
  'attachments',
  'reasoning',
  'reasoningSource',
  'reasoningDetails',
  'finishReason',
  'providerFinishReason',
  'durationMs',
  'notice',
  'undone',
  'trigger',
  'level',
  'failed',
  'form',
  'requests',
  'undoneAfter',
  'category',
  'text',
  'parentId',
  'projectGroup',
  'id',
  'name',
  'previous',
  'kind',
  'command',
  'seq',
  'at',
];

function variants(): unknown[] {
  const docs: unknown[] = [null, undefined, [], 'message', 1, {}, new Date(0)];
  for (const record of [...EVERY_KIND, ...MORE_SHAPES]) {
    const doc: Doc = { _id: `r${record.seq}`, v: RECORD_SCHEMA_VERSION, ...record, extra: 'kept' };
    docs.push(
      doc,
      [doc],
      Object.assign([], doc),
      Object.assign(Object.create({ seq: 'inherited' }) as Doc, doc),
    );
    const paths = [...pathsOf(doc), ...ABSENT_FIELDS.filter((key) => !(key in doc)).map((key) => [key])];
    for (const path of paths) for (const value of VALUES) docs.push(withValue(doc, path, value));
  }
  return docs;
}

describe('the plain record check', () => {
  it('accepts and refuses exactly what the record schema does, for every kind and field', () => {
    const schema = recordZodSchema();
    const docs = variants();
    const disagreements = docs
      .filter((doc) => isValidRecord(doc) !== schema.safeParse(doc).success)
      .map((doc) => ({ doc, check: isValidRecord(doc) }));
    expect(disagreements).toEqual([]);
    // Not a test of one side only: both outcomes are common.
    const accepted = docs.filter((doc) => isValidRecord(doc)).length;
    expect(accepted).toBeGreaterThan(1_000);
    expect(docs.length - accepted).toBeGreaterThan(10_000);
  });

  it('refuses the damaged records of the fault tests (docs/faults.md row 36)', () => {
    const user: Doc = {
      _id: 'r2',
      v: 1,
      kind: 'message',
      role: 'user',
      content: 'hi',
      inContext: true,
      seq: 2,
      at: 'x',
    };
    expect(isValidRecord(user)).toBe(true);
    for (const damage of [
      { content: undefined },
      { inContext: 'yes' },
      { kind: 'mystery' },
      { role: 'robot' },
      { seq: -1 },
      { seq: 1.5 },
      { usage: { input: 'ten', output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 } },
    ]) {
      const damaged = { ...user, ...damage };
      expect([damage, isValidRecord(damaged)]).toEqual([damage, false]);
      expect(recordZodSchema().safeParse(damaged).success).toBe(false);
    }
  });
});
