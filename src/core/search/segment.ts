import { open, type FileHandle } from 'node:fs/promises';
import { OctoError } from '../errors.js';
import { ByteWriter } from './varint.js';
import { replaceFile } from '../replace-file.js';

/**
 * An immutable segment of the search index, one file:
 *   "OCTOSEG1" | u32 header length | header JSON | docs | dictionary | postings
 * docs: per document u32 session index, u32 seq, u32 length in words (little-endian).
 * dictionary: sorted lines `term \t postings offset \t postings length \t df \t last doc`, in blocks
 * whose first terms the header lists, so a lookup reads one small block, never the whole dictionary.
 * postings: per term, varint pairs (doc number delta, term frequency); the first delta is absolute.
 */
const MAGIC = 'OCTOSEG1';
const PREAMBLE_BYTES = 12;
/** Terms per dictionary block: a lookup reads about 2 KB. */
const BLOCK_TERMS = 64;
const DOC_BYTES = 12;

export interface SegmentHeader {
  docCount: number;
  totalTokens: number;
  sessions: string[];
  dictAt: number;
  postAt: number;
  postBytes: number;
  blocks: Array<[first: string, offset: number, length: number]>;
}

export interface TermEntry {
  term: string;
  offset: number;
  length: number;
  df: number;
  last: number;
}

export interface EncodedTerm {
  term: string;
  bytes: Uint8Array;
  df: number;
  /** The highest doc number in the postings (to append another segment's postings after it). */
  last: number;
}

export interface SegmentParts {
  sessions: string[];
  /** DOC_BYTES per document. */
  docs: Buffer;
  totalTokens: number;
  /** In term order. */
  terms: Iterable<EncodedTerm>;
}

/** Writes a segment aside, flushed, then renamed into place: a reader sees a whole file or none. */
export async function writeSegmentFile(file: string, parts: SegmentParts): Promise<number> {
  const postings = new ByteWriter();
  const dictionary: string[] = [];
  const blocks: SegmentHeader['blocks'] = [];
  let block: string[] = [];
  let blockFirst = '';
  let dictBytes = 0;
  const closeBlock = (): void => {
    const text = block.join('');
    const length = Buffer.byteLength(text);
    blocks.push([blockFirst, dictBytes, length]);
    dictionary.push(text);
    dictBytes += length;
    block = [];
  };
  for (const entry of parts.terms) {
    if (block.length === 0) blockFirst = entry.term;
    block.push(`${entry.term}\t${postings.length}\t${entry.bytes.length}\t${entry.df}\t${entry.last}\n`);
    postings.bytes(entry.bytes);
    if (block.length === BLOCK_TERMS) closeBlock();
  }
  if (block.length > 0) closeBlock();
  const header: SegmentHeader = {
    docCount: parts.docs.length / DOC_BYTES,
    totalTokens: parts.totalTokens,
    sessions: parts.sessions,
    dictAt: parts.docs.length,
    postAt: parts.docs.length + dictBytes,
    postBytes: postings.length,
    blocks,
  };
  const headerBytes = Buffer.from(JSON.stringify(header));
  const preamble = Buffer.alloc(PREAMBLE_BYTES);
  preamble.write(MAGIC, 0, 'latin1');
  preamble.writeUInt32LE(headerBytes.length, 8);
  await replaceFile(file, async (handle) => {
    await handle.writev([
      preamble,
      headerBytes,
      parts.docs,
      Buffer.from(dictionary.join('')),
      postings.toBuffer(),
    ]);
  });
  return PREAMBLE_BYTES + headerBytes.length + parts.docs.length + dictBytes + postings.length;
}

export function encodeDocs(docs: ReadonlyArray<{ session: number; seq: number; length: number }>): Buffer {
  const buffer = Buffer.alloc(docs.length * DOC_BYTES);
  docs.forEach((doc, i) => {
    buffer.writeUInt32LE(doc.session, i * DOC_BYTES);
    buffer.writeUInt32LE(doc.seq, i * DOC_BYTES + 4);
    buffer.writeUInt32LE(Math.min(doc.length, 0xffffffff), i * DOC_BYTES + 8);
  });
  return buffer;
}

