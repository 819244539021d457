import { isDeepStrictEqual } from 'node:util';
import { assertNever } from '../errors.js';
import { sanitizeLine } from '../text/index.js';
import {
  addUsage,
  ZERO_USAGE,
  type ProjectNotice,
  type SessionRecord,
  type SessionSummary,
  type Usage,
} from '../store/index.js';

/** Characters of the last message shown in lists. */
const PREVIEW_CHARS = 120;
/** Characters of the first user message used as a title. */
const TITLE_CHARS = 80;

function clip(text: string, max: number): string {
  const line = sanitizeLine(text).trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/**
 * Derives a session's index document from its records; the index is only a cache of this (docs/architecture.md "Data").
 * `order` is left to the store, which alone knows the store-wide counter.
 */
/** Equal but for `order`, which the index assigns; a field present on one side only makes them differ. */
export function sameSummary(a: SessionSummary, b: SessionSummary): boolean {
  const { order: _orderA, ...restA } = a;
  const { order: _orderB, ...restB } = b;
  return isDeepStrictEqual(restA, restB);
}

export function indexSummary(
  id: string,
  records: readonly SessionRecord[],
  contextTokens = 0,
): SessionSummary {
  const at = records[0]?.at ?? new Date(0).toISOString();
  const empty: SessionSummary = {
    id,
    name: id,
    title: '',
    projectId: '',
    projectDir: '',
    createdAt: at,
    updatedAt: at,
    order: 0,
    model: '',
    messageCount: 0,
    tokens: { ...ZERO_USAGE },
    cost: null,
    costIncomplete: false,
    contextTokens,
    lastPreview: '',
    trashedAt: null,
  };
  return indexSummaryFrom(empty, records, contextTokens);
}

/**
 * `base` (the summary of the records before) with `records` applied, so that a session opened from a
 * resume point sums its new records onto the summary it was closed with:
 * indexSummaryFrom(indexSummary(id, a), b) equals indexSummary(id, [...a, ...b]), cost sums included (the same
 * additions in the same order).
 */
export function indexSummaryFrom(
  base: SessionSummary,
  records: readonly SessionRecord[],
  contextTokens = base.contextTokens,
): SessionSummary {
  const summary: SessionSummary = {
    ...base,
    updatedAt: records.at(-1)?.at ?? base.updatedAt,
    order: 0,
    contextTokens,
  };
  let tokens: Usage = base.tokens;
  // Only the last message shown in lists is clipped: sanitising every message of a long session to keep
  // the last one took the screen's thread 10-25 ms at each save (README, "Performance").
  let preview: string | null = null;
  for (const record of records) {
    switch (record.kind) {
      case 'message':
        summary.messageCount += 1;
        if (record.usage) tokens = addUsage(tokens, record.usage);
        else if (record.usage === null) summary.tokensIncomplete = true;
        if (record.cost === null) summary.costIncomplete = true;
        else if (record.cost !== undefined) summary.cost = (summary.cost ?? 0) + record.cost;
        if (record.role === 'user' && summary.title === '') summary.title = clip(record.content, TITLE_CHARS);
        if (record.role === 'user' || (record.role === 'assistant' && record.content !== '')) {
          preview = record.content;
        }
        if (record.notice?.kind === 'moved') applyMove(summary, record.notice);
        break;
      case 'compaction':
        tokens = addUsage(tokens, record.usage);
        if (record.cost === null) summary.costIncomplete = true;
        else summary.cost = (summary.cost ?? 0) + record.cost;
        break;
      case 'command':
        applyCommand(summary, record);
        break;
      case 'knowledge':
      case 'attachment':
        break;
      default:
        assertNever(record, 'record');
    }
  }
  summary.tokens = tokens;
  if (preview !== null) summary.lastPreview = clip(preview, PREVIEW_CHARS);
  return summary;
}

/** A re-attached session belongs to the project where it was moved. */
function applyMove(summary: SessionSummary, move: Extract<ProjectNotice, { kind: 'moved' }>): void {
  summary.projectDir = move.to;
  summary.projectId = move.projectId;
  if (move.projectGroup === undefined) delete summary.projectGroup;
  else summary.projectGroup = move.projectGroup;
}

function applyCommand(summary: SessionSummary, record: Extract<SessionRecord, { kind: 'command' }>): void {
  switch (record.command) {
    case 'create':
      summary.name = record.name;
      summary.projectId = record.projectId;
      summary.projectDir = record.projectDir;
      summary.model = record.model;
      summary.createdAt = record.at;
      if (record.parentId !== undefined) summary.parentId = record.parentId;
      if (record.projectGroup !== undefined) summary.projectGroup = record.projectGroup;
      return;
    case 'model':
      summary.model = record.model;
      return;
    case 'rename':
      summary.name = record.name;
      return;
    case 'trash':
      summary.trashedAt = record.at;
      return;
    case 'restore':
      summary.trashedAt = null;
      return;
    default:
      assertNever(record, 'command');
  }
}
