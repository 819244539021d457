/**
 * Reads NeDB data files without NeDB: one JSON document per line, later lines with the same `_id`
 * replace earlier ones, `{"$$deleted":true}` deletes, `$$indexCreated`/`$$indexRemoved` lines describe
 * indexes. NeDB drops lines it cannot parse and then rewrites the file, so every file is checked here
 * before NeDB may see it, and read-only views use this parser alone.
 */

import { isUtf8 } from 'node:buffer';
import { getErrorMessage } from '../errors.js';
import { jsonEscape } from '../text/index.js';

export type NedbDoc = { _id: string } & Record<string, unknown>;

/** Returns the document to keep (brought up to date if need be), or why it is not acceptable. */
export type DocCheck = (doc: NedbDoc) => NedbDoc | string;

export interface LineProblem {
  /** 1-based line number. */
  line: number;
  reason: string;
}

export interface TornTail extends LineProblem {
  /** Byte offset where the torn line starts: the file is good up to here. */
  offset: number;
  bytes: number;
}

export interface ParsedNedbFile {
  /** Live documents, in the order their `_id` first appeared. */
  docs: NedbDoc[];
  /** Lines that a compaction would fold away: replaced documents and deletions. */
  superseded: number;
  torn: TornTail | null;
  /** The first damaged line that is not the torn tail. */
  corrupt: LineProblem | null;
  /** A line holds a character NeDB splits lines on; re-escape it before NeDB reads the file. */
  needsRewrite: boolean;
}

interface BadLine extends LineProblem {
  offset: number;
  /** Unparsable bytes (a partial write) rather than a well-formed but wrong document. */
  unparsable: boolean;
}

const NEWLINE = 0x0a;
/** NeDB's line reader also splits on these; JSON.stringify escapes all but the last three. */
const NEDB_SEPARATORS = /[\r\v\f\u0085\u2028\u2029]/;
const UNESCAPED_SEPARATORS = /[\u0085\u2028\u2029]/g;

/** Lines in the first `bytes` of a file were checked in full before: `check` stands in for the full one. */
export interface VouchedPrefix {
  bytes: number;
  check: DocCheck;
}

export function parseNedbFile(data: Buffer, check: DocCheck, vouched?: VouchedPrefix): ParsedNedbFile {
  const byId = new Map<string, NedbDoc>();
  const bad: BadLine[] = [];
  let needsRewrite = false;
  let docLines = 0;
  // One check of the whole file is much faster than one per line; lines are checked only when it fails.
  const allUtf8 = isUtf8(data);
  let lastLine = 0;
  let lineNo = 0;
  for (let start = 0; start < data.length;) {
    const newline = data.indexOf(NEWLINE, start);
    const end = newline === -1 ? data.length : newline;
    lineNo += 1;
    if (end > start) {
      lastLine = lineNo;
      const outcome = parseLine(data.subarray(start, end), allUtf8);
      if (outcome.kind === 'bad') bad.push({ line: lineNo, offset: start, ...outcome });
      else if (outcome.kind === 'doc') {
        docLines += 1;
        needsRewrite ||= outcome.needsRewrite;
        const lineCheck = vouched !== undefined && end < vouched.bytes ? vouched.check : check;
        applyDoc(byId, outcome.doc, lineCheck, (reason) =>
          bad.push({ line: lineNo, offset: start, reason, unparsable: false }),
        );
      }
    }
    start = end + 1;
  }
  const last = bad.at(-1);
  const torn = last !== undefined && last.unparsable && last.line === lastLine ? last : undefined;
  const corrupt = bad.find((b) => b !== torn);
  return {
    docs: [...byId.values()],
    superseded: docLines - byId.size,
    torn:
      torn === undefined ? null : { ...pick(torn), offset: torn.offset, bytes: data.length - torn.offset },
    corrupt: corrupt === undefined ? null : pick(corrupt),
    needsRewrite,
  };
}

/** One line as NeDB would write it, with the separators NeDB splits on escaped (lossless in JSON). */
export function serializeLine(doc: NedbDoc): string {
  return escapeLineSeparators(JSON.stringify(doc));
}

/** These characters can only occur inside JSON strings, where `\uXXXX` means the same character. */
export function escapeLineSeparators(line: string): string {
  return line.replace(UNESCAPED_SEPARATORS, jsonEscape);
}

type LineOutcome =
  | { kind: 'doc'; doc: Record<string, unknown>; needsRewrite: boolean }
  | { kind: 'index' }
  | { kind: 'bad'; reason: string; unparsable: boolean };

function parseLine(bytes: Buffer, knownUtf8: boolean): LineOutcome {
  if (!knownUtf8 && !isUtf8(bytes)) return { kind: 'bad', reason: 'not valid UTF-8', unparsable: true };
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { kind: 'bad', reason: `not valid JSON (${getErrorMessage(error)})`, unparsable: true };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'bad', reason: 'not a JSON object', unparsable: false };
  }
  const doc = value as Record<string, unknown>;
  if (doc._id === undefined && ('$$indexCreated' in doc || '$$indexRemoved' in doc)) return { kind: 'index' };
  return { kind: 'doc', doc, needsRewrite: NEDB_SEPARATORS.test(text.replace(/\r$/, '')) };
}

function applyDoc(
  byId: Map<string, NedbDoc>,
  doc: Record<string, unknown>,
  check: DocCheck,
  fail: (reason: string) => void,
): void {
  const id = doc._id;
  if (typeof id !== 'string' || id === '') return fail('no _id');
  if (doc.$$deleted === true) {
    byId.delete(id);
    return;
  }
  const checked = check(doc as NedbDoc);
  if (typeof checked === 'string') return fail(checked);
  byId.set(id, checked);
}

function pick(problem: LineProblem): LineProblem {
  return { line: problem.line, reason: problem.reason };
}