/** Positional reads of one segment: the header and doc table once, then dictionary blocks and postings on demand. */
export class SegmentReader {
  private readonly blockCache = new Map<number, TermEntry[]>();

  private constructor(
    private readonly handle: FileHandle,
    readonly file: string,
    readonly header: SegmentHeader,
    private readonly base: number,
    private readonly docs: Buffer,
  ) {}

  static async open(file: string): Promise<SegmentReader> {
    const handle = await open(file, 'r');
    try {
      const preamble = await readAt(handle, 0, PREAMBLE_BYTES);
      if (preamble.toString('latin1', 0, 8) !== MAGIC) throw damaged(file, 'not a search segment');
      const headerLength = preamble.readUInt32LE(8);
      const header = JSON.parse(
        (await readAt(handle, PREAMBLE_BYTES, headerLength)).toString('utf8'),
      ) as SegmentHeader;
      const base = PREAMBLE_BYTES + headerLength;
      const docs = await readAt(handle, base, header.docCount * DOC_BYTES);
      return new SegmentReader(handle, file, header, base, docs);
    } catch (error) {
      await handle.close();
      if (error instanceof SyntaxError) throw damaged(file, error.message, error);
      throw error;
    }
  }

  get docCount(): number {
    return this.header.docCount;
  }

  docSession(doc: number): number {
    return this.docs.readUInt32LE(doc * DOC_BYTES);
  }

  docSeq(doc: number): number {
    return this.docs.readUInt32LE(doc * DOC_BYTES + 4);
  }

  docLength(doc: number): number {
    return this.docs.readUInt32LE(doc * DOC_BYTES + 8);
  }

  /** The term itself, or with `prefix` every term starting with it (at most `max`). */
  async lookup(term: string, prefix: boolean, max: number): Promise<TermEntry[]> {
    const { blocks } = this.header;
    let low = 0;
    let high = blocks.length - 1;
    let start = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if ((blocks[middle]?.[0] ?? '') <= term) {
        start = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    if (start < 0) start = 0;
    if (!prefix) return (await this.block(start)).filter((entry) => entry.term === term);
    const found: TermEntry[] = [];
    for (let index = start; index < blocks.length; index += 1) {
      for (const entry of await this.block(index)) {
        if (entry.term.startsWith(term)) found.push(entry);
        else if (entry.term > term) return found;
        if (found.length >= max) return found;
      }
    }
    return found;
  }

  async postings(entry: TermEntry): Promise<Buffer> {
    return readAt(this.handle, this.base + this.header.postAt + entry.offset, entry.length);
  }

  /** Every term in order with its postings bytes (for merging). */
  async *entries(): AsyncGenerator<{ entry: TermEntry; bytes: Buffer }> {
    const { blocks } = this.header;
    const postings = await readAt(this.handle, this.base + this.header.postAt, this.header.postBytes);
    for (let index = 0; index < blocks.length; index += 1) {
      for (const entry of await this.block(index)) {
        yield { entry, bytes: postings.subarray(entry.offset, entry.offset + entry.length) };
      }
      this.blockCache.delete(index);
    }
  }

  docTable(): Buffer {
    return this.docs;
  }

  close(): Promise<void> {
    return this.handle.close();
  }

  private async block(index: number): Promise<TermEntry[]> {
    const cached = this.blockCache.get(index);
    if (cached !== undefined) return cached;
    const [, offset, length] = this.header.blocks[index] ?? ['', 0, 0];
    const text = (await readAt(this.handle, this.base + this.header.dictAt + offset, length)).toString(
      'utf8',
    );
    const entries = text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const [term = '', at = '0', bytes = '0', df = '0', last = '0'] = line.split('\t');
        return { term, offset: Number(at), length: Number(bytes), df: Number(df), last: Number(last) };
      });
    this.blockCache.set(index, entries);
    return entries;
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
}

function damaged(file: string, why: string, cause?: unknown): OctoError {
  return new OctoError(
    'session_corrupt',
    `The search index file ${file} is damaged (${why}); run octo doctor --reindex.`,
    {
      ...(cause === undefined ? {} : { cause }),
      details: { path: file },
    },
  );
}
