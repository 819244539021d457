/**
 * Resume points (docs/architecture.md, Opening a long session from its end): what a session's writer leaves when it closes cleanly, so the next open
 * reads only what is shown and sent. A resume reads the file from `fromSeq` on (the first message
 * still in context, or earlier for the screen's last messages); the context's other part from before
 * it (the knowledge records) and the summary of everything come from here. It is only a cache, kept
 * beside the data: it counts only while the file is exactly as it was left (the store checks), and a
 * missing or damaged one means the whole file is read, as before.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { readJsonFile, replaceFile } from '../replace-file.js';
import { isSessionSummary, type FileState, type SessionRecord, type SessionSummary } from '../store/index.js';

const VERSION = 1;
/** Messages the screen may show above the newest one: a resume reads at least these. */
export const SCREEN_MESSAGES = 60;

export interface ResumePoint {
  version: typeof VERSION;
  /** The file as the writer left it. */
  state: FileState;
  /** The first record a resume reads. */
  fromSeq: number;
  /**
   * The SHA-256 of the file from `fromSeq`'s line on, as the writer left it: lines that still hash to
   * it were checked when read or written and are not checked against the record schema again.
   */
  tailSha256?: string;
  /** The last record when it closed: the summary holds everything up to it. */
  lastSeq: number;
  /** How many records come before `fromSeq` (read when the user scrolls to them or searches). */
  earlierCount: number;
  summary: SessionSummary;
  /** The records before `fromSeq` the context is made of: the knowledge records. */
  earlier: SessionRecord[];
}

export function resumePointPath(dataDir: string, sessionId: string): string {
  return path.join(dataDir, 'cache', 'resume', `${sessionId}.json`);
}

/** The resume point in `file`, or null when there is none or it is not one of this version. */
export async function readResumePoint(file: string): Promise<ResumePoint | null> {
  // A torn cache file is worth nothing and harms nothing: the whole session file is read instead.
  const parsed = await readJsonFile(file);
  return isResumePoint(parsed) ? parsed : null;
}

/** Replaces the file atomically, private to the user like the rest of the data folder. */
export async function writeResumePoint(file: string, point: ResumePoint): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await replaceFile(file, JSON.stringify(point), { flush: false });
}

/**
 * Where the next resume starts reading: at the first of the messages still in context (with the
 * compaction that keeps the rest out, after them), or earlier when fewer than SCREEN_MESSAGES
 * messages are in context, so the screen can show its last page. Never at a tool result: the screen
 * would show it without its call, so the read starts at the reply that made the call.
 */
export function resumeFromSeq(records: readonly SessionRecord[], firstInContext: number | null): number {
  let messages = 0;
  let at = records.length - 1;
  for (let i = records.length - 1; i >= 0 && messages < SCREEN_MESSAGES; i -= 1) {
    at = i;
    if (records[i]?.kind === 'message') messages += 1;
  }
  while (at > 0 && (records[at]?.seq ?? 0) > (firstInContext ?? Infinity)) at -= 1;
  while (at > 0 && isToolResult(records[at])) at -= 1;
  return records[at]?.seq ?? 0;
}

function isToolResult(record: SessionRecord | undefined): boolean {
  return record?.kind === 'message' && record.role === 'tool';
}

/** The records before `fromSeq` the context needs, from `records` (all those a writer holds). */
export function earlierForContext(records: readonly SessionRecord[], fromSeq: number): SessionRecord[] {
  return records.filter((r) => r.seq < fromSeq && r.kind === 'knowledge');
}

function isResumePoint(value: unknown): value is ResumePoint {
  if (typeof value !== 'object' || value === null) return false;
  const point = value as Record<string, unknown>;
  const state = point.state as Record<string, unknown> | null | undefined;
  return (
    point.version === VERSION &&
    typeof state === 'object' &&
    state !== null &&
    ['size', 'mtimeMs', 'ino'].every((key) => typeof state[key] === 'number') &&
    ['fromSeq', 'lastSeq', 'earlierCount'].every((key) => Number.isSafeInteger(point[key])) &&
    (point.tailSha256 === undefined || typeof point.tailSha256 === 'string') &&
    isSessionSummary(point.summary) &&
    Array.isArray(point.earlier) &&
    point.earlier.every(isKnowledgeRecord)
  );
}

function isKnowledgeRecord(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    record.kind === 'knowledge' && Number.isSafeInteger(record.seq) && typeof record.entryId === 'string'
  );
}
