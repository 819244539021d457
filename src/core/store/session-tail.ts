/**
 * Opening a long session from its end (docs/architecture.md, of the same name): when the file is exactly as its writer left it when
 * it last closed, only the lines from a given record on are read (backwards, in blocks, from the end);
 * what comes before was checked when it was written and is read only when asked for.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { parseNedbFile, type DocCheck, type NedbDoc } from './line-parser.js';
import type { FileState, ResumeHint } from './types.js';

/** Zero-padding of seqs in document ids; a trillion records is beyond any session. */
const SEQ_DIGITS = 12;
/** Most resumes find their first line within the last block (a context is a few hundred kB). */
const BLOCK_BYTES = 256 * 1024;

/** NeDB ids that sort like seqs, as the session writer makes them: a line's id names its record. */
export function recordDocId(seq: number): string {
  return `r${String(seq).padStart(SEQ_DIGITS, '0')}`;
}

export function sameState(a: FileState, b: FileState): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

/**
 * The documents from record `hint.seq` to the end of `file`, or null when the file is not in
 * `hint.state`, holds no line of that record, or its end is not clean: the caller then reads the
 * whole file, which handles every one of those cases. Each line is checked with `check`, unless the
 * lines are byte for byte those the hint's `tailSha256` names (the writer's, checked when they were
 * read or written): then with `vouched` alone, as a checked stamp's prefix is (checked-stamp.ts).
 */
export async function readTail(
  file: string,
  hint: ResumeHint,
  check: DocCheck,
  vouched: DocCheck = check,
): Promise<NedbDoc[] | null> {
  const tail = await tailBytes(file, hint);
  if (tail === null) return null;
  const known = hint.tailSha256 !== undefined && digest(tail) === hint.tailSha256;
  const parsed = parseNedbFile(tail, known ? vouched : check);
  if (parsed.torn !== null || parsed.corrupt !== null || parsed.superseded > 0) return null;
  // Lines in seq order from the hint on, as a clean close leaves them (NeDB compacts in id order).
  if (parsed.docs.some((doc) => (doc.seq as number) < hint.seq)) return null;
  return parsed.docs;
}

/**
 * The SHA-256 of `file` from record `hint.seq`'s line to its end, for a resume point (`tailSha256`);
 * null when the file is not in `hint.state` or holds no line of that record.
 */
export async function tailDigest(file: string, hint: ResumeHint): Promise<string | null> {
  const tail = await tailBytes(file, hint);
  return tail === null ? null : digest(tail);
}

function digest(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The bytes from record `hint.seq`'s line on, read backwards in blocks; null as readTail says. */
async function tailBytes(file: string, hint: ResumeHint): Promise<Buffer | null> {
  const handle = await open(file, 'r');
  try {
    const info = await handle.stat();
    if (!sameState({ size: info.size, mtimeMs: info.mtimeMs, ino: info.ino }, hint.state)) return null;
    const marker = Buffer.from(`{"_id":"${recordDocId(hint.seq)}"`);
    let data = Buffer.alloc(0);
    for (let end = info.size; end > 0;) {
      const start = Math.max(0, end - BLOCK_BYTES);
      const block = Buffer.alloc(end - start);
      const { bytesRead } = await handle.read(block, 0, block.length, start);
      if (bytesRead !== block.length) return null;
      data = Buffer.concat([block, data]);
      end = start;
      const at = lineStart(data, marker, start === 0);
      if (at !== -1) return data.subarray(at);
    }
    return null;
  } finally {
    await handle.close();
  }
}

/** Where the line that begins with `marker` starts in `data`, or -1 (also when it may be cut off). */
function lineStart(data: Buffer, marker: Buffer, whole: boolean): number {
  for (let at = data.lastIndexOf(marker); at !== -1; at = at === 0 ? -1 : data.lastIndexOf(marker, at - 1)) {
    if (at > 0 && data[at - 1] === NEWLINE) return at;
    // The first line of what was read so far: a line start only when the file begins there.
    if (at === 0 && whole) return at;
  }
  return -1;
}

const NEWLINE = 0x0a;
