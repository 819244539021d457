import type { SessionSummary } from './records.js';
import type { DocCheck, NedbDoc } from './line-parser.js';

type Field = [name: string, accepts: (value: unknown) => boolean, expected: string];

const isString = (v: unknown): boolean => typeof v === 'string';
const isNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isUsage = (v: unknown): boolean => {
  if (typeof v !== 'object' || v === null) return false;
  const { input, output, cacheRead, cacheWrite, reasoning } = v as Record<string, unknown>;
  return (
    isNumber(input) && isNumber(output) && isNumber(cacheRead) && isNumber(cacheWrite) && isNumber(reasoning)
  );
};

/**
 * index.db is a file like any other: its documents are checked before the UI sees them. Checked by
 * hand rather than with zod because listing runs at every start-up and a schema's first use costs
 * tens of milliseconds there (1,000 sessions must list in well under 50 ms).
 */
const FIELDS: Field[] = [
  ['id', isString, 'a string'],
  ['name', isString, 'a string'],
  ['title', isString, 'a string'],
  ['projectId', isString, 'a string'],
  ['projectDir', isString, 'a string'],
  ['createdAt', isString, 'a string'],
  ['updatedAt', isString, 'a string'],
  ['order', isNumber, 'a number'],
  ['model', isString, 'a string'],
  ['messageCount', isNumber, 'a number'],
  ['tokens', isUsage, 'token counts'],
  ['cost', (v) => v === null || isNumber(v), 'a number or null'],
  ['costIncomplete', (v) => typeof v === 'boolean', 'true or false'],
  ['contextTokens', isNumber, 'a number'],
  ['lastPreview', isString, 'a string'],
  ['trashedAt', (v) => v === null || isString(v), 'a string or null'],
  ['parentId', (v) => v === undefined || isString(v), 'a string'],
  ['projectGroup', (v) => v === undefined || isString(v), 'a string'],
  ['damaged', (v) => v === undefined || isString(v), 'a string'],
];

export const checkSummaryDoc: DocCheck = (doc) => {
  for (let i = 0; i < FIELDS.length; i += 1) {
    const field = FIELDS[i] as Field;
    if (!field[1](doc[field[0]])) return `${field[0]}: expected ${field[2]}`;
  }
  return doc;
};

export function toSummary(doc: NedbDoc): SessionSummary {
  // A copy without `_id` (rather than `delete`, which turns the object into a slow dictionary).
  const { _id, ...summary } = doc;
  return summary as unknown as SessionSummary;
}

/** A summary from another of octo's own files (a resume point), checked as index.db's are. */
export function isSessionSummary(value: unknown): value is SessionSummary {
  return typeof value === 'object' && value !== null && typeof checkSummaryDoc(value as NedbDoc) !== 'string';
}
