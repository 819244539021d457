/**
 * Opening a long session from its end (docs/architecture.md, of the same name): when the file is exactly as its writer left it when
 * it last closed, only the lines from a given record on are read (backwards, in blocks, from the end);
 * what comes before was checked when it was written and is read only when asked for.
 */
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
 * whole file, which handles every one of those cases.
 */
export async function readTail(file: string, hint: ResumeHint, check: DocCheck): Promise<NedbDoc[] | null> {
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
      if (at === -1) continue;
      const parsed = parseNedbFile(data.subarray(at), check);
      if (parsed.torn !== null || parsed.corrupt !== null || parsed.superseded > 0) return null;
      // Lines in seq order from the hint on, as a clean close leaves them (NeDB compacts in id order).
      if (parsed.docs.some((doc) => (doc.seq as number) < hint.seq)) return null;
      return parsed.docs;
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
