/**
 * The record schema of record-schema.ts as plain predicates: whether a document is a valid record,
 * without building the zod schema (~10 ms) or running it (~10 ms more on a turn's first write, where
 * every record written is checked). Same rules, field for field: a value zod would refuse is refused
 * here (test/core/store/record-check.test.ts runs both over every kind, valid and damaged). It only
 * says yes or no; a record it refuses is described by the zod schema.
 */

type Check = (value: unknown) => boolean;

/** zod's object: anything non-null of type object but an array; a field is read as `value[key]`. */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const string: Check = (value) => typeof value === 'string';
const boolean: Check = (value) => typeof value === 'boolean';
const unknown: Check = () => true;
/** zod 4's number refuses NaN and the infinities. */
const number: Check = (value) => typeof value === 'number' && Number.isFinite(value);
/** zod 4's `.int()` is a safe integer. */
const int: Check = (value) => Number.isSafeInteger(value);
const count: Check = (value) => number(value) && (value as number) >= 0;
const seq: Check = (value) => int(value) && (value as number) >= 0;

function oneOf(...values: string[]): Check {
  const allowed = new Set<unknown>(values);
  return (value) => allowed.has(value);
}

function optional(check: Check): Check {
  return (value) => value === undefined || check(value);
}

function nullable(check: Check): Check {
  return (value) => value === null || check(value);
}

/** Every index, holes included (zod reads each as undefined). */
function arrayOf(check: Check): Check {
  return (value) => {
    if (!Array.isArray(value)) return false;
    for (let i = 0; i < value.length; i += 1) if (!check(value[i])) return false;
    return true;
  };
}

function object(fields: Record<string, Check>): Check {
  const entries = Object.entries(fields);
  return (value) => isObject(value) && entries.every(([key, check]) => check(value[key]));
}

/** A discriminated union: the option named by `value[key]`, and none when it names no option. */
function byKey(key: string, options: Record<string, Check>): Check {
  const table = new Map(Object.entries(options));
  return (value) => {
    if (!isObject(value)) return false;
    const option = table.get(value[key] as string);
    return option !== undefined && option(value);
  };
}

const usage = object({
  input: count,
  output: count,
  cacheRead: count,
  cacheWrite: count,
  reasoning: count,
});
const cost = nullable(number);
const attachmentRef = {
  sha256: string,
  ext: string,
  mime: string,
  type: oneOf('image', 'video'),
  name: string,
  bytes: count,
};
const base = { seq, at: string };

const notice = byKey('kind', {
  filesChanged: object({ paths: arrayOf(string) }),
  catchUp: object({ commits: count, files: count, dirMissing: boolean }),
  moved: object({ from: string, to: string, projectId: string, projectGroup: optional(string) }),
});

const message = object({
  ...base,
  role: oneOf('system', 'user', 'assistant', 'tool'),
  content: string,
  toolCalls: optional(arrayOf(object({ id: string, name: string, arguments: string }))),
  toolCallId: optional(string),
  toolName: optional(string),
  model: optional(string),
  usage: optional(nullable(usage)),
  cost: optional(cost),
  costSource: optional(oneOf('main', 'agent', 'compression')),
  inContext: boolean,
  interrupted: optional(boolean),
  synthetic: optional(boolean),
  attachments: optional(arrayOf(object(attachmentRef))),
  reasoning: optional(string),
  reasoningSource: optional(oneOf('reasoning_content', 'reasoning', 'reasoning_details', 'content_parts')),
  reasoningDetails: optional(arrayOf(unknown)),
  finishReason: optional(oneOf('stop', 'tool_calls', 'length', 'content_filter', 'error')),
  providerFinishReason: optional(string),
  durationMs: optional(number),
  notice: optional(notice),
});

const compaction = object({
  ...base,
  summary: string,
  compactedSeqs: arrayOf(int),
  tokensBefore: count,
  tokensAfter: count,
  model: string,
  usage,
  cost,
  undone: optional(boolean),
  trigger: optional(oneOf('auto', 'summarize', 'done')),
  level: optional(number),
  failed: optional(string),
  form: optional(oneOf('structured', 'prose', 'octo')),
  requests: optional(count),
  undoneAfter: optional(int),
});

const knowledge = object({
  ...base,
  op: oneOf('add', 'pin', 'unpin', 'forget'),
  entryId: string,
  category: optional(oneOf('decision', 'constraint', 'preference', 'finding')),
  text: optional(string),
});

const command = byKey('command', {
  create: object({
    ...base,
    id: string,
    name: string,
    projectDir: string,
    projectId: string,
    model: string,
    parentId: optional(string),
    projectGroup: optional(string),
  }),
  model: object({ ...base, model: string, previous: string }),
  rename: object({ ...base, name: string, previous: string }),
  trash: object(base),
  restore: object(base),
});

const attachment = object({ ...base, ...attachmentRef });

/** Whether a document (in this version's shape) is a record the schema accepts. */
export const isValidRecord: Check = byKey('kind', { message, compaction, knowledge, command, attachment });
