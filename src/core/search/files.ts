import { randomBytes } from 'node:crypto';
import { readFile, rename, stat } from 'node:fs/promises';
import { errnoCode } from '../errors.js';
import type { SessionRecord } from '../store/index.js';
import type { IndexedDoc } from './build.js';
import { parseJson } from '../text/index.js';
import { recordText, termCounts } from './text.js';

/** The files of the search index: tail lines, renames that may find nothing, unique names. */

export function indexedDoc(sessionId: string, record: SessionRecord): IndexedDoc | null {
  const text = recordText(record);
  if (text === null) return null;
  const { counts, length } = termCounts(text.text);
  return length === 0 ? null : { s: sessionId, q: record.seq, n: length, t: Object.fromEntries(counts) };
}

/** Tail lines; a torn last line (a crash mid-append) is skipped. */
export async function readDocs(file: string): Promise<IndexedDoc[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
  const docs: IndexedDoc[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const doc = parseDoc(line);
    if (doc !== null) docs.push(doc);
  }
  return docs;
}

function parseDoc(line: string): IndexedDoc | null {
  const doc = parseJson(line) as Partial<IndexedDoc> | null | undefined;
  const valid =
    typeof doc?.s === 'string' &&
    typeof doc.q === 'number' &&
    typeof doc.n === 'number' &&
    typeof doc.t === 'object' &&
    doc.t !== null;
  return valid ? (doc as IndexedDoc) : null;
}

export async function renameIfThere(from: string, to: string, moved: string[]): Promise<void> {
  try {
    await rename(from, to);
    moved.push(to);
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
  }
}

export async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return 0;
    throw error;
  }
}

export function stamp(): string {
  return `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}
