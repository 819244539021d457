/**
 * The schema of a session file's records (store/records.ts), checked on every line read from disk:
 * a record that parses as JSON but lacks a field or has a wrong type refuses its session (docs/faults.md
 * row 36) instead of crashing whatever reads it later. Each stored line carries `v`, the schema
 * version that wrote it (absent on files written before versions existed: version 1). Older lines are
 * brought up to date by MIGRATIONS before they are checked; a line from a newer octo is refused.
 */
import * as z from 'zod';
import type { NedbDoc } from './line-parser.js';
import type { SessionRecord } from './records.js';
import { lazily } from '../lazy.js';
import { isValidRecord } from './record-check.js';

/** The version this octo writes; bump it with a migration when a record's stored shape changes. */
export const RECORD_SCHEMA_VERSION = 1;

/**
 * `MIGRATIONS[n]` turns a version-n record into a version n+1 one (a pure function of the document).
 * Version 1 is the first, so there is none yet; a change of shape adds one here and bumps the version.
 */
export type Migrations = Readonly<Record<number, (doc: NedbDoc) => NedbDoc>>;
const MIGRATIONS: Migrations = {};

/**
 * Built on the first record refused (record-check.ts decides with the same rules, and this names the
 * field): building it costs ~10 ms and checking a record with it more than the plain check.
 */
function buildRecordSchema() {
  const count = z.number().nonnegative();
  const usage = z.object({
    input: count,
    output: count,
    cacheRead: count,
    cacheWrite: count,
    reasoning: count,
  });
  const cost = z.number().nullable();
  const attachmentRef = {
    sha256: z.string(),
    ext: z.string(),
    mime: z.string(),
    type: z.enum(['image', 'video']),
    name: z.string(),
    bytes: count,
  };
  const base = {
    seq: z.number().int().nonnegative(),
    at: z.string(),
  };

  const notice = z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('filesChanged'), paths: z.array(z.string()) }),
    z.object({ kind: z.literal('catchUp'), commits: count, files: count, dirMissing: z.boolean() }),
    z.object({
      kind: z.literal('moved'),
      from: z.string(),
      to: z.string(),
      projectId: z.string(),
      projectGroup: z.string().optional(),
    }),
  ]);

  const message = z.object({
    ...base,
    kind: z.literal('message'),
    role: z.enum(['system', 'user', 'assistant', 'tool']),
    content: z.string(),
    toolCalls: z.array(z.object({ id: z.string(), name: z.string(), arguments: z.string() })).optional(),
    toolCallId: z.string().optional(),
    toolName: z.string().optional(),
    model: z.string().optional(),
    usage: usage.nullable().optional(),
    cost: cost.optional(),
    costSource: z.enum(['main', 'agent', 'compression']).optional(),
    inContext: z.boolean(),
    interrupted: z.boolean().optional(),
    synthetic: z.boolean().optional(),
    attachments: z.array(z.object(attachmentRef)).optional(),
    reasoning: z.string().optional(),
    reasoningSource: z
      .enum(['reasoning_content', 'reasoning', 'reasoning_details', 'content_parts'])
      .optional(),
    reasoningDetails: z.array(z.unknown()).optional(),
    finishReason: z.enum(['stop', 'tool_calls', 'length', 'content_filter', 'error']).optional(),
    providerFinishReason: z.string().optional(),
    durationMs: z.number().optional(),
    notice: notice.optional(),
  });

  const compaction = z.object({
    ...base,
    kind: z.literal('compaction'),
    summary: z.string(),
    compactedSeqs: z.array(z.number().int()),
    tokensBefore: count,
    tokensAfter: count,
    model: z.string(),
    usage,
    cost,
    undone: z.boolean().optional(),
    trigger: z.enum(['auto', 'summarize', 'done']).optional(),
    level: z.number().optional(),
    failed: z.string().optional(),
    form: z.enum(['structured', 'prose', 'octo']).optional(),
    requests: count.optional(),
    undoneAfter: z.number().int().optional(),
  });

  const knowledge = z.object({
    ...base,
    kind: z.literal('knowledge'),
    op: z.enum(['add', 'pin', 'unpin', 'forget']),
    entryId: z.string(),
    category: z.enum(['decision', 'constraint', 'preference', 'finding']).optional(),
    text: z.string().optional(),
  });

  const command = z.discriminatedUnion('command', [
    z.object({
      ...base,
      kind: z.literal('command'),
      command: z.literal('create'),
      id: z.string(),
      name: z.string(),
      projectDir: z.string(),
      projectId: z.string(),
      model: z.string(),
      parentId: z.string().optional(),
      projectGroup: z.string().optional(),
    }),
    z.object({
      ...base,
      kind: z.literal('command'),
      command: z.literal('model'),
      model: z.string(),
      previous: z.string(),
    }),
    z.object({
      ...base,
      kind: z.literal('command'),
      command: z.literal('rename'),
      name: z.string(),
      previous: z.string(),
    }),
    z.object({ ...base, kind: z.literal('command'), command: z.literal('trash') }),
    z.object({ ...base, kind: z.literal('command'), command: z.literal('restore') }),
  ]);

  const attachment = z.object({ ...base, kind: z.literal('attachment'), ...attachmentRef });

  const record = z.discriminatedUnion('kind', [message, compaction, knowledge, command, attachment]);

  return record;
}

const recordSchema = lazily(buildRecordSchema);

/** The zod schema itself, for the test that it and record-check.ts agree on every record. */
export function recordZodSchema(): ReturnType<typeof buildRecordSchema> {
  return recordSchema();
}

/**
 * Every record octo can write passes the schema (the type check fails here otherwise): a field whose
 * type changes in records.ts must change here too, or sessions holding it would be refused. Unknown
 * fields pass (a newer minor field is not damage); the document is kept as read, not as parsed.
 */
type Accepts<Schema, Value> = [Value] extends [Schema] ? true : never;
export const SCHEMA_ACCEPTS_EVERY_RECORD: Accepts<
  z.input<ReturnType<typeof buildRecordSchema>>,
  SessionRecord
> = true;

/**
 * The record on a line in this version's shape, without checking it: the version handled and the
 * migrations applied. For lines already checked in full (see checked-stamp.ts). `_id` and `v` stay.
 */
export function upgradeRecordDoc(
  doc: NedbDoc,
  migrations: Migrations = MIGRATIONS,
  current: number = RECORD_SCHEMA_VERSION,
): NedbDoc | string {
  const version = doc.v ?? 1;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return 'v: not a schema version';
  }
  if (version > current) {
    return `written by a newer octo (record schema ${version}; this one reads up to ${current})`;
  }
  let upgraded = doc;
  for (let from = version; from < current; from += 1) {
    const migrate = migrations[from];
    if (migrate === undefined) return `no migration from record schema ${from}`;
    upgraded = { ...migrate(upgraded), v: from + 1 };
  }
  return upgraded;
}

/** The record on a line, brought up to date and checked; or what is wrong with it (field: problem). */
export function readRecordDoc(
  doc: NedbDoc,
  migrations: Migrations = MIGRATIONS,
  version: number = RECORD_SCHEMA_VERSION,
): NedbDoc | string {
  const current = upgradeRecordDoc(doc, migrations, version);
  if (typeof current === 'string') return current;
  if (isValidRecord(current)) return current;
  const checked = recordSchema().safeParse(current);
  return checked.success ? current : describeIssue(checked.error);
}

function describeIssue(error: z.ZodError): string {
  const [issue] = error.issues;
  if (issue === undefined) return 'not a record';
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}
